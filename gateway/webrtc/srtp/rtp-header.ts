import { SrtpBadHeaderError, SrtpTruncatedError } from './errors.ts';

/**
 * The RTP header as far as SRTP needs it (RFC 3550 §5.1, RFC 3711 §3.1): where the payload starts,
 * the sequence number and the SSRC. Padding (P bit) is part of the encrypted payload and is left
 * to the RTP layer.
 *
 * ```
 *    0                   1                   2                   3
 *    0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1
 *   +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+<+
 *   |V=2|P|X|  CC   |M|     PT      |       sequence number         | |
 *   +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+ |
 *   |                           timestamp                           | |
 *   +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+ |
 *   |           synchronization source (SSRC) identifier            | |
 *   +=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+ |
 *   |            contributing source (CSRC) identifiers             | |
 *   |                               ....                            | |
 *   +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+ |
 *   |                   RTP extension (OPTIONAL)                    | |
 * +>+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+ |
 * | |                          payload  ...                         | |
 * | |                               +-------------------------------+ |
 * | |                               | RTP padding   | RTP pad count | |
 * +>+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+<+
 * | ~                     SRTP MKI (OPTIONAL)                       ~ |
 * | +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+ |
 * | :                 authentication tag (RECOMMENDED)              : |
 * | +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+ |
 * |                                                                   |
 * +- Encrypted Portion*                      Authenticated Portion ---+
 * ```
 * (RFC 3711 §3.1, Figure 1.) The extension, when X is set, is a 16-bit profile id, a 16-bit length
 * in 32-bit words, then that many words (RFC 3550 §5.3.1). MKI is not used (DTLS-SRTP, RFC 5764
 * §4.1.4, sends none).
 *
 * @returns the header length in bytes (a multiple of 4) when it fits in `end` bytes.
 * @throws SrtpTruncatedError / SrtpBadHeaderError.
 */
export function rtpHeaderLength(pkt: Uint8Array, end: number): number {
  if (end < 12) throw new SrtpTruncatedError('RTP header', end < 0 ? 0 : end);
  const b0 = pkt[0] as number;
  if (b0 >>> 6 !== 2) throw new SrtpBadHeaderError(`RTP version ${b0 >>> 6}, expected 2`, 0);
  let len = 12 + 4 * (b0 & 0x0f);
  if ((b0 & 0x10) !== 0) {
    if (len + 4 > end) throw new SrtpTruncatedError('RTP extension header', len);
    len += 4 + 4 * (((pkt[len + 2] as number) << 8) | (pkt[len + 3] as number));
  }
  if (len > end) throw new SrtpTruncatedError('RTP header', end);
  return len;
}

/** The 16-bit sequence number (bytes 2-3). */
export function rtpSequenceNumber(pkt: Uint8Array): number {
  return ((pkt[2] as number) << 8) | (pkt[3] as number);
}

/** The SSRC (bytes 8-11), as an unsigned 32-bit number. */
export function rtpSsrc(pkt: Uint8Array): number {
  return readU32(pkt, 8);
}

/** Big-endian unsigned 32-bit read. */
export function readU32(b: Uint8Array, off: number): number {
  return (
    (((b[off] as number) << 24) |
      ((b[off + 1] as number) << 16) |
      ((b[off + 2] as number) << 8) |
      (b[off + 3] as number)) >>>
    0
  );
}

/** Big-endian 32-bit write. */
export function writeU32(b: Uint8Array, off: number, v: number): void {
  b[off] = v >>> 24;
  b[off + 1] = v >>> 16;
  b[off + 2] = v >>> 8;
  b[off + 3] = v;
}
