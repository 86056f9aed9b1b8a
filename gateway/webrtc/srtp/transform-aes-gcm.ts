import { createCipheriv, createDecipheriv, type CipherGCMTypes } from 'node:crypto';
import { SrtpAuthError } from './errors.ts';
import type { SrtpSessionKeys } from './key-derivation.ts';
import type { SrtpProfile } from './profiles.ts';
import { RTCP_CLEAR_HEADER, SRTCP_INDEX_LENGTH } from './rtcp-header.ts';
import { writeU32 } from './rtp-header.ts';
import type { RtpStreamState } from './stream-state.ts';
import type { SrtpTransform } from './transform.ts';

const TAG = 16;

/** IV bytes 0-5 of both RTP and RTCP: salt XOR (00 00 || SSRC) (RFC 7714 §8.1, §9.1). */
function ivPrefix(iv: Uint8Array, s: Uint8Array, ssrc: number): void {
  iv[0] = s[0] as number;
  iv[1] = s[1] as number;
  iv[2] = (s[2] as number) ^ (ssrc >>> 24);
  iv[3] = (s[3] as number) ^ ((ssrc >>> 16) & 0xff);
  iv[4] = (s[4] as number) ^ ((ssrc >>> 8) & 0xff);
  iv[5] = (s[5] as number) ^ (ssrc & 0xff);
}

/**
 * AEAD_AES_128_GCM / AEAD_AES_256_GCM (RFC 7714).
 *
 * SRTP (§8): IV = (00 00 || SSRC || ROC || SEQ) XOR salt; AAD = the RTP header (with CSRCs and
 * extension); the ciphertext is the payload followed by the 16-byte tag.
 *
 * ```
 *      0  0  0  0  0  0  0  0  0  0  1  1
 *      0  1  2  3  4  5  6  7  8  9  0  1
 *    +--+--+--+--+--+--+--+--+--+--+--+--+
 *    |00|00|    SSRC   |     ROC   | SEQ |---+
 *    +--+--+--+--+--+--+--+--+--+--+--+--+   |
 *                                            |
 *    +--+--+--+--+--+--+--+--+--+--+--+--+   |
 *    |         Encryption Salt           |->(+)
 *    +--+--+--+--+--+--+--+--+--+--+--+--+   |
 *                                            |
 *    +--+--+--+--+--+--+--+--+--+--+--+--+   |
 *    |       Initialization Vector       |<--+
 *    +--+--+--+--+--+--+--+--+--+--+--+--+
 * ```
 *
 * SRTCP (§9): IV = (00 00 || SSRC || 00 00 || 0 + 31-bit index) XOR salt. With E = 1 the AAD is
 * the first 8 bytes and the E/index word, and the packet is header || ciphertext || tag || E/index;
 * with E = 0 the whole RTCP packet and the word are AAD and only the tag is inserted.
 *
 * Node cannot give a GCM cipher object a new IV, so each packet creates one (this is the bound on
 * GCM performance here; see bench/srtp.ts). The IV is assembled in a reused buffer.
 */
export class AesGcmTransform implements SrtpTransform {
  readonly rtpTagLength = TAG;
  readonly rtcpTagLength = TAG;
  readonly rtcpOverhead = TAG + SRTCP_INDEX_LENGTH;
  private readonly algorithm: CipherGCMTypes;
  private readonly rtpKey: Uint8Array;
  private readonly rtpSalt: Uint8Array;
  private readonly rtcpKey: Uint8Array;
  private readonly rtcpSalt: Uint8Array;
  private readonly iv = new Uint8Array(12);
  private readonly rtcpAad = new Uint8Array(RTCP_CLEAR_HEADER + SRTCP_INDEX_LENGTH);

  constructor(profile: SrtpProfile, keys: SrtpSessionKeys) {
    this.algorithm = profile.keyLength === 32 ? 'aes-256-gcm' : 'aes-128-gcm';
    this.rtpKey = keys.rtpKey;
    this.rtpSalt = keys.rtpSalt;
    this.rtcpKey = keys.rtcpKey;
    this.rtcpSalt = keys.rtcpSalt;
  }

  private rtpIv(ssrc: number, index: number): Uint8Array {
    const iv = this.iv;
    const s = this.rtpSalt;
    const roc = Math.floor(index / 65536);
    ivPrefix(iv, s, ssrc);
    iv[6] = (s[6] as number) ^ (roc >>> 24);
    iv[7] = (s[7] as number) ^ ((roc >>> 16) & 0xff);
    iv[8] = (s[8] as number) ^ ((roc >>> 8) & 0xff);
    iv[9] = (s[9] as number) ^ (roc & 0xff);
    iv[10] = (s[10] as number) ^ ((index >>> 8) & 0xff);
    iv[11] = (s[11] as number) ^ (index & 0xff);
    return iv;
  }

  private rtcpIv(ssrc: number, index: number): Uint8Array {
    const iv = this.iv;
    const s = this.rtcpSalt;
    ivPrefix(iv, s, ssrc);
    iv[6] = s[6] as number;
    iv[7] = s[7] as number;
    iv[8] = (s[8] as number) ^ ((index >>> 24) & 0x7f);
    iv[9] = (s[9] as number) ^ ((index >>> 16) & 0xff);
    iv[10] = (s[10] as number) ^ ((index >>> 8) & 0xff);
    iv[11] = (s[11] as number) ^ (index & 0xff);
    return iv;
  }

  protectRtp(
    pkt: Uint8Array,
    payload: Uint8Array | null,
    end: number,
    headerLength: number,
    stream: RtpStreamState,
    index: number,
    out: Uint8Array,
  ): number {
    const c = createCipheriv(this.algorithm, this.rtpKey, this.rtpIv(stream.ssrc, index), {
      authTagLength: TAG,
    });
    const header = payload === null ? pkt.subarray(0, headerLength) : pkt;
    c.setAAD(header);
    const ct = c.update(payload ?? pkt.subarray(headerLength, end));
    c.final();
    const tag = c.getAuthTag();
    if (out !== pkt) out.set(header, 0);
    out.set(ct, headerLength);
    out.set(tag, end);
    return end + TAG;
  }

  unprotectRtp(
    pkt: Uint8Array,
    end: number,
    headerLength: number,
    ssrc: number,
    _stream: RtpStreamState | null,
    index: number,
    out: Uint8Array,
  ): number {
    const d = createDecipheriv(this.algorithm, this.rtpKey, this.rtpIv(ssrc, index), { authTagLength: TAG });
    d.setAAD(pkt.subarray(0, headerLength));
    d.setAuthTag(pkt.subarray(end, end + TAG));
    const pt = d.update(pkt.subarray(headerLength, end));
    try {
      d.final();
    } catch (e) {
      throw new SrtpAuthError('SRTP', e);
    }
    if (out !== pkt) out.set(pkt.subarray(0, headerLength), 0);
    out.set(pt, headerLength);
    return end;
  }

  protectRtcp(
    pkt: Uint8Array,
    end: number,
    ssrc: number,
    index: number,
    encrypt: boolean,
    out: Uint8Array,
  ): number {
    const word = ((encrypt ? 0x80000000 : 0) | index) >>> 0;
    const c = createCipheriv(this.algorithm, this.rtcpKey, this.rtcpIv(ssrc, index), { authTagLength: TAG });
    if (encrypt) {
      const aad = this.rtcpAad;
      aad.set(pkt.subarray(0, RTCP_CLEAR_HEADER), 0);
      writeU32(aad, RTCP_CLEAR_HEADER, word);
      c.setAAD(aad);
      const ct = c.update(pkt.subarray(RTCP_CLEAR_HEADER, end));
      c.final();
      if (out !== pkt) out.set(pkt.subarray(0, RTCP_CLEAR_HEADER), 0);
      out.set(ct, RTCP_CLEAR_HEADER);
    } else {
      // RFC 7714 §9.3: the whole RTCP packet and the E/index word are AAD; the "cipher" is the tag.
      const aad = new Uint8Array(end + SRTCP_INDEX_LENGTH);
      aad.set(pkt.subarray(0, end), 0);
      writeU32(aad, end, word);
      c.setAAD(aad);
      c.final();
      if (out !== pkt) out.set(pkt.subarray(0, end), 0);
    }
    out.set(c.getAuthTag(), end);
    writeU32(out, end + TAG, word);
    return end + this.rtcpOverhead;
  }

  rtcpIndexOffset(len: number): number {
    return len - SRTCP_INDEX_LENGTH;
  }

  unprotectRtcp(
    pkt: Uint8Array,
    len: number,
    ssrc: number,
    index: number,
    encrypted: boolean,
    out: Uint8Array,
  ): number {
    const tagAt = len - this.rtcpOverhead;
    const wordAt = len - SRTCP_INDEX_LENGTH;
    const d = createDecipheriv(this.algorithm, this.rtcpKey, this.rtcpIv(ssrc, index), {
      authTagLength: TAG,
    });
    let pt: Uint8Array | null = null;
    if (encrypted) {
      const aad = this.rtcpAad;
      aad.set(pkt.subarray(0, RTCP_CLEAR_HEADER), 0);
      aad.set(pkt.subarray(wordAt, len), RTCP_CLEAR_HEADER);
      d.setAAD(aad);
      d.setAuthTag(pkt.subarray(tagAt, wordAt));
      pt = d.update(pkt.subarray(RTCP_CLEAR_HEADER, tagAt));
    } else {
      const aad = new Uint8Array(tagAt + SRTCP_INDEX_LENGTH);
      aad.set(pkt.subarray(0, tagAt), 0);
      aad.set(pkt.subarray(wordAt, len), tagAt);
      d.setAAD(aad);
      d.setAuthTag(pkt.subarray(tagAt, wordAt));
    }
    try {
      d.final();
    } catch (e) {
      throw new SrtpAuthError('SRTCP', e);
    }
    if (pt === null) {
      if (out !== pkt) out.set(pkt.subarray(0, tagAt), 0);
    } else {
      if (out !== pkt) out.set(pkt.subarray(0, RTCP_CLEAR_HEADER), 0);
      out.set(pt, RTCP_CLEAR_HEADER);
    }
    return tagAt;
  }

  close(): void {
    this.rtpKey.fill(0);
    this.rtcpKey.fill(0);
  }
}
