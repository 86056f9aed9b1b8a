import { RtcpBadPacketError } from './errors.ts';

/**
 * One packet's body as decoders see it: the datagram, a DataView over all of it, and the body's
 * bounds (after the 4-byte common header, before any padding). Offsets are absolute, so errors
 * name the datagram offset.
 */
export interface RtcpBody {
  buf: Uint8Array;
  view: DataView;
  /** First byte after the common header. */
  start: number;
  /** End of the body (exclusive), padding removed. */
  end: number;
  /** RC / SC / FMT of the header. */
  count: number;
}

/** Throws RTCP_BAD_PACKET unless the body has `n` bytes from `at`. */
export function need(b: RtcpBody, at: number, n: number, what: string): void {
  if (at + n > b.end) throw new RtcpBadPacketError(`${what} overruns the packet`, at);
}

/** Where an encoder writes a body. */
export interface RtcpOut {
  out: Uint8Array;
  view: DataView;
}
