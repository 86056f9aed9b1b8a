import { createCipheriv, type Cipher } from 'node:crypto';
import { endianness } from 'node:os';

const LITTLE_ENDIAN = endianness() === 'LE';

/** Keystream for `count` consecutive packet indices, `blocks` AES blocks (16 bytes) each. */
export interface KeystreamBatch {
  /** Index of the first packet covered. */
  readonly first: number;
  readonly count: number;
  /** Blocks per packet. */
  readonly blocks: number;
  readonly bytes: Uint8Array;
  /** The same bytes as 32-bit words (4-aligned), for word-wise XOR. */
  readonly words: Int32Array;
}

/**
 * AES Counter Mode keystream of RFC 3711 §4.1.1 from one long-lived `aes-128-ecb` cipher.
 *
 * ```
 *   IV = (k_s * 2^16) XOR (SSRC * 2^64) XOR (i * 2^16)
 *   keystream = E(k_e, IV) || E(k_e, IV + 1 mod 2^128) || E(k_e, IV + 2 mod 2^128) ...
 * ```
 *
 * The keystream depends only on (SSRC, index), not on the packet, so it is computed for several
 * consecutive indices in one OpenSSL call: Node charges ~1 µs per cipher call whatever its size,
 * and a cipher object cannot be re-keyed with a new IV, so batching counter blocks through ECB is
 * what amortises that cost (measured in bench/srtp.ts). The low 16 bits of every IV are zero
 * (salt and index are shifted by 16), so block j of a packet is the IV with j in its last two
 * bytes; packets have at most 2^16 blocks, so no carry ever leaves those bytes.
 */
export class AesCmKeystream {
  private readonly ecb: Cipher;
  /** The salt as big-endian words of the 16-byte block k_s * 2^16. */
  private readonly salt0: number;
  private readonly salt1: number;
  private readonly salt2: number;
  private readonly salt3: number;
  private readonly iv = new Uint8Array(16);
  private readonly ivView = new DataView(this.iv.buffer);
  private readonly ivWords = new Int32Array(this.iv.buffer);
  private counters = new Int32Array(0);

  constructor(sessionKey: Uint8Array, sessionSalt: Uint8Array) {
    this.ecb = createCipheriv(sessionKey.length === 16 ? 'aes-128-ecb' : 'aes-256-ecb', sessionKey, null);
    this.ecb.setAutoPadding(false);
    const s = new Uint8Array(16);
    s.set(sessionSalt.subarray(0, 14), 0);
    const v = new DataView(s.buffer);
    this.salt0 = v.getUint32(0);
    this.salt1 = v.getUint32(4);
    this.salt2 = v.getUint32(8);
    this.salt3 = v.getUint32(12);
  }

  /**
   * Keystream for packet indices first .. first+count-1 (48-bit SRTP index, or the 31-bit SRTCP
   * index), `blocks` blocks each.
   */
  generate(ssrc: number, first: number, count: number, blocks: number): KeystreamBatch {
    const words = count * blocks * 4;
    if (this.counters.length < words)
      this.counters = new Int32Array(Math.max(words, this.counters.length * 2));
    const c = this.counters;
    const iv = this.ivView;
    const ivw = this.ivWords;
    let w = 0;
    for (let p = 0; p < count; p++) {
      const index = first + p;
      const roc = Math.floor(index / 65536);
      const seq = index & 0xffff;
      iv.setUint32(0, this.salt0);
      iv.setUint32(4, (this.salt1 ^ ssrc) >>> 0);
      iv.setUint32(8, (this.salt2 ^ roc) >>> 0);
      iv.setUint32(12, (this.salt3 ^ (seq << 16)) >>> 0);
      const w0 = ivw[0] as number;
      const w1 = ivw[1] as number;
      const w2 = ivw[2] as number;
      const w3 = ivw[3] as number;
      for (let j = 0; j < blocks; j++) {
        c[w] = w0;
        c[w + 1] = w1;
        c[w + 2] = w2;
        c[w + 3] = LITTLE_ENDIAN ? w3 | ((j & 0xff) << 24) | ((j >>> 8) << 16) : w3 | j;
        w += 4;
      }
    }
    const out = this.ecb.update(new Uint8Array(c.buffer, 0, words * 4));
    let bytes: Uint8Array = out;
    if ((out.byteOffset & 3) !== 0) bytes = new Uint8Array(out); // keep word views aligned
    return {
      first,
      count,
      blocks,
      bytes,
      words: new Int32Array(bytes.buffer, bytes.byteOffset, words),
    };
  }
}

/**
 * dst[dstOff .. dstOff+len) ^= ks[ksOff .. ksOff+len). dstOff and ksOff must be multiples of 4 (an
 * RTP header is a whole number of 32-bit words, and the scratch buffers are word-aligned), which
 * lets the bulk run over 32-bit words; the last len % 4 bytes go one by one.
 */
export function xorKeystream(
  dst: Uint8Array,
  dstWords: Int32Array,
  dstOff: number,
  ks: KeystreamBatch,
  ksOff: number,
  len: number,
): void {
  const n = len >>> 2;
  const dw = dstOff >>> 2;
  const kw = ksOff >>> 2;
  const kwords = ks.words;
  for (let k = 0; k < n; k++) dstWords[dw + k] = (dstWords[dw + k] as number) ^ (kwords[kw + k] as number);
  const kb = ks.bytes;
  for (let b = n << 2; b < len; b++)
    dst[dstOff + b] = (dst[dstOff + b] as number) ^ (kb[ksOff + b] as number);
}
