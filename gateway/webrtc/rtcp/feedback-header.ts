import { need } from './body.ts';
import type { RtcpBody, RtcpOut } from './body.ts';

/** RTPFB FMT values (RFC 4585 §6.2, IANA). */
export const FMT_GENERIC_NACK = 1;
export const FMT_TRANSPORT_CC = 15;
/** PSFB FMT values (RFC 4585 §6.3, RFC 5104 §4.3). */
export const FMT_PLI = 1;
export const FMT_FIR = 4;
export const FMT_AFB = 15;

/**
 * The common part of feedback messages (RFC 4585 §6.1):
 * ```
 *  0                   1                   2                   3
 *  0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1
 * +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 * |V=2|P|   FMT   |       PT      |          length               |
 * +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 * |                  SSRC of packet sender                        |
 * +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 * |                  SSRC of media source                         |
 * +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 * :            Feedback Control Information (FCI)                 :
 * ```
 */
export interface FeedbackSsrcs {
  senderSsrc: number;
  mediaSsrc: number;
}

/** Reads the two SSRCs; the FCI starts at `b.start + 8`. */
export function readFeedbackSsrcs(b: RtcpBody, what: string): FeedbackSsrcs {
  need(b, b.start, 8, `${what} SSRCs`);
  return { senderSsrc: b.view.getUint32(b.start), mediaSsrc: b.view.getUint32(b.start + 4) };
}

export function writeFeedbackSsrcs(p: FeedbackSsrcs, o: RtcpOut, at: number): void {
  o.view.setUint32(at, p.senderSsrc >>> 0);
  o.view.setUint32(at + 4, p.mediaSsrc >>> 0);
}
