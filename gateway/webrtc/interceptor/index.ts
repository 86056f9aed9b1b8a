/**
 * The RTP/RTCP stages a sender needs beside the packets themselves: sender reports with the
 * NTP↔RTP mapping (RFC 3550 §6.4.1) and the statistics receivers report back (loss, jitter, RTT).
 * NACK and PLI/FIR are answered by the stream hub (history and GOP cache); see gateway/media.
 *
 * @example
 * const sr = new SenderReporter({ ssrc, clockRate: 90000, clock });
 * const rx = new ReceiverStats(90000);
 * // every second: send(serializeRtcp([sr.report(sender.progress)]))
 * // on a receiver report: rx.onReportBlock(block, sr.rttMs(block.lastSr, block.delaySinceLastSr))
 */
export { SenderReporter, type SendProgress } from './sender-report.ts';
export { ReceiverStats, type ReceptionQuality } from './receiver-stats.ts';
export { InterceptorError, type InterceptorErrorCode } from './errors.ts';
