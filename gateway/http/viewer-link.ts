import type { Clock } from '../webrtc/transport/index.ts';
import { RtpSender, type PeerConnection } from '../webrtc/peer/index.ts';
import { SDES_CNAME, type RtcpPacket, type ReportBlock } from '../webrtc/rtcp/index.ts';
import {
  KeyframeRequestFilter,
  NackResponder,
  ReceiverStats,
  SenderReporter,
} from '../webrtc/interceptor/index.ts';
import type { HubViewer, MediaPacket, StreamHub } from '../media/index.ts';

type Kind = 'video' | 'audio';

/** What the gateway sends on one accepted m-line of a viewer. */
export interface SentTrack {
  readonly mid: string;
  readonly kind: Kind;
  readonly ssrc: number;
  readonly payloadType: number;
  readonly clockRate: number;
}

/** A viewer joined to a stream hub: its senders, and what it reports back. */
export interface ViewerLink {
  readonly senders: ReadonlyMap<Kind, RtpSender>;
  /** Loss, jitter and RTT per track, from the viewer's receiver reports. */
  readonly quality: ReadonlyMap<Kind, ReceiverStats>;
  /** Packets resent from the hub's history in answer to the viewer's NACKs, per track (getStats). */
  readonly retransmitted: Readonly<Record<Kind, number>>;
  /** What the viewer's NACKs asked and what was resent or suppressed, per track. */
  readonly nacks: ReadonlyMap<Kind, NackResponder>;
  /** The viewer's PLI/FIR and which were answered. */
  readonly keyframeRequests: KeyframeRequestFilter;
  close(): void;
}

const SR_INTERVAL_MS = 1000;

/**
 * Joins a connected viewer to a stream hub: one {@link RtpSender} per track (the per-viewer half of
 * the hot path), the hub's cached GOP at once, RTCP feedback back to the hub (NACK from its history,
 * PLI/FIR from its GOP cache, RFC 4585), sender reports every second (RFC 3550 §6.4.1; with SDES
 * CNAME, §6.1 compound rules) and receiver-report statistics.
 */
export function linkViewer(
  pc: PeerConnection,
  hub: StreamHub,
  tracks: ReadonlyMap<Kind, SentTrack>,
  o: { clock: Clock; cname: string },
): ViewerLink | undefined {
  const srtp = pc.srtp;
  const conn = pc.mediaConn;
  if (!srtp || !conn) return undefined;
  const senders = new Map<Kind, RtpSender>();
  const reporters = new Map<Kind, SenderReporter>();
  const quality = new Map<Kind, ReceiverStats>();
  const bySsrc = new Map<number, Kind>();
  const retransmitted: Record<Kind, number> = { video: 0, audio: 0 };
  const nacks = new Map<Kind, NackResponder>();
  const keyframeRequests = new KeyframeRequestFilter({ clock: o.clock });
  for (const t of tracks.values()) {
    nacks.set(t.kind, new NackResponder({ clock: o.clock }));
    senders.set(t.kind, new RtpSender({ ssrc: t.ssrc, payloadType: t.payloadType, srtp: srtp.tx, conn }));
    reporters.set(t.kind, new SenderReporter({ ssrc: t.ssrc, clockRate: t.clockRate, clock: o.clock }));
    quality.set(t.kind, new ReceiverStats(t.clockRate));
    bySsrc.set(t.ssrc, t.kind);
  }
  const video = senders.get('video');
  const audio = senders.get('audio');
  const viewer: HubViewer = hub.addViewer(
    {
      deliver: (p: MediaPacket) => {
        const s = p.kind === 'video' ? video : audio;
        return s ? s.send(p.data, p.payload, p.seq, p.timestamp, p.captureWallMs) : true;
      },
    },
    { kinds: [...tracks.keys()] },
  );
  const onBlock = (b: ReportBlock) => {
    const kind = bySsrc.get(b.ssrc);
    if (!kind) return;
    quality.get(kind)?.onReportBlock(b, reporters.get(kind)?.rttMs(b.lastSr, b.delaySinceLastSr));
  };
  const offRtcp = pc.onRtcp((packets: RtcpPacket[]) => {
    for (const p of packets) {
      if (p.type === 'nack') {
        const kind = bySsrc.get(p.mediaSsrc);
        const sender = kind && senders.get(kind);
        const responder = kind && nacks.get(kind);
        if (kind && sender && responder) {
          const seqs = responder.filter(p.lost);
          if (seqs.length > 0)
            retransmitted[kind] += viewer.nack(
              kind,
              seqs.map((s) => sender.streamSeq(s)),
            );
        }
      } else if (p.type === 'pli') {
        if (bySsrc.get(p.mediaSsrc) === 'video' && keyframeRequests.pli()) viewer.requestKeyframe();
      } else if (p.type === 'fir') {
        // RFC 5104 §4.3.1: the FCI names the media sender; its sequence number tells a repeat.
        const mine = p.entries.find((e) => bySsrc.get(e.ssrc) === 'video');
        if (mine && keyframeRequests.fir(mine.seqNr)) viewer.requestKeyframe();
      } else if (p.type === 'rr' || p.type === 'sr') p.reports.forEach(onBlock);
    }
  });
  let timer: { cancel(): void } | undefined;
  const report = () => {
    const out: RtcpPacket[] = [];
    for (const [kind, s] of senders) {
      if (s.stats.packets > 0) out.push((reporters.get(kind) as SenderReporter).report(s.stats));
    }
    if (out.length > 0) {
      out.push({
        type: 'sdes',
        chunks: [...senders.values()].map((s) => ({
          ssrc: s.ssrc,
          items: [{ type: SDES_CNAME, text: o.cname }],
        })),
      });
      // A session that is closing drops it; its next state change ends the link.
      pc.sendRtcp(out);
    }
    timer = o.clock.setTimer(SR_INTERVAL_MS, report);
  };
  timer = o.clock.setTimer(SR_INTERVAL_MS, report);
  return {
    senders,
    quality,
    retransmitted,
    nacks,
    keyframeRequests,
    close() {
      timer?.cancel();
      offRtcp();
      viewer.close();
    },
  };
}
