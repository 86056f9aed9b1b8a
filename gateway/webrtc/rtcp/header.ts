import { RtcpBadVersionError, RtcpTruncatedError } from './errors.ts';

/** RTCP packet types (RFC 3550 §12.1, RFC 4585 §6.1, RFC 3611). */
export const RTCP_SR = 200;
export const RTCP_RR = 201;
export const RTCP_SDES = 202;
export const RTCP_BYE = 203;
export const RTCP_APP = 204;
/** Transport-layer feedback (RFC 4585 §6.2): FMT 1 generic NACK, 15 transport-wide CC. */
export const RTCP_RTPFB = 205;
/** Payload-specific feedback (RFC 4585 §6.3): FMT 1 PLI, 4 FIR (RFC 5104), 15 application layer (REMB). */
export const RTCP_PSFB = 206;
export const RTCP_XR = 207;

/** The common header of every RTCP packet. */
export interface RtcpHeader {
  /** P bit: the packet ends with padding (only the last of a compound may, RFC 3550 §6.4.1). */
  padding: boolean;
  /** RC / SC / FMT: 5 bits whose meaning depends on the type. */
  count: number;
  packetType: number;
  /** Packet size in bytes including this header: (length field + 1) * 4. */
  size: number;
}

/**
 * The common header (RFC 3550 §6.4.1):
 * ```
 *  0                   1                   2                   3
 *  0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1
 * +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 * |V=2|P|  RC/FMT |      PT       |   length (32-bit words - 1)   |
 * +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 * ```
 * Reads it at `offset`; throws RTCP_TRUNCATED / RTCP_BAD_VERSION. The size is not checked
 * against the buffer here (the compound walk does).
 */
export function readRtcpHeader(buf: Uint8Array, offset: number): RtcpHeader {
  if (buf.length - offset < 4) throw new RtcpTruncatedError('RTCP header', buf.length);
  const b0 = buf[offset] as number;
  if (b0 >>> 6 !== 2) throw new RtcpBadVersionError(b0 >>> 6, offset);
  return {
    padding: (b0 & 0x20) !== 0,
    count: b0 & 0x1f,
    packetType: buf[offset + 1] as number,
    size: ((((buf[offset + 2] as number) << 8) | (buf[offset + 3] as number)) + 1) * 4,
  };
}

/** Writes the common header for a packet of `size` bytes (a multiple of 4) at `offset`. */
export function writeRtcpHeader(
  out: Uint8Array,
  offset: number,
  count: number,
  packetType: number,
  size: number,
  padding = false,
): void {
  const words = size / 4 - 1;
  out[offset] = 0x80 | (padding ? 0x20 : 0) | (count & 0x1f);
  out[offset + 1] = packetType;
  out[offset + 2] = words >>> 8;
  out[offset + 3] = words & 0xff;
}

/**
 * RFC 5761 §4 demultiplexing of RTP and RTCP on one port (rtcp-mux): the second byte of an RTCP
 * packet is its packet type, 192..223 (RTP payload types 64..95 with or without the marker bit
 * would collide, which is why they must not be used with rtcp-mux). Expects a datagram already
 * known to be RTP or RTCP (RFC 7983 first-byte 128..191).
 *
 * @example
 * if (isRtcpPacket(datagram)) handleRtcp(decodeRtcpCompound(datagram)); else handleRtp(datagram);
 */
export function isRtcpPacket(buf: Uint8Array): boolean {
  if (buf.length < 2) return false;
  const pt = buf[1] as number;
  return pt >= 192 && pt <= 223;
}
