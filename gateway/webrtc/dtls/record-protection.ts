import { createCipheriv, createDecipheriv, createSecretKey, type KeyObject } from 'node:crypto';
import type { CipherSuiteInfo } from './cipher-suite.ts';
import { DTLS1_2 } from './content-type.ts';

/**
 * AEAD record protection for one direction of one epoch (RFC 5246 §6.2.3.3).
 *
 * AES-GCM (RFC 5288 §3): nonce = salt (4 bytes, from the key block) || explicit nonce (8 bytes, sent
 * in the record; we use epoch || sequence number, which is unique per key as §3 requires).
 *
 *   GenericAEADCipher fragment:
 *   +----------------------+----------------------------------+---------+
 *   | nonce_explicit (8)   | aead-ciphered content            | tag(16) |
 *   +----------------------+----------------------------------+---------+
 *
 * ChaCha20-Poly1305 (RFC 7905 §2): no explicit nonce; nonce = IV (12 bytes) XOR the 64-bit
 * epoch||sequence number left-padded with zeros.
 *
 * Additional data (RFC 6347 §4.1.2.1 with RFC 5246 §6.2.3.3): seq_num here is epoch (2) ||
 * sequence_number (6):
 *
 *   additional_data = seq_num + TLSCompressed.type + TLSCompressed.version + TLSCompressed.length;
 */
export class RecordProtection {
  readonly overhead: number;
  private readonly key: KeyObject;
  /** Scratch nonce and additional data, rewritten for every record (all calls are synchronous). */
  private readonly nonceBuf = Buffer.alloc(12);
  private readonly aadBuf = Buffer.alloc(13);
  private readonly aadView = new DataView(this.aadBuf.buffer, this.aadBuf.byteOffset, 13);

  constructor(
    private readonly suite: CipherSuiteInfo,
    key: Uint8Array,
    private readonly iv: Uint8Array,
  ) {
    this.overhead = suite.explicitNonceLength + suite.tagLength;
    // A KeyObject once, instead of the raw key copied into every cipher context.
    this.key = createSecretKey(key);
    if (suite.explicitNonceLength === 8) this.nonceBuf.set(iv.subarray(0, 4), 0);
  }

  /** Writes epoch||seq into the nonce: after the salt (GCM, RFC 5288) or XORed into the IV (RFC 7905). */
  private setNonce(epoch: number, seq: number): void {
    const n = this.nonceBuf;
    const hi = Math.floor(seq / 2 ** 32);
    const lo = seq >>> 0;
    const b = [
      epoch >>> 8,
      epoch & 0xff,
      hi >>> 8,
      hi & 0xff,
      lo >>> 24,
      (lo >>> 16) & 0xff,
      (lo >>> 8) & 0xff,
      lo & 0xff,
    ];
    if (this.suite.explicitNonceLength === 8) {
      for (let i = 0; i < 8; i++) n[4 + i] = b[i] ?? 0;
    } else {
      for (let i = 0; i < 12; i++) n[i] = (this.iv[i] ?? 0) ^ (i >= 4 ? (b[i - 4] ?? 0) : 0);
    }
  }

  private setAad(epoch: number, seq: number, type: number, length: number): Buffer {
    const v = this.aadView;
    v.setUint16(0, epoch);
    v.setUint16(2, Math.floor(seq / 2 ** 32));
    v.setUint32(4, seq >>> 0);
    v.setUint8(8, type);
    v.setUint16(9, DTLS1_2);
    v.setUint16(11, length);
    return this.aadBuf;
  }

  /** Encrypts a record payload; returns the record fragment (explicit nonce, ciphertext, tag). */
  seal(epoch: number, seq: number, type: number, plaintext: Uint8Array): Uint8Array {
    this.setNonce(epoch, seq);
    const c = createCipheriv(this.suite.cipher as 'aes-128-gcm', this.key, this.nonceBuf, {
      authTagLength: 16,
    });
    c.setAAD(this.setAad(epoch, seq, type, plaintext.length));
    const out = new Uint8Array(this.overhead + plaintext.length);
    let o = 0;
    if (this.suite.explicitNonceLength) {
      out.set(this.nonceBuf.subarray(4, 12), 0);
      o = 8;
    }
    const ct = c.update(plaintext);
    out.set(ct, o);
    o += ct.length;
    const fin = c.final();
    out.set(fin, o);
    o += fin.length;
    out.set(c.getAuthTag(), o);
    return out;
  }

  /** Decrypts and authenticates a record fragment; `undefined` when it does not authenticate. */
  open(epoch: number, seq: number, type: number, fragment: Uint8Array): Uint8Array | undefined {
    if (fragment.length < this.overhead) return undefined;
    const n = this.suite.explicitNonceLength;
    if (n === 8) this.nonceBuf.set(fragment.subarray(0, 8), 4);
    else this.setNonce(epoch, seq);
    const ctLen = fragment.length - this.overhead;
    try {
      const d = createDecipheriv(this.suite.cipher as 'aes-128-gcm', this.key, this.nonceBuf, {
        authTagLength: 16,
      });
      d.setAAD(this.setAad(epoch, seq, type, ctLen));
      d.setAuthTag(fragment.subarray(fragment.length - 16));
      const pt = d.update(fragment.subarray(n, n + ctLen));
      const fin = d.final();
      if (fin.length === 0) return new Uint8Array(pt.buffer, pt.byteOffset, pt.length);
      return Uint8Array.from([...pt, ...fin]);
    } catch {
      // node:crypto throws on a bad tag: that is bad_record_mac, which DTLS drops silently (§4.1.2.7).
      return undefined;
    }
  }
}
