import {
  RtpBadArgumentError,
  RtpBadPaddingError,
  RtpBadVersionError,
  RtpOutputTooSmallError,
  RtpTruncatedError,
} from './errors.ts';

/**
 * The raw header extension block of RFC 3550 §5.3.1: a 16-bit profile-defined value and the
 * extension words. RFC 8285 gives the profile values 0xBEDE (one-byte elements) and 0x100X
 * (two-byte elements); {@link readHeaderExtensions} parses those.
 */
export interface RtpExtensionBlock {
  /** "defined by profile": 0xBEDE, 0x1000-0x100F or anything else. */
  profile: number;
  /** The extension words (a multiple of 4 bytes). */
  data: Uint8Array;
}

/** The fields of an RTP fixed header (RFC 3550 §5.1). */
export interface RtpHeader {
  marker: boolean;
  /** 0..127. */
  payloadType: number;
  /** 0..65535. */
  sequenceNumber: number;
  /** 0..2^32-1. */
  timestamp: number;
  /** 0..2^32-1. */
  ssrc: number;
  /** At most 15 contributing sources. */
  csrcs: number[];
  /** The extension block when X is set. */
  extension?: RtpExtensionBlock | undefined;
  /**
   * Number of padding octets at the end, including the count octet (RFC 3550 §5.1: P bit). 0 when
   * P is clear. The encoder writes zeros followed by the count.
   */
  padding: number;
}

/** A decoded RTP packet: the header and a view (not a copy) of the payload. */
export interface RtpPacket extends RtpHeader {
  payload: Uint8Array;
}

/** Size of the fixed header without CSRCs and extension. */
export const RTP_FIXED_HEADER_SIZE = 12;

/**
 * An RTP packet (RFC 3550 §5.1):
 * ```
 *  0                   1                   2                   3
 *  0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1
 * +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 * |V=2|P|X|  CC   |M|     PT      |       sequence number         |
 * +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 * |                           timestamp                           |
 * +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 * |           synchronization source (SSRC) identifier            |
 * +=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+
 * |            contributing source (CSRC) identifiers             |
 * |                             ....                              |
 * +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 * |      defined by profile       |           length              |  (§5.3.1, when X = 1;
 * +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+   length in 32-bit words)
 * |                        header extension                       |
 * +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 * |                    payload ...    | padding ... | pad count   |  (P = 1: the last octet
 * +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+   counts itself too)
 * ```
 * Decodes `buf` without copying: `payload` and `extension.data` are subarrays of `buf`.
 * Throws only {@link RtpError} subclasses (RTP_TRUNCATED, RTP_BAD_VERSION, RTP_BAD_PADDING).
 *
 * @example
 * const pkt = decodeRtp(datagram);
 * if (pkt.payloadType === 96) depacketizer.push(pkt.payload, pkt);
 */
export function decodeRtp(buf: Uint8Array): RtpPacket {
  const len = buf.length;
  if (len < RTP_FIXED_HEADER_SIZE) throw new RtpTruncatedError('RTP fixed header', len);
  const view = new DataView(buf.buffer, buf.byteOffset, len);
  const b0 = view.getUint8(0);
  const version = b0 >>> 6;
  if (version !== 2) throw new RtpBadVersionError(version);
  const cc = b0 & 0x0f;
  const b1 = view.getUint8(1);
  let off = RTP_FIXED_HEADER_SIZE + 4 * cc;
  if (len < off) throw new RtpTruncatedError('RTP CSRC list', len);
  const csrcs: number[] = [];
  for (let i = 0; i < cc; i++) csrcs.push(view.getUint32(RTP_FIXED_HEADER_SIZE + 4 * i));
  let extension: RtpExtensionBlock | undefined;
  if ((b0 & 0x10) !== 0) {
    if (len < off + 4) throw new RtpTruncatedError('RTP extension header', len);
    const profile = view.getUint16(off);
    const words = view.getUint16(off + 2);
    const end = off + 4 + words * 4;
    if (len < end) throw new RtpTruncatedError('RTP extension', len);
    extension = { profile, data: buf.subarray(off + 4, end) };
    off = end;
  }
  let padding = 0;
  if ((b0 & 0x20) !== 0) {
    // §5.1: the last octet counts the padding octets including itself; 0 is meaningless.
    padding = view.getUint8(len - 1);
    if (padding === 0 || off + padding > len) throw new RtpBadPaddingError(padding, len - 1);
  }
  return {
    marker: (b1 & 0x80) !== 0,
    payloadType: b1 & 0x7f,
    sequenceNumber: view.getUint16(2),
    timestamp: view.getUint32(4),
    ssrc: view.getUint32(8),
    csrcs,
    extension,
    padding,
    payload: buf.subarray(off, len - padding),
  };
}

/** Bytes {@link encodeRtp} writes for this header and a payload of `payloadLength` bytes. */
export function rtpPacketSize(header: RtpHeader, payloadLength: number): number {
  return (
    RTP_FIXED_HEADER_SIZE +
    4 * header.csrcs.length +
    (header.extension === undefined ? 0 : 4 + header.extension.data.length) +
    payloadLength +
    header.padding
  );
}

function checkHeader(h: RtpHeader): void {
  if (h.csrcs.length > 15) throw new RtpBadArgumentError(`${h.csrcs.length} CSRCs, at most 15`);
  if (!Number.isInteger(h.payloadType) || h.payloadType < 0 || h.payloadType > 127)
    throw new RtpBadArgumentError(`payload type ${h.payloadType} out of 0..127`);
  if (!Number.isInteger(h.padding) || h.padding < 0 || h.padding > 255)
    throw new RtpBadArgumentError(`padding ${h.padding} out of 0..255`);
  if (h.extension !== undefined) {
    const n = h.extension.data.length;
    if (n % 4 !== 0 || n / 4 > 0xffff)
      throw new RtpBadArgumentError(`extension of ${n} bytes is not a 16-bit count of 32-bit words`);
  }
}

/**
 * Encodes header and payload into `out` at `offset` (RFC 3550 §5.1) and returns the bytes written.
 * Sequence number, timestamp, SSRC and CSRCs are taken modulo their field widths.
 *
 * @example
 * const out = new Uint8Array(1500);
 * const n = encodeRtp({ marker: true, payloadType: 96, sequenceNumber: 1, timestamp: 90000,
 *   ssrc: 0x1234, csrcs: [], padding: 0 }, payload, out, 0);
 */
export function encodeRtp(header: RtpHeader, payload: Uint8Array, out: Uint8Array, offset = 0): number {
  checkHeader(header);
  const size = rtpPacketSize(header, payload.length);
  if (offset < 0 || out.length - offset < size) throw new RtpOutputTooSmallError(size, out.length - offset);
  const view = new DataView(out.buffer, out.byteOffset + offset, size);
  const ext = header.extension;
  const cc = header.csrcs.length;
  view.setUint8(0, 0x80 | (header.padding > 0 ? 0x20 : 0) | (ext !== undefined ? 0x10 : 0) | cc);
  view.setUint8(1, (header.marker ? 0x80 : 0) | header.payloadType);
  view.setUint16(2, header.sequenceNumber & 0xffff);
  view.setUint32(4, header.timestamp >>> 0);
  view.setUint32(8, header.ssrc >>> 0);
  let off = RTP_FIXED_HEADER_SIZE;
  for (let i = 0; i < cc; i++, off += 4) view.setUint32(off, (header.csrcs[i] as number) >>> 0);
  if (ext !== undefined) {
    view.setUint16(off, ext.profile & 0xffff);
    view.setUint16(off + 2, ext.data.length / 4);
    out.set(ext.data, offset + off + 4);
    off += 4 + ext.data.length;
  }
  out.set(payload, offset + off);
  off += payload.length;
  if (header.padding > 0) {
    out.fill(0, offset + off, offset + size - 1);
    view.setUint8(size - 1, header.padding);
  }
  return size;
}
