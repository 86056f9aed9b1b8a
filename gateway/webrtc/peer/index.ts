export {
  PeerConnection,
  type PeerConnectionOptions,
  type PeerLogger,
  type SrtpPair,
} from './peer-connection.ts';
export { type SendStreamStats, type ReceiveStreamStats } from './stream-stats-registry.ts';
export { RtpSender, type RtpSenderOptions, type RtpSenderStats } from './rtp-sender.ts';
export { RtpReceiveCounter, type RtpReceiveCounts } from './rtp-receive-counter.ts';
export {
  buildStatsReport,
  type StatsSources,
  type CodecSource,
  type SendCounters,
  type ReceptionSource,
  type FeedbackCounts,
  type SendStreamSource,
  type ReceiveStreamSource,
  type PairSource,
  type TransportSource,
} from './stats-builder.ts';
export {
  statsOfType,
  statsById,
  type StatsReport,
  type RtcStats,
  type RtcStatsType,
  type RtcStatsByType,
  type CodecStats,
  type OutboundRtpStats,
  type RemoteInboundRtpStats,
  type InboundRtpStats,
  type TransportStats,
  type CandidatePairStats,
  type IceCandidateStats,
  type DtlsTransportState,
  type CandidatePairState,
} from './stats-report.ts';
export { nextConnectionState, type ConnectionState } from './connection-state.ts';
export { PeerError, type PeerErrorCode } from './errors.ts';
