import { SrtpBadHeaderError, SrtpTruncatedError } from './errors.ts';
import { readU32 } from './rtp-header.ts';

/** The first 8 bytes of an RTCP (compound) packet stay in the clear (RFC 3711 §3.4). */
export const RTCP_CLEAR_HEADER = 8;

/** The E flag and 31-bit SRTCP index word. */
export const SRTCP_INDEX_LENGTH = 4;

/** Largest SRTCP index (31 bits, RFC 3711 §3.4). */
export const SRTCP_MAX_INDEX = 0x7fffffff;

/**
 * The RTCP header as far as SRTCP needs it: the sender SSRC of the first packet of the compound,
 * which selects the crypto context (RFC 3711 §3.4, Figure 2):
 *
 * ```
 *    0                   1                   2                   3
 *    0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1
 *   +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+<+
 *   |V=2|P|    RC   |   PT=SR or RR   |             length          | |
 *   +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+ |
 *   |                         SSRC of sender                        | |
 * +>+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+ |
 * | ~                          sender info                          ~ |
 * | +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+ |
 * | ~                         report block 1                        ~ |
 * | +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+ |
 * | ~                              ...                              ~ |
 * | +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+ |
 * | |V=2|P|    SC   |  PT=SDES=202  |             length            | |
 * | +=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+ |
 * | ~                              ...                              ~ |
 * +>+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+ |
 * | |E|                         SRTCP index                         | |
 * | +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+<+
 * | ~                     SRTCP MKI (OPTIONAL)                      ~ |
 * | +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+ |
 * | :                     authentication tag                        : |
 * | +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+ |
 * |                                                                   |
 * +-- Encrypted Portion                    Authenticated Portion -----+
 * ```
 * For the AEAD profiles (RFC 7714 §9.2) the tag comes before the E/index word instead.
 *
 * @returns the sender SSRC.
 * @throws SrtpTruncatedError / SrtpBadHeaderError.
 */
export function rtcpSenderSsrc(pkt: Uint8Array, end: number): number {
  if (end < RTCP_CLEAR_HEADER) throw new SrtpTruncatedError('RTCP header', end < 0 ? 0 : end);
  const b0 = pkt[0] as number;
  if (b0 >>> 6 !== 2) throw new SrtpBadHeaderError(`RTCP version ${b0 >>> 6}, expected 2`, 0);
  return readU32(pkt, 4);
}
