import { RtpSourceSequence, type RtpPacket } from '../rtp/index.ts';
import type { ReportBlock } from '../rtcp/index.ts';

/** `x` modulo 2^32 as a signed value: the RTP timestamp wraps at 2^32 (RFC 3550 §5.1). */
function signed32(x: number): number {
  const m = ((x % 0x1_0000_0000) + 0x1_0000_0000) % 0x1_0000_0000;
  return m >= 0x8000_0000 ? m - 0x1_0000_0000 : m;
}

/** What a {@link RtpReceiveCounter} has counted; read by `PeerConnection.getStats()` as inbound-rtp. */
export interface RtpReceiveCounts {
  /** The source's SSRC, once a packet arrived. */
  readonly ssrc: number | undefined;
  readonly packetsReceived: number;
  readonly bytesReceived: number;
  readonly headerBytesReceived: number;
  /** Expected minus received (RFC 3550 Appendix A.3); negative with duplicates. */
  readonly packetsLost: number;
  /** Interarrival jitter in seconds (RFC 3550 §6.4.1, Appendix A.8). */
  readonly jitter: number;
  readonly lastPacketReceivedTimestamp: number | undefined;
  readonly nackCount: number;
  readonly pliCount: number;
  readonly firCount: number;
}

/**
 * Reception statistics of one incoming RTP stream (a WHIP publisher's track), as RFC 3550 defines
 * them for receiver reports: sequence validation and loss from Appendix A.1/A.3 ({@link
 * RtpSourceSequence}), interarrival jitter from §6.4.1 / Appendix A.8, plus the feedback we sent.
 * Packets of another SSRC than the first one seen are not counted (one source per m-line).
 *
 * @example
 * const rx = new RtpReceiveCounter(90000);
 * pc.onRtp((raw) => rx.onPacket(decodeRtp(raw), raw.byteLength, clock.now(), clock.wallNow()));
 * rx.countSent('pli'); // after sending a PLI for it
 */
export class RtpReceiveCounter {
  private seq: RtpSourceSequence | undefined;
  private source: number | undefined;
  private packets = 0;
  private bytes = 0;
  private headerBytes = 0;
  /** Jitter in timestamp units, A.8's `jitter` without the fixed point (a float here). */
  private jitterUnits = 0;
  private lastTransit: number | undefined;
  private lastWall: number | undefined;
  private readonly sent = { nack: 0, pli: 0, fir: 0 };
  /** The middle 32 bits of the last SR's NTP time, and when it arrived (ms), for LSR/DLSR. */
  private lastSr = 0;
  private lastSrAt: number | undefined;

  constructor(readonly clockRate: number) {}

  /**
   * Counts one packet: `size` is the unprotected packet length, `arrivalMs` a monotonic clock's time
   * of arrival (jitter), `wallMs` the wall clock's (lastPacketReceivedTimestamp).
   */
  onPacket(p: RtpPacket, size: number, arrivalMs: number, wallMs: number): void {
    if (this.source === undefined) {
      this.source = p.ssrc;
      this.seq = new RtpSourceSequence(p.sequenceNumber);
      // A.1 puts a new source on probation; the first packet is the first of it, so count it.
      this.seq.init(p.sequenceNumber);
      this.seq.probation = 0;
      this.seq.received = 1;
    } else if (p.ssrc !== this.source) return;
    else (this.seq as RtpSourceSequence).update(p.sequenceNumber);
    this.packets++;
    this.bytes += p.payload.byteLength;
    this.headerBytes += size - p.payload.byteLength - p.padding;
    this.lastWall = wallMs;
    // §6.4.1: D(i-1,i) = (Rj - Ri) - (Sj - Si), in timestamp units; J += (|D| - J) / 16.
    const arrival = (arrivalMs * this.clockRate) / 1000;
    const transit = arrival - p.timestamp;
    if (this.lastTransit !== undefined) {
      const d = Math.abs(signed32(transit - this.lastTransit));
      this.jitterUnits += (d - this.jitterUnits) / 16;
    }
    this.lastTransit = transit;
  }

  /** The source's sender report arrived at `arrivalMs`: `ntpMiddle32` is its NTP time's middle 32 bits. */
  onSenderReport(ntpMiddle32: number, arrivalMs: number): void {
    this.lastSr = ntpMiddle32 >>> 0;
    this.lastSrAt = arrivalMs;
  }

  /**
   * The report block about this source for our next RR (RFC 3550 §6.4.1, A.3 for the loss fields,
   * A.8 jitter in timestamp units, LSR/DLSR in 1/65536 s so the sender can compute the RTT);
   * undefined before the first packet. Takes the fraction lost since the previous block.
   */
  reportBlock(nowMs: number): ReportBlock | undefined {
    const seq = this.seq;
    if (!seq || this.source === undefined) return undefined;
    return {
      ssrc: this.source,
      fractionLost: seq.takeFractionLost(),
      cumulativeLost: seq.cumulativeLost,
      highestSeq: seq.extendedMax >>> 0,
      jitter: Math.floor(this.jitterUnits) >>> 0,
      lastSr: this.lastSrAt === undefined ? 0 : this.lastSr,
      delaySinceLastSr:
        this.lastSrAt === undefined ? 0 : Math.floor(((nowMs - this.lastSrAt) * 65536) / 1000) >>> 0,
    };
  }

  /** Counts a feedback message we sent about this stream (RFC 4585 NACK/PLI, RFC 5104 FIR). */
  countSent(kind: 'nack' | 'pli' | 'fir'): void {
    this.sent[kind]++;
  }

  get counts(): RtpReceiveCounts {
    return {
      ssrc: this.source,
      packetsReceived: this.packets,
      bytesReceived: this.bytes,
      headerBytesReceived: this.headerBytes,
      packetsLost: this.seq ? this.seq.expected - this.seq.received : 0,
      jitter: this.jitterUnits / this.clockRate,
      lastPacketReceivedTimestamp: this.lastWall,
      nackCount: this.sent.nack,
      pliCount: this.sent.pli,
      firCount: this.sent.fir,
    };
  }
}
