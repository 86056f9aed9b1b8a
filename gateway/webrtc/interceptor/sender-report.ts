import type { Clock } from '../transport/index.ts';
import { ntpFromUnixMs, ntpMiddle32, rttMs, type SenderReport } from '../rtcp/index.ts';

/** What the sender has sent so far; the sender keeps it (on its hot path: plain assignments). */
export interface SendProgress {
  readonly packets: number;
  /** Payload octets (RFC 3550 §6.4.1 counts payload only). */
  readonly payloadBytes: number;
  /** RTP timestamp of the last packet sent, and the wall time its frame was captured. */
  readonly lastRtpTimestamp: number;
  readonly lastCaptureWallMs: number;
}

/**
 * RTCP sender reports for one outgoing RTP stream (RFC 3550 §6.4.1). A report maps the sender's
 * wall clock (NTP) to its RTP clock at the moment it is sent: receivers use it to line audio up
 * with video, and the echoed LSR/DLSR in their reports gives the round-trip time (§6.4.1, A.8).
 * The RTP time is extrapolated from the last packet sent (its timestamp and its frame's capture
 * time) at the stream's clock rate, so nothing is computed per packet.
 *
 * @example
 * const sr = new SenderReporter({ ssrc, clockRate: 90000, clock });
 * send(serializeRtcp([sr.report(sender.progress)]));
 */
export class SenderReporter {
  constructor(private readonly o: { ssrc: number; clockRate: number; clock: Clock }) {}

  /** A sender report for now (no report blocks: the gateway only sends to its viewers). */
  report(p: SendProgress): SenderReport {
    const now = this.o.clock.wallNow();
    const rtp =
      (p.lastRtpTimestamp + Math.round(((now - p.lastCaptureWallMs) * this.o.clockRate) / 1000)) >>> 0;
    return {
      type: 'sr',
      ssrc: this.o.ssrc,
      ntpTimestamp: ntpFromUnixMs(now),
      rtpTimestamp: rtp,
      packetCount: p.packets >>> 0,
      octetCount: p.payloadBytes >>> 0,
      reports: [],
      profileExtension: new Uint8Array(0),
    };
  }

  /**
   * Round-trip time from a receiver's report block about this stream (RFC 3550 §6.4.1: A − LSR −
   * DLSR, all in NTP middle-32 units), in ms; undefined when it echoes no report of ours yet.
   */
  rttMs(lastSr: number, delaySinceLastSr: number): number | undefined {
    return rttMs(ntpMiddle32(ntpFromUnixMs(this.o.clock.wallNow())), lastSr, delaySinceLastSr);
  }
}
