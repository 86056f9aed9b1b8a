import type { RtcpBody } from './body.ts';
import {
  RtcpBadLengthError,
  RtcpBadPaddingError,
  RtcpNotReportFirstError,
  RtcpOutputTooSmallError,
  RtcpBadArgumentError,
} from './errors.ts';
import { readRtcpHeader, writeRtcpHeader, RTCP_RR, RTCP_SR } from './header.ts';
import { decodeRtcpBody, encodeRtcpBody, rtcpShape } from './packet.ts';
import type { RtcpPacket } from './packet.ts';

/** Options of {@link decodeRtcpCompound}. */
export interface RtcpDecodeOptions {
  /**
   * Require the first packet to be SR or RR (RFC 3550 §6.1). Off by default: RFC 5506 reduced-size
   * RTCP (rtcp-rsize, which browsers negotiate) sends feedback alone.
   */
  requireReportFirst?: boolean;
}

/**
 * Walks a compound RTCP packet (RFC 3550 §6.1, validity checks of Appendix A.2): every packet is
 * version 2, lengths add up to the datagram exactly, only the last packet may be padded. Each
 * packet is decoded by type; APP, XR and unknown types or feedback formats come back as `unknown`
 * with their body, skipped safely by their length. Throws only `RtcpError`s.
 *
 * @example
 * for (const p of decodeRtcpCompound(datagram)) {
 *   if (p.type === 'nack') resend(p.mediaSsrc, p.lost);
 *   else if (p.type === 'pli' || p.type === 'fir') sendKeyframe();
 * }
 */
export function decodeRtcpCompound(buf: Uint8Array, options?: RtcpDecodeOptions): RtcpPacket[] {
  const view = new DataView(buf.buffer, buf.byteOffset, buf.byteLength);
  const out: RtcpPacket[] = [];
  let at = 0;
  if (buf.length === 0) throw new RtcpBadLengthError('empty RTCP datagram', 0);
  while (at < buf.length) {
    const h = readRtcpHeader(buf, at);
    const end = at + h.size;
    if (end > buf.length) throw new RtcpBadLengthError(`packet length ${h.size} overruns the datagram`, at);
    if (
      at === 0 &&
      options?.requireReportFirst === true &&
      h.packetType !== RTCP_SR &&
      h.packetType !== RTCP_RR
    )
      throw new RtcpNotReportFirstError(h.packetType);
    let bodyEnd = end;
    if (h.padding) {
      if (end !== buf.length) throw new RtcpBadPaddingError('padding in a packet that is not the last', at);
      const pad = buf[end - 1] as number;
      if (pad === 0 || pad > h.size - 4) throw new RtcpBadPaddingError(`padding count ${pad}`, end - 1);
      bodyEnd = end - pad;
    }
    const body: RtcpBody = { buf, view, start: at + 4, end: bodyEnd, count: h.count };
    out.push(decodeRtcpBody(h.packetType, body));
    at = end;
  }
  return out;
}

/** Bytes {@link encodeRtcpCompound} writes for these packets. */
export function rtcpCompoundSize(packets: readonly RtcpPacket[]): number {
  let n = 0;
  for (const p of packets) n += 4 + rtcpShape(p).bodySize;
  return n;
}

/**
 * Encodes packets back to back (a compound when there are several) into `out` at `offset` and
 * returns the bytes written. No padding is added (SRTCP needs none).
 *
 * @example
 * const out = new Uint8Array(rtcpCompoundSize(pkts)); encodeRtcpCompound(pkts, out);
 */
export function encodeRtcpCompound(packets: readonly RtcpPacket[], out: Uint8Array, offset = 0): number {
  const size = rtcpCompoundSize(packets);
  if (offset < 0 || out.length - offset < size) throw new RtcpOutputTooSmallError(size, out.length - offset);
  const o = { out, view: new DataView(out.buffer, out.byteOffset, out.byteLength) };
  let at = offset;
  for (const p of packets) {
    const s = rtcpShape(p);
    if (s.bodySize + 4 > 0x40000)
      throw new RtcpBadArgumentError('packet longer than the 16-bit length allows');
    writeRtcpHeader(out, at, s.count, s.packetType, 4 + s.bodySize);
    encodeRtcpBody(p, o, at + 4);
    at += 4 + s.bodySize;
  }
  return size;
}

/** {@link encodeRtcpCompound} into a fresh buffer. */
export function serializeRtcp(packets: readonly RtcpPacket[]): Uint8Array {
  const out = new Uint8Array(rtcpCompoundSize(packets));
  encodeRtcpCompound(packets, out, 0);
  return out;
}
