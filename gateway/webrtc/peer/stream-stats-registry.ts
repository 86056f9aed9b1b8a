import type { RtcpPacket } from '../rtcp/index.ts';
import type { RtpReceiveCounts } from './rtp-receive-counter.ts';
import type { FeedbackCounts, ReceiveStreamSource, SendStreamSource } from './stats-builder.ts';

/**
 * A stream the session sends, for {@link PeerConnection.getStats}: its negotiation and live counter
 * objects (an RtpSender's `stats`, an interceptor ReceiverStats' `quality`), read at each snapshot.
 * The peer counts the NACK/PLI/FIR the remote sends about its SSRC itself.
 */
export interface SendStreamStats extends Omit<SendStreamSource, 'feedback' | 'retransmits'> {
  /** Packets resent for NACKs so far, when the caller counts them. */
  readonly retransmits?: () => number;
}

/** A stream the session receives (a publisher's track): its negotiation and its receive counter. */
export interface ReceiveStreamStats extends Omit<ReceiveStreamSource, 'counts'> {
  readonly counter: { readonly counts: RtpReceiveCounts };
}

/**
 * The streams a session sends and receives, as getStats sources: what callers registered, plus the
 * NACK/PLI/FIR the remote sends about each of our SSRCs, which the peer counts itself.
 */
export class StreamStatsRegistry {
  private readonly send = new Map<
    number,
    { s: SendStreamStats; feedback: { -readonly [K in keyof FeedbackCounts]: number } }
  >();
  private readonly receive = new Set<ReceiveStreamStats>();

  /** Registers a sent stream; returns the remover. */
  addSend(s: SendStreamStats): () => void {
    const ssrc = s.ssrc >>> 0;
    this.send.set(ssrc, { s, feedback: { nack: 0, pli: 0, fir: 0 } });
    return () => this.send.delete(ssrc);
  }

  /** Registers a received stream; returns the remover. */
  addReceive(s: ReceiveStreamStats): () => void {
    this.receive.add(s);
    return () => this.receive.delete(s);
  }

  /** NACK (RFC 4585 §6.2.1), PLI (§6.3.1) and FIR (RFC 5104 §4.3.1, its SSRCs in the FCI) per sent SSRC. */
  countFeedback(packets: readonly RtcpPacket[]): void {
    if (this.send.size === 0) return;
    for (const p of packets) {
      if (p.type === 'nack' || p.type === 'pli') {
        const f = this.send.get(p.mediaSsrc)?.feedback;
        if (f) f[p.type]++;
      } else if (p.type === 'fir') {
        for (const e of p.entries) {
          const f = this.send.get(e.ssrc)?.feedback;
          if (f) f.fir++;
        }
      }
    }
  }

  sendSources(): SendStreamSource[] {
    return [...this.send.values()].map(({ s, feedback }) => ({
      ...s,
      retransmits: s.retransmits?.(),
      feedback,
    }));
  }

  receiveSources(): ReceiveStreamSource[] {
    return [...this.receive].map(({ counter, ...r }) => ({ ...r, counts: counter.counts }));
  }
}
