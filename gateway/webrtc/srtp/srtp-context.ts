import {
  SrtpBadHeaderError,
  SrtpClosedError,
  SrtpIndexExhaustedError,
  SrtpOutputTooSmallError,
  SrtpReplayError,
  SrtpTruncatedError,
} from './errors.ts';
import { deriveSessionKeys } from './key-derivation.ts';
import { srtpProfile, type SrtpProfile, type SrtpProfileId } from './profiles.ts';
import { RTCP_CLEAR_HEADER, SRTCP_MAX_INDEX, rtcpSenderSsrc } from './rtcp-header.ts';
import { estimateRoc, MAX_ROC } from './rollover.ts';
import { readU32, rtpHeaderLength, rtpSequenceNumber, rtpSsrc } from './rtp-header.ts';
import { BoundedStreamMap, RtcpStreamState, RtpStreamState } from './stream-state.ts';
import { AesCmTransform } from './transform-aes-cm.ts';
import { AesGcmTransform } from './transform-aes-gcm.ts';
import type { SrtpTransform } from './transform.ts';

/** Options of {@link SrtpContext}. */
export interface SrtpContextOptions {
  /** DTLS-SRTP protection profile id (SRTP_AES128_CM_HMAC_SHA1_80, SRTP_AEAD_AES_128_GCM, ...). */
  profile: SrtpProfileId | number;
  /** Master key (16 bytes, or 32 for AEAD_AES_256_GCM). Copied; the caller may wipe it. */
  masterKey: Uint8Array;
  /** Master salt (14 bytes for AES-CM, 12 for GCM). */
  masterSalt: Uint8Array;
  /** Replay window in packets per SSRC (RFC 3711 §3.3.2 asks >= 64). Rounded up to a power of two. Default 128. */
  replayWindow?: number;
  /**
   * Most SSRCs tracked per direction and per RTP/RTCP. Default 64. Receiving: the least recently
   * used SSRC is forgotten beyond it. Sending: a new SSRC beyond it throws SRTP_SSRC_LIMIT (a
   * forgotten sending SSRC would restart at ROC 0 and reuse keystream).
   */
  maxSsrcs?: number;
  /** Encrypt SRTCP (E flag, RFC 3711 §3.4). Default true; false only authenticates. */
  encryptRtcp?: boolean;
  /**
   * AES-CM only: keystream is computed for this many consecutive packet indices of an SSRC in one
   * cipher call (1 = per packet, at most 64). Default 8. Costs batch * largest packet bytes per SSRC
   * (about 10 KB for 1200-byte video packets).
   */
  keystreamBatch?: number;
}

/** Counters of one context, for metrics. */
export interface SrtpContextStats {
  /** SSRCs tracked: sending RTP, receiving RTP, sending RTCP, receiving RTCP. */
  readonly txRtpSsrcs: number;
  readonly rxRtpSsrcs: number;
  readonly txRtcpSsrcs: number;
  readonly rxRtcpSsrcs: number;
  /** Receiving SSRC states forgotten because of `maxSsrcs`. */
  readonly evictions: number;
}

/**
 * An SRTP/SRTCP crypto context (RFC 3711 §3.2) for one direction's master key: protect what we send
 * with our keys, unprotect what we receive with the peer's. Per-SSRC state (ROC, s_l, replay
 * window, SRTCP index) is created on demand and bounded by `maxSsrcs`. The sending side and the
 * receiving side keep separate per-SSRC state, so one context could serve both ends of a loopback.
 *
 * Errors: hostile input only ever throws an {@link SrtpError} subclass (SRTP_AUTH_FAILED,
 * SRTP_REPLAYED, SRTP_TRUNCATED, SRTP_BAD_HEADER); count and drop.
 *
 * @example
 * const tx = new SrtpContext({ profile: SRTP_AES128_CM_HMAC_SHA1_80, masterKey, masterSalt });
 * const out = new Uint8Array(1500);
 * const n = tx.protectRtpInto(rtpPacket, out); // out[0..n) is the SRTP packet
 * const rx = new SrtpContext({ profile: SRTP_AES128_CM_HMAC_SHA1_80, masterKey, masterSalt });
 * const rtp = rx.unprotectRtp(out.subarray(0, n));
 */
export class SrtpContext {
  readonly profile: SrtpProfile;
  private readonly transform: SrtpTransform;
  private readonly replayWindow: number;
  private readonly encryptRtcp: boolean;
  private readonly txRtp: BoundedStreamMap<RtpStreamState>;
  private readonly rxRtp: BoundedStreamMap<RtpStreamState>;
  private readonly txRtcp: BoundedStreamMap<RtcpStreamState>;
  private readonly rxRtcp: BoundedStreamMap<RtcpStreamState>;
  private closed = false;
  /** Counts received packets that authenticated; stamps per-SSRC state for LRU eviction. */
  private tick = 0;

  constructor(options: SrtpContextOptions) {
    this.profile = srtpProfile(options.profile);
    const keys = deriveSessionKeys(this.profile, options.masterKey, options.masterSalt);
    this.transform = this.profile.aead
      ? new AesGcmTransform(this.profile, keys)
      : new AesCmTransform(this.profile, keys, options.keystreamBatch ?? 8);
    this.replayWindow = Math.min(Math.max(options.replayWindow ?? 128, 64), 32768);
    this.encryptRtcp = options.encryptRtcp ?? true;
    const max = Math.max(1, options.maxSsrcs ?? 64);
    this.txRtp = new BoundedStreamMap(max, 'refuse');
    this.rxRtp = new BoundedStreamMap(max, 'evict');
    this.txRtcp = new BoundedStreamMap(max, 'refuse');
    this.rxRtcp = new BoundedStreamMap(max, 'evict');
  }

  /** Bytes SRTP adds to an RTP packet (the tag). */
  get rtpOverhead(): number {
    return this.transform.rtpTagLength;
  }

  /** Bytes SRTCP adds to an RTCP packet (E/index word and tag). */
  get rtcpOverhead(): number {
    return this.transform.rtcpOverhead;
  }

  get stats(): SrtpContextStats {
    return {
      txRtpSsrcs: this.txRtp.size,
      rxRtpSsrcs: this.rxRtp.size,
      txRtcpSsrcs: this.txRtcp.size,
      rxRtcpSsrcs: this.rxRtcp.size,
      evictions: this.txRtp.evictions + this.rxRtp.evictions + this.txRtcp.evictions + this.rxRtcp.evictions,
    };
  }

  /**
   * Protect an RTP packet into a new buffer (RFC 3711 §3.3).
   * @throws SrtpTruncatedError / SrtpBadHeaderError for a malformed RTP header, SrtpSsrcLimitError.
   */
  protectRtp(pkt: Uint8Array): Uint8Array {
    const out = Buffer.allocUnsafe(pkt.length + this.transform.rtpTagLength);
    this.protectRtpInto(pkt, out);
    return out;
  }

  /**
   * Protect an RTP packet into a caller-owned buffer; the media hot path. `out` needs
   * pkt.length + rtpOverhead bytes and may be `pkt`'s own memory (in place).
   *
   * @returns the SRTP packet length written at out[0].
   * @example
   * const n = ctx.protectRtpInto(rtp, sendBuf); socket.send(sendBuf.subarray(0, n));
   */
  protectRtpInto(pkt: Uint8Array, out: Uint8Array): number {
    return this.protect(pkt, null, out);
  }

  /**
   * Protect an RTP packet given as its header and its payload, without joining them first: the
   * relay's per-viewer path (a rewritten header in front of a payload packetized once and shared by
   * every viewer). `header` must be exactly the RTP header (12 bytes + CSRCs + extension); `out`
   * needs header + payload + rtpOverhead bytes. The result equals protectRtpInto of the joined packet.
   *
   * @returns the SRTP packet length written at out[0].
   * @example
   * const n = ctx.protectRtpPartsInto(viewerHeader, sharedPayload, sendBuf);
   */
  protectRtpPartsInto(header: Uint8Array, payload: Uint8Array, out: Uint8Array): number {
    return this.protect(header, payload, out);
  }

  /** protectRtpInto (payload null: pkt is the whole packet) and protectRtpPartsInto. */
  private protect(pkt: Uint8Array, payload: Uint8Array | null, out: Uint8Array): number {
    if (this.closed) throw new SrtpClosedError();
    const len = pkt.length + (payload === null ? 0 : payload.length);
    if (out.length < len + this.transform.rtpTagLength) {
      throw new SrtpOutputTooSmallError(len + this.transform.rtpTagLength, out.length);
    }
    const headerLength = rtpHeaderLength(pkt, pkt.length);
    if (payload !== null && headerLength !== pkt.length) {
      throw new SrtpBadHeaderError(
        `header part is ${pkt.length} bytes, the RTP header ${headerLength}`,
        headerLength,
      );
    }
    const ssrc = rtpSsrc(pkt);
    const seq = rtpSequenceNumber(pkt);
    let s = this.txRtp.get(ssrc);
    let index: number;
    if (s === undefined) {
      // RFC 3711 §3.3.1: the sender's ROC starts at 0.
      s = new RtpStreamState(ssrc, 0, seq, 0);
      this.txRtp.add(ssrc, s);
      index = seq;
    } else {
      let v = estimateRoc(seq, s.highestSeq, s.roc);
      // A sequence number that looks like it precedes the stream's start is sent in ROC 0.
      if (v < 0) v = 0;
      if (v > MAX_ROC) throw new SrtpIndexExhaustedError('SRTP');
      index = v * 65536 + seq;
      if (index > s.highestIndex) {
        s.highestIndex = index;
        s.highestSeq = seq;
        s.roc = v;
      }
    }
    return this.transform.protectRtp(pkt, payload, len, headerLength, s, index, out);
  }

  /**
   * Verify, replay-check and decrypt an SRTP packet into a new buffer (RFC 3711 §3.3).
   * @throws SrtpAuthError / SrtpReplayError / SrtpTruncatedError / SrtpBadHeaderError.
   */
  unprotectRtp(pkt: Uint8Array): Uint8Array {
    const out = Buffer.allocUnsafe(Math.max(0, pkt.length - this.transform.rtpTagLength));
    const n = this.unprotectRtpInto(pkt, out);
    return out.subarray(0, n);
  }

  /**
   * Like {@link unprotectRtp} into a caller-owned buffer of at least pkt.length - rtpOverhead bytes
   * (it may be `pkt` itself). Returns the RTP packet length written at out[0].
   */
  unprotectRtpInto(pkt: Uint8Array, out: Uint8Array): number {
    if (this.closed) throw new SrtpClosedError();
    const t = this.transform;
    const end = pkt.length - t.rtpTagLength;
    if (end < 12) throw new SrtpTruncatedError('SRTP packet', pkt.length);
    const headerLength = rtpHeaderLength(pkt, end);
    if (out.length < end) throw new SrtpOutputTooSmallError(end, out.length);
    const ssrc = rtpSsrc(pkt);
    const seq = rtpSequenceNumber(pkt);
    const s = this.rxRtp.get(ssrc);
    let index: number;
    let v: number;
    if (s === undefined) {
      v = 0;
      index = seq;
    } else {
      // RFC 3711 §3.3 step 2 / Appendix A: estimate the index, then §3.3.2 replay check.
      v = estimateRoc(seq, s.highestSeq, s.roc);
      index = v * 65536 + seq;
      if (v > MAX_ROC) throw new SrtpIndexExhaustedError('SRTP');
      const verdict = (s.replay as NonNullable<typeof s.replay>).check(index);
      if (verdict !== 'ok') throw new SrtpReplayError('SRTP', verdict, index);
    }
    const n = t.unprotectRtp(pkt, end, headerLength, ssrc, s ?? null, index, out);
    // Authenticated: §3.3.1 update ROC and s_l only if the index is the new highest; mark replay.
    if (s === undefined) {
      const fresh = new RtpStreamState(ssrc, v, seq, this.replayWindow);
      (fresh.replay as NonNullable<typeof fresh.replay>).accept(index);
      fresh.lastUsed = ++this.tick;
      this.rxRtp.add(ssrc, fresh);
    } else {
      const replay = s.replay as NonNullable<typeof s.replay>;
      s.lastUsed = ++this.tick;
      if (index > replay.highest) {
        s.roc = v;
        s.highestSeq = seq;
        s.highestIndex = index;
      }
      replay.accept(index);
    }
    return n;
  }

  /**
   * Protect an RTCP (compound) packet into a new buffer (RFC 3711 §3.4).
   * @throws SrtpTruncatedError / SrtpBadHeaderError / SrtpIndexExhaustedError.
   */
  protectRtcp(pkt: Uint8Array): Uint8Array {
    const out = Buffer.allocUnsafe(pkt.length + this.transform.rtcpOverhead);
    this.protectRtcpInto(pkt, out);
    return out;
  }

  /** Protect RTCP into a caller-owned buffer of pkt.length + rtcpOverhead bytes; returns the length. */
  protectRtcpInto(pkt: Uint8Array, out: Uint8Array): number {
    if (this.closed) throw new SrtpClosedError();
    const t = this.transform;
    if (out.length < pkt.length + t.rtcpOverhead)
      throw new SrtpOutputTooSmallError(pkt.length + t.rtcpOverhead, out.length);
    const ssrc = rtcpSenderSsrc(pkt, pkt.length);
    let s = this.txRtcp.get(ssrc);
    if (s === undefined) {
      s = new RtcpStreamState(ssrc, 0);
      this.txRtcp.add(ssrc, s);
    }
    // RFC 3711 §3.4: the index starts at 0 and increments per packet; at 2^31 the key must change.
    const index = s.nextIndex;
    if (index > SRTCP_MAX_INDEX) throw new SrtpIndexExhaustedError('SRTCP');
    s.nextIndex = index + 1;
    return t.protectRtcp(pkt, pkt.length, ssrc, index, this.encryptRtcp, out);
  }

  /**
   * Verify, replay-check and (when the E flag is set) decrypt an SRTCP packet into a new buffer.
   * @throws SrtpAuthError / SrtpReplayError / SrtpTruncatedError / SrtpBadHeaderError.
   */
  unprotectRtcp(pkt: Uint8Array): Uint8Array {
    const out = Buffer.allocUnsafe(Math.max(0, pkt.length - this.transform.rtcpOverhead));
    const n = this.unprotectRtcpInto(pkt, out);
    return out.subarray(0, n);
  }

  /** Like {@link unprotectRtcp} into a caller-owned buffer of pkt.length - rtcpOverhead bytes. */
  unprotectRtcpInto(pkt: Uint8Array, out: Uint8Array): number {
    if (this.closed) throw new SrtpClosedError();
    const t = this.transform;
    const len = pkt.length;
    if (len < RTCP_CLEAR_HEADER + t.rtcpOverhead) throw new SrtpTruncatedError('SRTCP packet', len);
    const ssrc = rtcpSenderSsrc(pkt, len);
    if (out.length < len - t.rtcpOverhead)
      throw new SrtpOutputTooSmallError(len - t.rtcpOverhead, out.length);
    const word = readU32(pkt, t.rtcpIndexOffset(len));
    const encrypted = word >>> 31 === 1;
    const index = word & SRTCP_MAX_INDEX;
    const s = this.rxRtcp.get(ssrc);
    if (s !== undefined) {
      const verdict = (s.replay as NonNullable<typeof s.replay>).check(index);
      if (verdict !== 'ok') throw new SrtpReplayError('SRTCP', verdict, index);
    }
    const n = t.unprotectRtcp(pkt, len, ssrc, index, encrypted, out);
    if (s === undefined) {
      const fresh = new RtcpStreamState(ssrc, this.replayWindow);
      (fresh.replay as NonNullable<typeof fresh.replay>).accept(index);
      fresh.lastUsed = ++this.tick;
      this.rxRtcp.add(ssrc, fresh);
    } else {
      s.lastUsed = ++this.tick;
      (s.replay as NonNullable<typeof s.replay>).accept(index);
    }
    return n;
  }

  /** Forget all state and wipe the session keys; later calls throw SrtpClosedError. Idempotent. */
  close(): void {
    if (this.closed) return;
    this.closed = true;
    this.transform.close();
    this.txRtp.clear();
    this.rxRtp.clear();
    this.txRtcp.clear();
    this.rxRtcp.clear();
  }
}
