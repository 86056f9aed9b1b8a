import { dlsrFromMs, ntpMiddle32, type ReportBlock, type SenderReport } from '../rtcp/index.ts';
import { RtpSourceSequence } from '../rtp/index.ts';

/** A plain snapshot of what one track's receiver has seen (for metrics and the API). */
export interface ReceptionSnapshot {
  /** The camera's SSRC for this track, once a packet arrived. */
  ssrc: number | undefined;
  /** Valid RTP packets counted by RFC 3550 A.1 (after probation). */
  received: number;
  /** Packets lost, from sequence gaps (RFC 3550 A.3); never decreases (see {@link ReceptionStats.lostPackets}). */
  lostPackets: number;
  /** Extended highest sequence number received (A.3), 0 before the first valid packet. */
  extendedHighestSeq: number;
  /** Interarrival jitter (A.8) in RTP timestamp units. */
  jitter: number;
  /** Sender reports received from the camera. */
  senderReports: number;
}

function u32(b: Uint8Array, at: number): number {
  return (
    (((b[at] as number) << 24) |
      ((b[at + 1] as number) << 16) |
      ((b[at + 2] as number) << 8) |
      (b[at + 3] as number)) >>>
    0
  );
}

/** The smallest RTP header (RFC 3550 §5.1): V=2, seq at 2, timestamp at 4, SSRC at 8. */
const RTP_HEADER = 12;

/**
 * Reception statistics of one RTP source as a receiver keeps them (RFC 3550 §6.4.1, Appendix A.1,
 * A.3, A.8): sequence validation and cycles (webrtc/rtp's `RtpSourceSequence`), cumulative and
 * interval loss, interarrival jitter, and the last sender report for LSR/DLSR. Feeds receiver
 * reports over UDP and the `edgegw.rtsp.*` loss counter for both transports. Reads only the fixed
 * RTP header; a datagram too short or not version 2 is ignored (the depacketizer counts it).
 *
 * @example
 * const rx = new ReceptionStats(90_000);
 * rx.onRtp(packet, clock.now());        // every RTP packet of the track
 * rx.onSenderReport(sr, clock.now());   // every SR from the camera
 * const block = rx.reportBlock(clock.now()); // a report block for the next RR
 */
export class ReceptionStats {
  private seq: RtpSourceSequence | undefined;
  private ssrcValue: number | undefined;
  /** A.8: the previous packet's arrival (timestamp units) and RTP timestamp; the running jitter. */
  private prevArrival = Number.NaN;
  private prevTimestamp = 0;
  private jitterValue = 0;
  /** Loss already counted into {@link lostPackets} for the current sequence state. */
  private lostMark = 0;
  private lostTotal = 0;
  private lastSr: { middle: number; atMs: number } | undefined;
  private srCount = 0;

  constructor(readonly clockRate: number) {}

  /** The camera's SSRC, once seen. */
  get ssrc(): number | undefined {
    return this.ssrcValue;
  }

  /**
   * Packets lost since the track started: the A.3 cumulative loss as a high-water mark (summed over
   * sender restarts and SSRC changes), so it never decreases: a packet that arrives late after its
   * gap was counted takes nothing back, and duplicates (which lower the cumulative figure, §6.4.1)
   * delay the count of later losses by as many packets instead of making it go back.
   */
  get lostPackets(): number {
    return this.lostTotal;
  }

  /** One RTP packet (with header) that arrived at `arrivalMs` (the injected clock's `now()`). */
  onRtp(packet: Uint8Array, arrivalMs: number): void {
    if (packet.length < RTP_HEADER || (packet[0] as number) >> 6 !== 2) return;
    // Read in place (no DataView per packet: this runs for every packet of every camera).
    const seqNo = ((packet[2] as number) << 8) | (packet[3] as number);
    this.onSequence(seqNo, u32(packet, 4), u32(packet, 8), arrivalMs);
  }

  /**
   * The same for a packet already decoded: its sequence number, RTP timestamp and SSRC, arrived at
   * `arrivalMs`.
   */
  onSequence(seqNo: number, timestamp: number, ssrc: number, arrivalMs: number): void {
    if (this.seq === undefined || ssrc !== this.ssrcValue) {
      // A new SSRC is a new source (§8.2): its statistics start over; the loss total carries on.
      this.seq = new RtpSourceSequence(seqNo);
      this.ssrcValue = ssrc;
      this.prevArrival = Number.NaN;
      this.jitterValue = 0;
      this.lostMark = 0;
    }
    const s = this.seq;
    if (!s.update(seqNo)) return;
    // A.1 init_seq ran (validation done, or the sender restarted): the cumulative figure restarts.
    if (s.received === 1) this.lostMark = 0;
    const lost = s.expected - s.received;
    if (lost > this.lostMark) {
      this.lostTotal += lost - this.lostMark;
      this.lostMark = lost;
    }
    // A.8: D(i-1,i) = (Rj - Ri) - (Sj - Si) in timestamp units; J += (|D| - J) / 16.
    const arrival = (arrivalMs * this.clockRate) / 1000;
    if (!Number.isNaN(this.prevArrival)) {
      // (Sj - Si) as a signed 32-bit difference: RTP timestamps wrap at 2^32.
      const d = arrival - this.prevArrival - ((timestamp - this.prevTimestamp) | 0);
      this.jitterValue += (Math.abs(d) - this.jitterValue) / 16;
    }
    this.prevArrival = arrival;
    this.prevTimestamp = timestamp;
  }

  /** A sender report from the camera (any SSRC of the track's RTP session): LSR/DLSR come from it. */
  onSenderReport(sr: SenderReport, arrivalMs: number): void {
    this.srCount++;
    this.lastSr = { middle: ntpMiddle32(sr.ntpTimestamp), atMs: arrivalMs };
  }

  /**
   * The report block for the next RR (RFC 3550 §6.4.1), or undefined before the first valid packet.
   * Takes the interval loss (fraction lost since the previous block: A.3's expected_prior).
   */
  reportBlock(nowMs: number): ReportBlock | undefined {
    const s = this.seq;
    if (!s || this.ssrcValue === undefined || s.probation > 0) return undefined;
    return {
      ssrc: this.ssrcValue,
      fractionLost: s.takeFractionLost(),
      cumulativeLost: s.cumulativeLost,
      highestSeq: s.extendedMax >>> 0,
      jitter: Math.floor(this.jitterValue) >>> 0,
      // §6.4.1: LSR and DLSR are 0 when no SR has been received yet.
      lastSr: this.lastSr ? this.lastSr.middle : 0,
      delaySinceLastSr: this.lastSr ? dlsrFromMs(nowMs - this.lastSr.atMs) : 0,
    };
  }

  snapshot(): ReceptionSnapshot {
    const s = this.seq;
    const valid = s !== undefined && s.probation === 0;
    return {
      ssrc: this.ssrcValue,
      received: valid ? s.received : 0,
      lostPackets: this.lostTotal,
      extendedHighestSeq: valid ? s.extendedMax : 0,
      jitter: this.jitterValue,
      senderReports: this.srCount,
    };
  }
}
