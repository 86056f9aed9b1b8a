/*
 * The getStats() snapshot of a PeerConnection, modelled on W3C "Identifiers for WebRTC's Statistics
 * API" (webrtc-stats, https://www.w3.org/TR/webrtc-stats/): the same type names (RTCStatsType) and
 * member names, so a dashboard that reads a browser's getStats() reads ours. Only the members the
 * gateway really knows are present; an unknown value is left out rather than reported as 0.
 *
 * Units follow the spec: times in seconds (roundTripTime, jitter), timestamps in milliseconds since
 * the Unix epoch, byte counts without SRTP overhead where the spec says so (bytesSent of outbound-rtp
 * is payload bytes, RFC 3550 §6.4.1; headerBytesSent the RTP headers).
 *
 * Entries link by id, as in the spec: outbound-rtp.codecId → codec, outbound-rtp.remoteId →
 * remote-inbound-rtp, candidate-pair.localCandidateId → local-candidate, transport.selectedCandidatePairId
 * → candidate-pair.
 */
import type { ConnectionState } from './connection-state.ts';

/** RTCStatsType values this stack reports (webrtc-stats §3.1). */
export type RtcStatsType =
  | 'codec'
  | 'inbound-rtp'
  | 'outbound-rtp'
  | 'remote-inbound-rtp'
  | 'transport'
  | 'candidate-pair'
  | 'local-candidate'
  | 'remote-candidate';

/** RTCStats (webrtc-stats §2): every entry has these. */
interface RtcStatsBase<T extends RtcStatsType> {
  readonly id: string;
  readonly type: T;
  /** When the snapshot was taken, ms since the Unix epoch. */
  readonly timestamp: number;
}

/** RTCDtlsTransportState (webrtc-pc §5.5.1). */
export type DtlsTransportState = 'new' | 'connecting' | 'connected' | 'closed' | 'failed';

/** RTCIceCandidatePairState (webrtc-stats §5.12): the ICE checklist states, RFC 8445 §6.1.2.6. */
export type CandidatePairState = 'frozen' | 'waiting' | 'in-progress' | 'succeeded' | 'failed';

/** RTCCodecStats (webrtc-stats §5.2). */
export interface CodecStats extends RtcStatsBase<'codec'> {
  readonly payloadType: number;
  readonly transportId: string;
  /** `video/H264`, `audio/opus`, `audio/PCMU`. */
  readonly mimeType: string;
  readonly clockRate: number;
  readonly channels?: number;
  /** The a=fmtp parameters as negotiated (`level-asymmetry-allowed=1;packetization-mode=1;...`). */
  readonly sdpFmtpLine?: string;
}

/** RTCRtpStreamStats members shared by the RTP entries (webrtc-stats §5.3). */
interface RtpStreamStats<T extends RtcStatsType> extends RtcStatsBase<T> {
  readonly ssrc: number;
  readonly kind: 'audio' | 'video';
  readonly transportId: string;
  readonly codecId?: string;
}

/** RTCOutboundRtpStreamStats (webrtc-stats §5.6): one per sender (each viewer track). */
export interface OutboundRtpStats extends RtpStreamStats<'outbound-rtp'> {
  readonly mid: string;
  /** The remote-inbound-rtp entry built from the peer's receiver reports, once one arrived. */
  readonly remoteId?: string;
  readonly packetsSent: number;
  /** RTP payload bytes, retransmissions included (RFC 3550 §6.4.1 sender's octet count). */
  readonly bytesSent: number;
  /** RTP header bytes (12 per packet for the relay: no CSRCs, no extensions). */
  readonly headerBytesSent: number;
  /** Packets resent in answer to NACKs, when the sender counts them. */
  readonly retransmittedPacketsSent?: number;
  /** Generic NACK packets received for this SSRC (RFC 4585 §6.2.1). */
  readonly nackCount: number;
  /** PLI packets received (RFC 4585 §6.3.1). */
  readonly pliCount: number;
  /** FIR packets received (RFC 5104 §4.3.1). */
  readonly firCount: number;
  /** Sends the transport refused (the viewer's queue full or its conn closed); not in W3C. */
  readonly sendErrors?: number;
}

/** RTCRemoteInboundRtpStreamStats (webrtc-stats §5.7): what the peer's RTCP receiver reports say. */
export interface RemoteInboundRtpStats extends RtpStreamStats<'remote-inbound-rtp'> {
  /** The outbound-rtp entry this reports on. */
  readonly localId: string;
  /** Cumulative number lost (RFC 3550 §6.4.1; negative with duplicates). */
  readonly packetsLost: number;
  /** Fraction lost since the previous report, 0..1. */
  readonly fractionLost: number;
  /** Interarrival jitter, seconds. */
  readonly jitter: number;
  /** Round trip from LSR/DLSR (RFC 3550 §6.4.1), seconds; absent until a report echoes an SR. */
  readonly roundTripTime?: number;
  /** Reports received; not in W3C. */
  readonly reportsReceived: number;
}

/** RTCInboundRtpStreamStats (webrtc-stats §5.4): a publisher's stream the gateway receives. */
export interface InboundRtpStats extends RtpStreamStats<'inbound-rtp'> {
  readonly mid: string;
  readonly packetsReceived: number;
  /** RTP payload bytes. */
  readonly bytesReceived: number;
  readonly headerBytesReceived: number;
  /** Expected minus received (RFC 3550 §6.4.1, Appendix A.3); may be negative with duplicates. */
  readonly packetsLost: number;
  /** Interarrival jitter (RFC 3550 §6.4.1, Appendix A.8), seconds. */
  readonly jitter: number;
  /** When the last packet arrived, ms since the Unix epoch. */
  readonly lastPacketReceivedTimestamp?: number;
  /** NACK packets we sent for this SSRC. */
  readonly nackCount: number;
  /** PLI packets we sent. */
  readonly pliCount: number;
  /** FIR packets we sent. */
  readonly firCount: number;
}

/** RTCTransportStats (webrtc-stats §5.11): the one BUNDLE transport (ICE + DTLS). */
export interface TransportStats extends RtcStatsBase<'transport'> {
  /** Application bytes (DTLS, SRTP, SRTCP) on the selected pair. */
  readonly bytesSent: number;
  readonly bytesReceived: number;
  readonly packetsSent: number;
  readonly packetsReceived: number;
  readonly iceRole: 'controlling' | 'controlled';
  readonly iceLocalUsernameFragment?: string;
  /** RTCIceTransportState (webrtc-pc §5.6.2). */
  readonly iceState: string;
  readonly dtlsState: DtlsTransportState;
  /** `client` or `server`; absent before the handshake starts. */
  readonly dtlsRole?: 'client' | 'server';
  readonly selectedCandidatePairId?: string;
  /** `FEFD` for DTLS 1.2, as browsers report it. */
  readonly tlsVersion?: string;
  /** IANA name of the DTLS cipher suite (`TLS_ECDHE_ECDSA_WITH_AES_128_GCM_SHA256`). */
  readonly dtlsCipher?: string;
  /** SRTP protection profile name (`SRTP_AES128_CM_HMAC_SHA1_80`, RFC 5764 §4.1.2). */
  readonly srtpCipher?: string;
}

/** RTCIceCandidatePairStats (webrtc-stats §5.12). */
export interface CandidatePairStats extends RtcStatsBase<'candidate-pair'> {
  readonly transportId: string;
  readonly localCandidateId: string;
  readonly remoteCandidateId: string;
  readonly state: CandidatePairState;
  readonly nominated: boolean;
  /** Only the selected pair carries data (BUNDLE, one component). */
  readonly bytesSent: number;
  readonly bytesReceived: number;
  readonly packetsSent: number;
  readonly packetsReceived: number;
  /**
   * Seconds: the last STUN check or consent round trip on this pair (RFC 7675), else, for the selected
   * pair of an ICE-lite agent (which sends no checks), the latest RTCP round trip (RFC 3550 §6.4.1).
   */
  readonly currentRoundTripTime?: number;
}

/** RTCIceCandidateStats (webrtc-stats §5.13). */
export interface IceCandidateStats extends RtcStatsBase<'local-candidate' | 'remote-candidate'> {
  readonly transportId: string;
  readonly address: string;
  readonly port: number;
  readonly protocol: 'udp' | 'tcp';
  /** RTCIceCandidateType: `host`, `srflx`, `prflx`, `relay`. */
  readonly candidateType: 'host' | 'srflx' | 'prflx' | 'relay';
  readonly priority: number;
  readonly foundation: string;
}

/** One entry of a {@link StatsReport}. */
export type RtcStats =
  | CodecStats
  | OutboundRtpStats
  | RemoteInboundRtpStats
  | InboundRtpStats
  | TransportStats
  | CandidatePairStats
  | IceCandidateStats;

/** The entry type for each {@link RtcStatsType}. */
export interface RtcStatsByType {
  codec: CodecStats;
  'inbound-rtp': InboundRtpStats;
  'outbound-rtp': OutboundRtpStats;
  'remote-inbound-rtp': RemoteInboundRtpStats;
  transport: TransportStats;
  'candidate-pair': CandidatePairStats;
  'local-candidate': IceCandidateStats;
  'remote-candidate': IceCandidateStats;
}

/**
 * What `PeerConnection.getStats()` returns: the peer's state and the entries, each with its `id`
 * and `type` (the JSON of `GET /whep/{stream}/{session}/stats`).
 *
 * @example
 * const report = pc.getStats();
 * const [video] = statsOfType(report, 'outbound-rtp').filter((s) => s.kind === 'video');
 */
export interface StatsReport {
  /** ms since the Unix epoch. */
  readonly timestamp: number;
  readonly connectionState: ConnectionState;
  readonly stats: readonly RtcStats[];
}

/** The entries of one type, typed. */
export function statsOfType<T extends RtcStatsType>(report: StatsReport, type: T): RtcStatsByType[T][] {
  return report.stats.filter((s) => s.type === type) as RtcStatsByType[T][];
}

/** The entry with that id (to follow `codecId`, `remoteId`, `selectedCandidatePairId`). */
export function statsById(report: StatsReport, id: string | undefined): RtcStats | undefined {
  return id === undefined ? undefined : report.stats.find((s) => s.id === id);
}
