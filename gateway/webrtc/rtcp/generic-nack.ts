import type { RtcpBody, RtcpOut } from './body.ts';
import { RtcpBadPacketError } from './errors.ts';
import { readFeedbackSsrcs, writeFeedbackSsrcs } from './feedback-header.ts';

/**
 * Generic NACK (RFC 4585 §6.2.1): RTPFB (205), FMT 1; the FCI is one or more of
 * ```
 *  0                   1                   2                   3
 *  0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1
 * +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 * |            PID                |             BLP               |
 * +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 * ```
 * PID is a lost sequence number; bit i (LSB = 0) of BLP set means PID + i + 1 is lost too.
 */
export interface GenericNack {
  type: 'nack';
  senderSsrc: number;
  mediaSsrc: number;
  /** Lost sequence numbers in FCI order (decoding expands PID+BLP; encoding packs them). */
  lost: number[];
}

export function decodeGenericNack(b: RtcpBody): GenericNack {
  const { senderSsrc, mediaSsrc } = readFeedbackSsrcs(b, 'NACK');
  const fci = b.start + 8;
  if ((b.end - fci) % 4 !== 0 || b.end === fci)
    throw new RtcpBadPacketError('NACK without whole FCI entries', fci);
  const lost: number[] = [];
  for (let at = fci; at < b.end; at += 4) {
    const pid = b.view.getUint16(at);
    const blp = b.view.getUint16(at + 2);
    lost.push(pid);
    for (let i = 0; i < 16; i++) if ((blp >>> i) & 1) lost.push((pid + i + 1) & 0xffff);
  }
  return { type: 'nack', senderSsrc, mediaSsrc, lost };
}

/**
 * Packs sequence numbers into PID+BLP pairs: each pair starts at the next sequence number not
 * covered and takes those within the following 16 (wrap-aware). Given in ascending order the
 * packing is minimal; any order is correct.
 *
 * @example
 * nackPairs([5, 6, 9, 30]) // [[5, 0b1001], [30, 0]]
 */
export function nackPairs(lost: readonly number[]): Array<[number, number]> {
  const pairs: Array<[number, number]> = [];
  let pid = -1;
  let blp = 0;
  for (const raw of lost) {
    const seq = raw & 0xffff;
    const d = pid < 0 ? -1 : (seq - pid) & 0xffff;
    if (d === 0) continue;
    if (d >= 1 && d <= 16) {
      blp |= 1 << (d - 1);
      continue;
    }
    if (pid >= 0) pairs.push([pid, blp]);
    pid = seq;
    blp = 0;
  }
  if (pid >= 0) pairs.push([pid, blp]);
  return pairs;
}

export function genericNackBodySize(p: GenericNack): number {
  return 8 + 4 * nackPairs(p.lost).length;
}

export function encodeGenericNackBody(p: GenericNack, o: RtcpOut, at: number): void {
  writeFeedbackSsrcs(p, o, at);
  at += 8;
  for (const [pid, blp] of nackPairs(p.lost)) {
    o.view.setUint16(at, pid);
    o.view.setUint16(at + 2, blp);
    at += 4;
  }
}
