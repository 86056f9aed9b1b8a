import { AesCmKeystream, xorKeystream, type KeystreamBatch } from './aes-cm-keystream.ts';
import { SrtpAuthError } from './errors.ts';
import { HMAC_PREFIX, HmacSha1, tagMatches, writeTag } from './hmac-sha1.ts';
import type { SrtpSessionKeys } from './key-derivation.ts';
import type { SrtpProfile } from './profiles.ts';
import { RTCP_CLEAR_HEADER, SRTCP_INDEX_LENGTH } from './rtcp-header.ts';
import { writeU32 } from './rtp-header.ts';
import type { RtpStreamState } from './stream-state.ts';
import type { SrtpTransform } from './transform.ts';

/** Packets above this many AES blocks (2 KiB) get a one-off keystream instead of a cached batch. */
const MAX_CACHED_BLOCKS = 128;

/**
 * AES_CM_128_HMAC_SHA1_80 / _32 (RFC 3711 §4.1.1 encryption, §4.2.1 authentication, RFC 5764
 * §4.1.2 profiles).
 *
 * SRTP: the payload is XORed with the keystream of (SSRC, index); the tag is the first 80 (or 32)
 * bits of HMAC-SHA1(k_a, header || encrypted payload || ROC) (§4.2: "M = Authenticated Portion ||
 * ROC"). SRTCP: everything after the first 8 bytes is encrypted with the keystream of (SSRC, SRTCP
 * index); the tag covers header || encrypted part || E-flag/index word and is always 80 bits.
 *
 * Each direction assembles the message in the HMAC's scratch buffer (after the ipad block),
 * decrypts/encrypts there in 32-bit words, then copies to the caller's output once.
 */
export class AesCmTransform implements SrtpTransform {
  readonly rtpTagLength: number;
  readonly rtcpTagLength: number;
  readonly rtcpOverhead: number;
  private readonly rtpKeystream: AesCmKeystream;
  private readonly rtcpKeystream: AesCmKeystream;
  private readonly rtpHmac: HmacSha1;
  private readonly rtcpHmac: HmacSha1;
  private readonly batch: number;
  /** Byte offset into the batch returned by the last keystreamFor(). */
  private ksOffset = 0;

  constructor(profile: SrtpProfile, keys: SrtpSessionKeys, keystreamBatch: number) {
    this.rtpTagLength = profile.rtpTagLength;
    this.rtcpTagLength = profile.rtcpTagLength;
    this.rtcpOverhead = SRTCP_INDEX_LENGTH + profile.rtcpTagLength;
    this.rtpKeystream = new AesCmKeystream(keys.rtpKey, keys.rtpSalt);
    this.rtcpKeystream = new AesCmKeystream(keys.rtcpKey, keys.rtcpSalt);
    this.rtpHmac = new HmacSha1(keys.rtpAuthKey);
    this.rtcpHmac = new HmacSha1(keys.rtcpAuthKey, 256);
    this.batch = Math.min(64, Math.max(1, keystreamBatch | 0));
  }

  /**
   * Keystream for one RTP packet: from the stream's batch when it covers `index` with enough
   * blocks, else a new batch starting at `index` sized by the largest packet of the previous one.
   * An index behind the batch (a late or retransmitted packet) gets a one-off keystream and leaves
   * the batch alone.
   */
  private keystreamFor(
    ssrc: number,
    stream: RtpStreamState | null,
    index: number,
    blocks: number,
  ): KeystreamBatch {
    if (stream === null || blocks > MAX_CACHED_BLOCKS || this.batch === 1) {
      this.ksOffset = 0;
      return this.rtpKeystream.generate(ssrc, index, 1, blocks);
    }
    const ks = stream.keystream;
    if (ks !== null) {
      const rel = index - ks.first;
      if (rel >= 0 && rel < ks.count && blocks <= ks.blocks) {
        if (blocks > stream.keystreamPeak) stream.keystreamPeak = blocks;
        this.ksOffset = rel * ks.blocks * 16;
        return ks;
      }
      if (rel < 0) {
        this.ksOffset = 0;
        return this.rtpKeystream.generate(ssrc, index, 1, blocks);
      }
    }
    const per = Math.max(blocks, stream.keystreamPeak);
    const fresh = this.rtpKeystream.generate(ssrc, index, this.batch, per);
    stream.keystream = fresh;
    stream.keystreamPeak = blocks;
    this.ksOffset = 0;
    return fresh;
  }

  /** XOR the RTP payload held in the scratch buffer (after HMAC_PREFIX) with its keystream. */
  private cryptRtpPayload(
    ssrc: number,
    stream: RtpStreamState | null,
    index: number,
    headerLength: number,
    end: number,
  ): void {
    const payload = end - headerLength;
    if (payload <= 0) return;
    const ks = this.keystreamFor(ssrc, stream, index, (payload + 15) >>> 4);
    xorKeystream(
      this.rtpHmac.buf,
      this.rtpHmac.words,
      HMAC_PREFIX + headerLength,
      ks,
      this.ksOffset,
      payload,
    );
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
    const h = this.rtpHmac;
    h.ensure(end + 4);
    const buf = h.buf;
    if (payload === null) {
      buf.set(end === pkt.length ? pkt : pkt.subarray(0, end), HMAC_PREFIX);
    } else {
      buf.set(pkt, HMAC_PREFIX);
      buf.set(payload, HMAC_PREFIX + headerLength);
    }
    this.cryptRtpPayload(stream.ssrc, stream, index, headerLength, end);
    // RFC 3711 §4.2: the ROC is appended to the authenticated portion, but not sent.
    writeU32(buf, HMAC_PREFIX + end, Math.floor(index / 65536));
    const digest = h.digest(end + 4);
    out.set(h.message(end), 0);
    writeTag(digest, out, end, this.rtpTagLength);
    return end + this.rtpTagLength;
  }

  unprotectRtp(
    pkt: Uint8Array,
    end: number,
    headerLength: number,
    ssrc: number,
    stream: RtpStreamState | null,
    index: number,
    out: Uint8Array,
  ): number {
    const h = this.rtpHmac;
    h.ensure(end + 4);
    const buf = h.buf;
    buf.set(pkt.subarray(0, end), HMAC_PREFIX);
    writeU32(buf, HMAC_PREFIX + end, Math.floor(index / 65536));
    // RFC 3711 §3.3 step 5: authenticate before decrypting; a forged packet costs one HMAC only.
    if (!tagMatches(h.digest(end + 4), pkt, end, this.rtpTagLength)) throw new SrtpAuthError('SRTP');
    this.cryptRtpPayload(ssrc, stream, index, headerLength, end);
    out.set(buf.subarray(HMAC_PREFIX, HMAC_PREFIX + end), 0);
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
    const h = this.rtcpHmac;
    h.ensure(end + SRTCP_INDEX_LENGTH);
    const buf = h.buf;
    buf.set(pkt.subarray(0, end), HMAC_PREFIX);
    const body = end - RTCP_CLEAR_HEADER;
    if (encrypt && body > 0) {
      const ks = this.rtcpKeystream.generate(ssrc, index, 1, (body + 15) >>> 4);
      xorKeystream(buf, h.words, HMAC_PREFIX + RTCP_CLEAR_HEADER, ks, 0, body);
    }
    writeU32(buf, HMAC_PREFIX + end, ((encrypt ? 0x80000000 : 0) | index) >>> 0);
    const digest = h.digest(end + SRTCP_INDEX_LENGTH);
    out.set(buf.subarray(HMAC_PREFIX, HMAC_PREFIX + end + SRTCP_INDEX_LENGTH), 0);
    writeTag(digest, out, end + SRTCP_INDEX_LENGTH, this.rtcpTagLength);
    return end + this.rtcpOverhead;
  }

  rtcpIndexOffset(len: number): number {
    return len - this.rtcpOverhead;
  }

  unprotectRtcp(
    pkt: Uint8Array,
    len: number,
    ssrc: number,
    index: number,
    encrypted: boolean,
    out: Uint8Array,
  ): number {
    const h = this.rtcpHmac;
    const authenticated = len - this.rtcpTagLength;
    h.ensure(authenticated);
    const buf = h.buf;
    buf.set(pkt.subarray(0, authenticated), HMAC_PREFIX);
    if (!tagMatches(h.digest(authenticated), pkt, authenticated, this.rtcpTagLength))
      throw new SrtpAuthError('SRTCP');
    const end = authenticated - SRTCP_INDEX_LENGTH;
    const body = end - RTCP_CLEAR_HEADER;
    if (encrypted && body > 0) {
      const ks = this.rtcpKeystream.generate(ssrc, index, 1, (body + 15) >>> 4);
      xorKeystream(buf, h.words, HMAC_PREFIX + RTCP_CLEAR_HEADER, ks, 0, body);
    }
    out.set(buf.subarray(HMAC_PREFIX, HMAC_PREFIX + end), 0);
    return end;
  }

  close(): void {
    this.rtpHmac.buf.fill(0);
    this.rtcpHmac.buf.fill(0);
  }
}
