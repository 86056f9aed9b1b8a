/** The per-viewer fields {@link rewriteRtpHeader} writes. */
export interface RtpHeaderRewrite {
  ssrc: number;
  /** Taken modulo 2^16. */
  seq: number;
  /** Taken modulo 2^32. */
  timestamp: number;
  payloadType: number;
  /** Left as it is in the packet when omitted. */
  marker?: boolean | undefined;
}

/**
 * Rewrites PT, marker, sequence number, timestamp and SSRC of the RTP packet in `buf` in place
 * (bytes 1..11 of RFC 3550 §5.1), leaving V/P/X/CC, CSRCs, extension and payload untouched. This is
 * the whole per-viewer cost of the media hub before SRTP: packetize once per stream, then stamp each
 * viewer's SSRC/seq/timestamp/PT into the same buffer just before protecting it. The packet must be
 * at least 12 bytes (the caller built it; nothing is checked on this path).
 *
 * @example
 * for (const v of viewers) {
 *   rewriteRtpHeader(pkt, { ssrc: v.ssrc, seq: v.nextSeq++, timestamp: ts + v.tsOffset, payloadType: v.pt });
 *   const n = v.srtp.protectRtpInto(pkt, sendBuf);
 * }
 */
export function rewriteRtpHeader(buf: Uint8Array, f: RtpHeaderRewrite): void {
  rewriteRtpHeaderFields(buf, f.ssrc, f.seq, f.timestamp, f.payloadType, f.marker);
}

/** {@link rewriteRtpHeader} with positional arguments: no object on the per-packet path. */
export function rewriteRtpHeaderFields(
  buf: Uint8Array,
  ssrc: number,
  seq: number,
  timestamp: number,
  payloadType: number,
  marker?: boolean,
): void {
  const m = marker === undefined ? (buf[1] as number) & 0x80 : marker ? 0x80 : 0;
  buf[1] = m | (payloadType & 0x7f);
  buf[2] = (seq >>> 8) & 0xff;
  buf[3] = seq & 0xff;
  buf[4] = timestamp >>> 24;
  buf[5] = (timestamp >>> 16) & 0xff;
  buf[6] = (timestamp >>> 8) & 0xff;
  buf[7] = timestamp & 0xff;
  buf[8] = ssrc >>> 24;
  buf[9] = (ssrc >>> 16) & 0xff;
  buf[10] = (ssrc >>> 8) & 0xff;
  buf[11] = ssrc & 0xff;
}
