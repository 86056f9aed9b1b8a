import type { RtpPacket } from '../rtp/index.ts';
import type { ReportBlock, SenderReport } from '../rtcp/index.ts';
import { ReceptionStats } from '../interceptor/index.ts';

/** What a {@link RtpReceiveCounter} has counted; read by `PeerConnection.getStats()` as inbound-rtp. */
export interface RtpReceiveCounts {
  /** The source's SSRC, once a packet arrived. */
  readonly ssrc: number | undefined;
  readonly packetsReceived: number;
  readonly bytesReceived: number;
  readonly headerBytesReceived: number;
  /** Packets lost (RFC 3550 Appendix A.3), as a total that never goes back (see ReceptionStats). */
  readonly packetsLost: number;
  /** Interarrival jitter in seconds (RFC 3550 §6.4.1, Appendix A.8). */
  readonly jitter: number;
  readonly lastPacketReceivedTimestamp: number | undefined;
  readonly nackCount: number;
  readonly pliCount: number;
  readonly firCount: number;
}

/**
 * What getStats' inbound-rtp says of one incoming RTP stream (a WHIP publisher's track): packets,
 * payload and header bytes, the feedback we sent; sequence validation, loss (A.1/A.3), jitter
 * (A.8) and the report block for our RRs come from interceptor's {@link ReceptionStats}, the one
 * implementation of RFC 3550's receiver statistics (RTSP cameras use it too). Packets of another
 * SSRC than the first one seen are not counted (one source per m-line).
 *
 * @example
 * const rx = new RtpReceiveCounter(90000);
 * pc.onRtp((raw) => rx.onPacket(decodeRtp(raw), raw.byteLength, clock.now(), clock.wallNow()));
 * rx.countSent('pli'); // after sending a PLI for it
 */
export class RtpReceiveCounter {
  private readonly reception: ReceptionStats;
  private source: number | undefined;
  private packets = 0;
  private bytes = 0;
  private headerBytes = 0;
  private lastWall: number | undefined;
  private readonly sent = { nack: 0, pli: 0, fir: 0 };

  constructor(readonly clockRate: number) {
    this.reception = new ReceptionStats(clockRate);
  }

  /**
   * Counts one packet: `size` is the unprotected packet length, `arrivalMs` a monotonic clock's time
   * of arrival (jitter), `wallMs` the wall clock's (lastPacketReceivedTimestamp).
   */
  onPacket(p: RtpPacket, size: number, arrivalMs: number, wallMs: number): void {
    if (this.source === undefined) this.source = p.ssrc;
    else if (p.ssrc !== this.source) return;
    this.reception.onSequence(p.sequenceNumber, p.timestamp, p.ssrc, arrivalMs);
    this.packets++;
    this.bytes += p.payload.byteLength;
    this.headerBytes += size - p.payload.byteLength - p.padding;
    this.lastWall = wallMs;
  }

  /** The source's sender report (RFC 3550 §6.4.1), arrived at `arrivalMs`: LSR/DLSR come from it. */
  onSenderReport(sr: SenderReport, arrivalMs: number): void {
    if (sr.ssrc === this.source) this.reception.onSenderReport(sr, arrivalMs);
  }

  /**
   * The report block about this source for our next RR (RFC 3550 §6.4.1); undefined before the
   * source is validated (A.1). Takes the fraction lost since the previous block.
   */
  reportBlock(nowMs: number): ReportBlock | undefined {
    return this.reception.reportBlock(nowMs);
  }

  /** Counts a feedback message we sent about this stream (RFC 4585 NACK/PLI, RFC 5104 FIR). */
  countSent(kind: 'nack' | 'pli' | 'fir'): void {
    this.sent[kind]++;
  }

  get counts(): RtpReceiveCounts {
    const r = this.reception.snapshot();
    return {
      ssrc: this.source,
      packetsReceived: this.packets,
      bytesReceived: this.bytes,
      headerBytesReceived: this.headerBytes,
      packetsLost: r.lostPackets,
      jitter: r.jitter / this.clockRate,
      lastPacketReceivedTimestamp: this.lastWall,
      nackCount: this.sent.nack,
      pliCount: this.sent.pli,
      firCount: this.sent.fir,
    };
  }
}
