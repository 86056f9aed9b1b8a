/**
 * The RTP/RTCP stages a sender needs beside the packets themselves: sender reports with the
 * NTP↔RTP mapping (RFC 3550 §6.4.1), the statistics receivers report back (loss, jitter, RTT), the
 * NACK responder (RFC 4585 §6.2.1: which asked-for packets to resend now) and the PLI/FIR filter
 * (RFC 4585 §6.3.1, RFC 5104 §4.3.1: which keyframe requests to answer). The packets resent and the
 * keyframes come from the stream hub (history and GOP cache); see gateway/media.
 *
 * @example
 * const sr = new SenderReporter({ ssrc, clockRate: 90000, clock });
 * const rx = new ReceiverStats(90000);
 * // every second: send(serializeRtcp([sr.report(sender.progress)]))
 * // on a receiver report: rx.onReportBlock(block, sr.rttMs(block.lastSr, block.delaySinceLastSr))
 */
export { SenderReporter, type SendProgress } from './sender-report.ts';
export { ReceiverStats, type ReceptionQuality } from './receiver-stats.ts';
export { NackResponder, type NackResponderOptions, type NackResponderStats } from './nack-responder.ts';
export { ReceptionStats, type ReceptionSnapshot } from './reception-stats.ts';
export { NackGenerator, type NackGeneratorOptions, type NackGeneratorStats } from './nack-generator.ts';
export {
  KeyframeRequestFilter,
  type KeyframeRequestFilterOptions,
  type KeyframeRequestStats,
} from './keyframe-request-filter.ts';
export { InterceptorError, type InterceptorErrorCode } from './errors.ts';
