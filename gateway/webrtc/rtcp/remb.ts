import type { RtcpBody, RtcpOut } from './body.ts';
import { RtcpBadArgumentError, RtcpBadPacketError } from './errors.ts';
import { readFeedbackSsrcs, writeFeedbackSsrcs } from './feedback-header.ts';

/**
 * Receiver Estimated Maximum Bitrate (draft-alvestrand-rmcat-remb-03 §2.2): PSFB (206), FMT 15
 * (application layer feedback), media source SSRC 0, FCI:
 * ```
 *  0                   1                   2                   3
 *  0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1
 * +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 * |  Unique identifier 'R' 'E' 'M' 'B'                            |
 * +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 * |  Num SSRC     | BR Exp    |  BR Mantissa                      |
 * +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 * |   SSRC feedback                                               |
 * +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 * |  ...                                                          |
 * ```
 * Bitrate = mantissa * 2^exp bits per second (18-bit mantissa, 6-bit exponent).
 */
export interface Remb {
  type: 'remb';
  senderSsrc: number;
  mediaSsrc: number;
  /** Bits per second. Encoding rounds down to what an 18-bit mantissa can carry. */
  bitrate: number;
  ssrcs: number[];
}

/** True when this AFB body carries the 'REMB' identifier. */
export function isRemb(b: RtcpBody): boolean {
  const at = b.start + 8;
  return (
    at + 4 <= b.end &&
    b.buf[at] === 0x52 &&
    b.buf[at + 1] === 0x45 &&
    b.buf[at + 2] === 0x4d &&
    b.buf[at + 3] === 0x42
  );
}

export function decodeRemb(b: RtcpBody): Remb {
  const { senderSsrc, mediaSsrc } = readFeedbackSsrcs(b, 'REMB');
  const at = b.start + 12;
  if (at + 4 > b.end) throw new RtcpBadPacketError('REMB without bitrate', at);
  const word = b.view.getUint32(at);
  const num = word >>> 24;
  if (at + 4 + 4 * num > b.end) throw new RtcpBadPacketError(`REMB lists ${num} SSRCs past its end`, at);
  const ssrcs: number[] = [];
  for (let i = 0; i < num; i++) ssrcs.push(b.view.getUint32(at + 4 + 4 * i));
  const exp = (word >>> 18) & 0x3f;
  const mantissa = word & 0x3ffff;
  return { type: 'remb', senderSsrc, mediaSsrc, bitrate: mantissa * 2 ** exp, ssrcs };
}

export function rembBodySize(p: Remb): number {
  if (p.ssrcs.length > 255) throw new RtcpBadArgumentError('REMB carries at most 255 SSRCs');
  return 16 + 4 * p.ssrcs.length;
}

export function encodeRembBody(p: Remb, o: RtcpOut, at: number): void {
  if (!(p.bitrate >= 0) || p.bitrate > 0x3ffff * 2 ** 63)
    throw new RtcpBadArgumentError(`REMB bitrate ${p.bitrate}`);
  let mantissa = Math.floor(p.bitrate);
  let exp = 0;
  while (mantissa > 0x3ffff) {
    mantissa = Math.floor(mantissa / 2);
    exp++;
  }
  writeFeedbackSsrcs(p, o, at);
  o.out.set([0x52, 0x45, 0x4d, 0x42], at + 8);
  o.view.setUint32(at + 12, ((p.ssrcs.length << 24) | (exp << 18) | mantissa) >>> 0);
  at += 16;
  for (const s of p.ssrcs) {
    o.view.setUint32(at, s >>> 0);
    at += 4;
  }
}
