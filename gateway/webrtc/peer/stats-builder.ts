import type { Candidate } from '../ice/index.ts';
import type { ConnectionState } from './connection-state.ts';
import type { RtpReceiveCounts } from './rtp-receive-counter.ts';
import type {
  CandidatePairState,
  CandidatePairStats,
  CodecStats,
  DtlsTransportState,
  IceCandidateStats,
  InboundRtpStats,
  OutboundRtpStats,
  RemoteInboundRtpStats,
  RtcStats,
  StatsReport,
  TransportStats,
} from './stats-report.ts';

/** A negotiated payload format (the SDP answer's rtpmap/fmtp of one m-line). */
export interface CodecSource {
  readonly payloadType: number;
  /** Encoding name as in the SDP (`H264`, `opus`, `PCMU`). */
  readonly name: string;
  readonly clockRate: number;
  readonly channels?: number | undefined;
  readonly fmtp?: Readonly<Record<string, string>>;
}

/** A sender's counters (RtpSender.stats is one). */
export interface SendCounters {
  readonly packets: number;
  /** RTP payload bytes. */
  readonly payloadBytes: number;
  readonly errors: number;
}

/** What the peer's receiver reports said (interceptor ReceiverStats.quality is one). */
export interface ReceptionSource {
  readonly fractionLost: number;
  readonly cumulativeLost: number;
  readonly jitterSeconds: number;
  readonly rttMs: number | undefined;
  readonly reports: number;
}

/** RTCP feedback the peer sent about one of our streams. */
export interface FeedbackCounts {
  readonly nack: number;
  readonly pli: number;
  readonly fir: number;
}

/** One stream we send: its negotiation, its sender's counters, and what the peer reports of it. */
export interface SendStreamSource {
  readonly ssrc: number;
  readonly kind: 'audio' | 'video';
  readonly mid: string;
  readonly codec: CodecSource;
  readonly counters: SendCounters;
  readonly reception?: ReceptionSource | undefined;
  readonly retransmits?: number | undefined;
  readonly feedback: FeedbackCounts;
}

/** One stream we receive (a publisher's track). */
export interface ReceiveStreamSource {
  readonly kind: 'audio' | 'video';
  readonly mid: string;
  readonly codec: CodecSource;
  readonly counts: RtpReceiveCounts;
}

/** One ICE candidate pair as the agent holds it. */
export interface PairSource {
  readonly local: Candidate;
  readonly remote: Candidate;
  readonly state: CandidatePairState;
  readonly nominated: boolean;
  /** The pair ICE selected (carries all data). */
  readonly selected: boolean;
  /** Last STUN round trip on the pair, clock ms. */
  readonly rttMs: number | undefined;
}

/** The transport's own figures. */
export interface TransportSource {
  readonly iceRole: 'controlling' | 'controlled';
  readonly iceState: string;
  readonly localUfrag: string | undefined;
  readonly dtlsState: DtlsTransportState;
  readonly dtlsRole: 'client' | 'server' | undefined;
  readonly dtlsCipher: string | undefined;
  /** SRTP profile name (`SRTP_AES128_CM_HMAC_SHA1_80`). */
  readonly srtpCipher: string | undefined;
  readonly bytesSent: number;
  readonly bytesReceived: number;
  readonly packetsSent: number;
  readonly packetsReceived: number;
}

/** Everything {@link buildStatsReport} assembles, read from where each number lives. */
export interface StatsSources {
  /** ms since the Unix epoch. */
  readonly timestamp: number;
  readonly connectionState: ConnectionState;
  readonly transport: TransportSource;
  readonly localCandidates: readonly Candidate[];
  readonly remoteCandidates: readonly Candidate[];
  readonly pairs: readonly PairSource[];
  readonly send: readonly SendStreamSource[];
  readonly receive: readonly ReceiveStreamSource[];
}

const TRANSPORT_ID = 'T01';
/** RTP fixed header (RFC 3550 §5.1); the relay's senders add no CSRCs or extensions. */
const RTP_HEADER_BYTES = 12;

function candidateId(side: 'L' | 'R', c: Candidate): string {
  return `I${side}-${c.type}-${c.transport}-${c.address}:${c.port}`;
}

function mimeType(kind: 'audio' | 'video', name: string): string {
  return `${kind}/${name}`;
}

/** The a=fmtp parameter list in key order, as webrtc-stats' sdpFmtpLine. */
function fmtpLine(fmtp: Readonly<Record<string, string>> | undefined): string | undefined {
  if (!fmtp) return undefined;
  const keys = Object.keys(fmtp).sort();
  return keys.length > 0 ? keys.map((k) => `${k}=${fmtp[k]}`).join(';') : undefined;
}

/**
 * Assembles a W3C webrtc-stats shaped snapshot from the peer's sources: assigns ids and links the
 * entries (transport → selected pair → candidates; outbound-rtp ↔ remote-inbound-rtp; RTP entries →
 * codec), converts ms to the spec's seconds, and gives the selected pair of an ICE-lite agent
 * (which sends no checks, RFC 8445 §2.5) the RTCP round trip of the peer's receiver reports.
 * Pure: same sources, same report.
 *
 * @example
 * const report = buildStatsReport({ timestamp: clock.wallNow(), connectionState, transport, ... });
 */
export function buildStatsReport(src: StatsSources): StatsReport {
  const timestamp = src.timestamp;
  const stats: RtcStats[] = [];
  const codecs = new Map<string, CodecStats>();
  const codecId = (dir: 'O' | 'I', kind: 'audio' | 'video', c: CodecSource): string => {
    const id = `C${dir}-${c.payloadType}`;
    if (!codecs.has(id)) {
      const fmtp = fmtpLine(c.fmtp);
      codecs.set(id, {
        id,
        type: 'codec',
        timestamp,
        transportId: TRANSPORT_ID,
        payloadType: c.payloadType,
        mimeType: mimeType(kind, c.name),
        clockRate: c.clockRate,
        ...(c.channels !== undefined ? { channels: c.channels } : {}),
        ...(fmtp !== undefined ? { sdpFmtpLine: fmtp } : {}),
      });
    }
    return id;
  };

  // RTCP RTT (seconds) for an ICE-lite selected pair: video's if known, else any track's.
  const rtcpRtt = [...src.send]
    .sort((a, b) => (a.kind === b.kind ? 0 : a.kind === 'video' ? -1 : 1))
    .map((s) => s.reception?.rttMs)
    .find((r) => r !== undefined);

  let selectedPairId: string | undefined;
  const t = src.transport;
  const seen = new Set<string>();
  const candidate = (side: 'L' | 'R', c: Candidate): string => {
    const id = candidateId(side, c);
    if (!seen.has(id)) {
      seen.add(id);
      const entry: IceCandidateStats = {
        id,
        type: side === 'L' ? 'local-candidate' : 'remote-candidate',
        timestamp,
        transportId: TRANSPORT_ID,
        address: c.address,
        port: c.port,
        protocol: c.transport,
        candidateType: c.type,
        priority: c.priority,
        foundation: c.foundation,
      };
      stats.push(entry);
    }
    return id;
  };
  for (const c of src.localCandidates) candidate('L', c);
  for (const c of src.remoteCandidates) candidate('R', c);
  for (const p of src.pairs) {
    const localCandidateId = candidate('L', p.local);
    const remoteCandidateId = candidate('R', p.remote);
    const id = `CP-${localCandidateId}_${remoteCandidateId}`;
    if (p.selected) selectedPairId = id;
    const rttMs = p.rttMs ?? (p.selected ? rtcpRtt : undefined);
    const pair: CandidatePairStats = {
      id,
      type: 'candidate-pair',
      timestamp,
      transportId: TRANSPORT_ID,
      localCandidateId,
      remoteCandidateId,
      state: p.state,
      nominated: p.nominated,
      bytesSent: p.selected ? t.bytesSent : 0,
      bytesReceived: p.selected ? t.bytesReceived : 0,
      packetsSent: p.selected ? t.packetsSent : 0,
      packetsReceived: p.selected ? t.packetsReceived : 0,
      ...(rttMs !== undefined ? { currentRoundTripTime: rttMs / 1000 } : {}),
    };
    stats.push(pair);
  }

  const transport: TransportStats = {
    id: TRANSPORT_ID,
    type: 'transport',
    timestamp,
    bytesSent: t.bytesSent,
    bytesReceived: t.bytesReceived,
    packetsSent: t.packetsSent,
    packetsReceived: t.packetsReceived,
    iceRole: t.iceRole,
    iceState: t.iceState,
    dtlsState: t.dtlsState,
    ...(t.localUfrag !== undefined ? { iceLocalUsernameFragment: t.localUfrag } : {}),
    ...(t.dtlsRole !== undefined ? { dtlsRole: t.dtlsRole } : {}),
    ...(selectedPairId !== undefined ? { selectedCandidatePairId: selectedPairId } : {}),
    ...(t.dtlsState === 'connected' ? { tlsVersion: 'FEFD' } : {}),
    ...(t.dtlsCipher !== undefined ? { dtlsCipher: t.dtlsCipher } : {}),
    ...(t.srtpCipher !== undefined ? { srtpCipher: t.srtpCipher } : {}),
  };
  stats.unshift(transport);

  for (const s of src.send) {
    const id = `OT-${s.kind}-${s.ssrc}`;
    const remoteId = `RI-${s.kind}-${s.ssrc}`;
    const cid = codecId('O', s.kind, s.codec);
    const r = s.reception;
    const hasReport = r !== undefined && r.reports > 0;
    const out: OutboundRtpStats = {
      id,
      type: 'outbound-rtp',
      timestamp,
      ssrc: s.ssrc,
      kind: s.kind,
      mid: s.mid,
      transportId: TRANSPORT_ID,
      codecId: cid,
      ...(hasReport ? { remoteId } : {}),
      packetsSent: s.counters.packets,
      bytesSent: s.counters.payloadBytes,
      headerBytesSent: s.counters.packets * RTP_HEADER_BYTES,
      ...(s.retransmits !== undefined ? { retransmittedPacketsSent: s.retransmits } : {}),
      nackCount: s.feedback.nack,
      pliCount: s.feedback.pli,
      firCount: s.feedback.fir,
      sendErrors: s.counters.errors,
    };
    stats.push(out);
    if (hasReport) {
      const remote: RemoteInboundRtpStats = {
        id: remoteId,
        type: 'remote-inbound-rtp',
        timestamp,
        ssrc: s.ssrc,
        kind: s.kind,
        transportId: TRANSPORT_ID,
        codecId: cid,
        localId: id,
        packetsLost: r.cumulativeLost,
        fractionLost: r.fractionLost,
        jitter: r.jitterSeconds,
        ...(r.rttMs !== undefined ? { roundTripTime: r.rttMs / 1000 } : {}),
        reportsReceived: r.reports,
      };
      stats.push(remote);
    }
  }

  for (const s of src.receive) {
    const c = s.counts;
    if (c.ssrc === undefined) continue; // webrtc-stats §5.4: exists once the first packet arrived
    const inbound: InboundRtpStats = {
      id: `IT-${s.kind}-${c.ssrc}`,
      type: 'inbound-rtp',
      timestamp,
      ssrc: c.ssrc,
      kind: s.kind,
      mid: s.mid,
      transportId: TRANSPORT_ID,
      codecId: codecId('I', s.kind, s.codec),
      packetsReceived: c.packetsReceived,
      bytesReceived: c.bytesReceived,
      headerBytesReceived: c.headerBytesReceived,
      packetsLost: c.packetsLost,
      jitter: c.jitter,
      ...(c.lastPacketReceivedTimestamp !== undefined
        ? { lastPacketReceivedTimestamp: c.lastPacketReceivedTimestamp }
        : {}),
      nackCount: c.nackCount,
      pliCount: c.pliCount,
      firCount: c.firCount,
    };
    stats.push(inbound);
  }
  stats.push(...codecs.values());
  return { timestamp, connectionState: src.connectionState, stats };
}
