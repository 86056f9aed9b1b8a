import * as crypto from 'node:crypto';

/** SHA-1 block size: the HMAC pads are one block (RFC 2104). */
export const HMAC_PREFIX = 64;
const DIGEST = 20;

type OneShotHash = (algorithm: string, data: Uint8Array, outputEncoding: 'binary') => string;
// crypto.hash (Node >= 20.12 / 21.7) is a single native call with no Hash object; older Nodes use createHmac.
const oneShot: OneShotHash | undefined = (crypto as unknown as { hash?: OneShotHash }).hash;

/**
 * HMAC-SHA1 (RFC 2104) with the key schedule done once, for SRTP's per-packet tag (RFC 3711 §4.2.1).
 *
 *   HMAC(K, m) = SHA1((K ^ opad) || SHA1((K ^ ipad) || m))
 *
 * Node offers no way to keep a keyed HMAC state across messages, so the ipad block lives at the
 * start of a scratch buffer in which the caller assembles the message (`buf`, message at offset
 * {@link HMAC_PREFIX}), and both SHA-1 passes are one-shot `crypto.hash` calls. Digests come back
 * as latin1 strings: for Node a 20-char string is cheaper to return than a Buffer (measured
 * ~0.4 µs per call), and the caller reads bytes with charCodeAt.
 */
export class HmacSha1 {
  /** ipad block followed by the message area; grown on demand, word-aligned. */
  buf: Uint8Array;
  /** The same memory as 32-bit words. */
  words: Int32Array;
  private readonly outer = new Uint8Array(HMAC_PREFIX + DIGEST);
  private readonly key: Uint8Array;
  private readonly ipad = new Uint8Array(HMAC_PREFIX);
  /*
   * The last view of each kind and its length. Most packets of a video stream are full-size
   * fragments of one length, so reusing the view spares a typed-array allocation per packet.
   */
  private blockView: Uint8Array = new Uint8Array(0);
  private messageView: Uint8Array = new Uint8Array(0);

  constructor(key: Uint8Array, initialMessageCapacity = 1600) {
    // Keys up to one block are zero-padded (RFC 2104 §2); SRTP's are 20 bytes.
    this.key = new Uint8Array(key);
    const k = new Uint8Array(HMAC_PREFIX);
    if (key.length > HMAC_PREFIX) k.set(crypto.createHash('sha1').update(key).digest());
    else k.set(key);
    for (let i = 0; i < HMAC_PREFIX; i++) {
      this.ipad[i] = (k[i] as number) ^ 0x36;
      this.outer[i] = (k[i] as number) ^ 0x5c;
    }
    this.buf = new Uint8Array(0);
    this.words = new Int32Array(0);
    this.ensure(initialMessageCapacity);
  }

  /** Make room for a message of `len` bytes at offset HMAC_PREFIX. */
  ensure(len: number): void {
    const need = (HMAC_PREFIX + len + 3) & ~3;
    if (this.buf.length >= need) return;
    const ab = new ArrayBuffer(Math.max(need, this.buf.length * 2));
    this.buf = new Uint8Array(ab);
    this.words = new Int32Array(ab);
    this.buf.set(this.ipad, 0);
    this.blockView = this.messageView = new Uint8Array(0);
  }

  /** buf[HMAC_PREFIX .. HMAC_PREFIX + len): the message as assembled (a reused view). */
  message(len: number): Uint8Array {
    if (this.messageView.length !== len) this.messageView = this.buf.subarray(HMAC_PREFIX, HMAC_PREFIX + len);
    return this.messageView;
  }

  /** HMAC over buf[HMAC_PREFIX .. HMAC_PREFIX + len), as a 20-char latin1 string. */
  digest(len: number): string {
    if (oneShot === undefined) {
      return crypto
        .createHmac('sha1', this.key)
        .update(this.buf.subarray(HMAC_PREFIX, HMAC_PREFIX + len))
        .digest('binary');
    }
    if (this.blockView.length !== HMAC_PREFIX + len) this.blockView = this.buf.subarray(0, HMAC_PREFIX + len);
    const inner = oneShot('sha1', this.blockView, 'binary');
    const o = this.outer;
    for (let i = 0; i < DIGEST; i++) o[HMAC_PREFIX + i] = inner.charCodeAt(i);
    return oneShot('sha1', o, 'binary');
  }
}

/** Write the first `n` bytes of a latin1 digest into out at off. */
export function writeTag(digest: string, out: Uint8Array, off: number, n: number): void {
  for (let i = 0; i < n; i++) out[off + i] = digest.charCodeAt(i);
}

/**
 * Compare the first `n` bytes of a latin1 digest with pkt[off..off+n), without an early exit
 * (RFC 3711 §9.5 discusses timing; the loop always runs n steps).
 */
export function tagMatches(digest: string, pkt: Uint8Array, off: number, n: number): boolean {
  let diff = 0;
  for (let i = 0; i < n; i++) diff |= digest.charCodeAt(i) ^ (pkt[off + i] as number);
  return diff === 0;
}
