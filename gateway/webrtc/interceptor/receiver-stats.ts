import type { ReportBlock } from '../rtcp/index.ts';

/** What a receiver last said about one of our streams (RFC 3550 §6.4.1 report block). */
export interface ReceptionQuality {
  /** Fraction of packets lost since its previous report, 0..1. */
  fractionLost: number;
  /** Packets lost since the stream began (may be negative with duplicates, §6.4.1). */
  cumulativeLost: number;
  /** Interarrival jitter in seconds. */
  jitterSeconds: number;
  /** Round trip, when the receiver echoed one of our sender reports. */
  rttMs: number | undefined;
  /** Reports received. */
  reports: number;
}

/**
 * Receiver-report statistics for one outgoing stream: the viewer's view of loss, jitter and RTT,
 * for `ListSessions` and the session's getStats-like snapshot.
 *
 * @example
 * const q = new ReceiverStats(90000);
 * q.onReportBlock(block, sr.rttMs(block.lastSr, block.delaySinceLastSr));
 */
export class ReceiverStats {
  readonly quality: ReceptionQuality = {
    fractionLost: 0,
    cumulativeLost: 0,
    jitterSeconds: 0,
    rttMs: undefined,
    reports: 0,
  };

  constructor(private readonly clockRate: number) {}

  onReportBlock(block: ReportBlock, rttMs: number | undefined): void {
    const q = this.quality;
    q.fractionLost = block.fractionLost / 256;
    q.cumulativeLost = block.cumulativeLost;
    q.jitterSeconds = block.jitter / this.clockRate;
    if (rttMs !== undefined) q.rttMs = rttMs;
    q.reports++;
  }
}
