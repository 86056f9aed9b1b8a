import { createCipheriv, createDecipheriv } from 'node:crypto';
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

  constructor(
    private readonly suite: CipherSuiteInfo,
    private readonly key: Uint8Array,
    private readonly iv: Uint8Array,
  ) {
    this.overhead = suite.explicitNonceLength + suite.tagLength;
  }

  private nonce(epoch: number, seq: number): { nonce: Uint8Array; explicit: Uint8Array } {
    const explicit = new Uint8Array(8);
    const v = new DataView(explicit.buffer);
    v.setUint16(0, epoch);
    v.setUint16(2, Math.floor(seq / 2 ** 32));
    v.setUint32(4, seq >>> 0);
    const nonce = new Uint8Array(12);
    if (this.suite.explicitNonceLength === 8) {
      nonce.set(this.iv.subarray(0, 4), 0);
      nonce.set(explicit, 4);
    } else {
      nonce.set(this.iv);
      for (let i = 0; i < 8; i++) nonce[4 + i] = (nonce[4 + i] ?? 0) ^ (explicit[i] ?? 0);
    }
    return { nonce, explicit };
  }

  private aad(epoch: number, seq: number, type: number, length: number): Uint8Array {
    const a = new Uint8Array(13);
    const v = new DataView(a.buffer);
    v.setUint16(0, epoch);
    v.setUint16(2, Math.floor(seq / 2 ** 32));
    v.setUint32(4, seq >>> 0);
    v.setUint8(8, type);
    v.setUint16(9, DTLS1_2);
    v.setUint16(11, length);
    return a;
  }

  /** Encrypts a record payload; returns the record fragment (explicit nonce, ciphertext, tag). */
  seal(epoch: number, seq: number, type: number, plaintext: Uint8Array): Uint8Array {
    const { nonce, explicit } = this.nonce(epoch, seq);
    const c = createCipheriv(this.suite.cipher as 'aes-128-gcm', this.key, nonce, { authTagLength: 16 });
    c.setAAD(this.aad(epoch, seq, type, plaintext.length), { plaintextLength: plaintext.length });
    const out = new Uint8Array(this.overhead + plaintext.length);
    let o = 0;
    if (this.suite.explicitNonceLength) {
      out.set(explicit, 0);
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
    let nonce: Uint8Array;
    if (n === 8) {
      nonce = new Uint8Array(12);
      nonce.set(this.iv.subarray(0, 4), 0);
      nonce.set(fragment.subarray(0, 8), 4);
    } else {
      nonce = this.nonce(epoch, seq).nonce;
    }
    const ctLen = fragment.length - this.overhead;
    try {
      const d = createDecipheriv(this.suite.cipher as 'aes-128-gcm', this.key, nonce, { authTagLength: 16 });
      d.setAAD(this.aad(epoch, seq, type, ctLen), { plaintextLength: ctLen });
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
