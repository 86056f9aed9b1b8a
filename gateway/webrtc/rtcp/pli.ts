import type { RtcpBody, RtcpOut } from './body.ts';
import { readFeedbackSsrcs, writeFeedbackSsrcs } from './feedback-header.ts';

/**
 * Picture Loss Indication (RFC 4585 §6.3.1): PSFB (206), FMT 1, no FCI ("PLI does not require
 * parameters"): the two SSRCs of §6.1 only. Extra bytes are tolerated and dropped.
 */
export interface PictureLossIndication {
  type: 'pli';
  senderSsrc: number;
  mediaSsrc: number;
}

export function decodePli(b: RtcpBody): PictureLossIndication {
  return { type: 'pli', ...readFeedbackSsrcs(b, 'PLI') };
}

export function pliBodySize(): number {
  return 8;
}

export function encodePliBody(p: PictureLossIndication, o: RtcpOut, at: number): void {
  writeFeedbackSsrcs(p, o, at);
}
