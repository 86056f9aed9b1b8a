import type { RtpStreamState } from './stream-state.ts';

/**
 * The cryptographic transform of one profile, below the per-SSRC bookkeeping of SrtpContext.
 * Offsets: `end` is where the RTP/RTCP packet (without tag or trailer) ends in `pkt`; output is
 * written at out[0..]. `out` may be `pkt` itself (in place) when it has room for the tag.
 */
export interface SrtpTransform {
  readonly rtpTagLength: number;
  readonly rtcpTagLength: number;
  /** Bytes an SRTCP packet gains: the E/index word and the tag. */
  readonly rtcpOverhead: number;
  /**
   * Encrypt and tag an RTP packet; returns the protected length. With `payload` null the packet is
   * pkt[0..end); otherwise `pkt` is exactly the header and `payload` follows it (end = both).
   */
  protectRtp(
    pkt: Uint8Array,
    payload: Uint8Array | null,
    end: number,
    headerLength: number,
    stream: RtpStreamState,
    index: number,
    out: Uint8Array,
  ): number;
  /**
   * Verify pkt[0..end + tag) and decrypt; returns the plaintext length (= end).
   * `stream` is null for an SSRC not yet authenticated (no keystream cache).
   * @throws SrtpAuthError
   */
  unprotectRtp(
    pkt: Uint8Array,
    end: number,
    headerLength: number,
    ssrc: number,
    stream: RtpStreamState | null,
    index: number,
    out: Uint8Array,
  ): number;
  /** Protect RTCP pkt[0..end) with SRTCP index `index`; returns the protected length. */
  protectRtcp(
    pkt: Uint8Array,
    end: number,
    ssrc: number,
    index: number,
    encrypt: boolean,
    out: Uint8Array,
  ): number;
  /**
   * Verify and (if E is set) decrypt an SRTCP packet of `len` bytes whose E/index word was read by
   * the caller; returns the RTCP length.
   * @throws SrtpAuthError
   */
  unprotectRtcp(
    pkt: Uint8Array,
    len: number,
    ssrc: number,
    index: number,
    encrypted: boolean,
    out: Uint8Array,
  ): number;
  /** Where the E/index word sits in an SRTCP packet of `len` bytes. */
  rtcpIndexOffset(len: number): number;
  close(): void;
}
