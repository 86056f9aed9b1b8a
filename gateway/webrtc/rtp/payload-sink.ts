import { RtpBadArgumentError } from './errors.ts';
import { RTP_FIXED_HEADER_SIZE } from './rtp-packet.ts';

/**
 * Where packetizers put their output: one call per RTP packet. `packet` is a fresh buffer owned by
 * the receiver; its first `headroom` bytes are reserved for the RTP header and the payload follows.
 * With the default headroom of 12 the packetizer has already written a header template there
 * (V=2, no P/X/CC, the marker bit; PT, sequence number, timestamp and SSRC zero) so that
 * `rewriteRtpHeader` per viewer turns it into a complete packet in place, and SRTP protects it
 * without another copy. With headroom 0 the packet is the bare payload.
 */
export type RtpPayloadSink = (packet: Uint8Array, marker: boolean) => void;

/** Options common to every packetizer. */
export interface PacketizerOptions {
  /**
   * Largest RTP payload in bytes (headers excluded): default 1200, which leaves room for the RTP
   * header, extensions, SRTP tag and IPv6/UDP headers under a 1280-byte path MTU.
   */
  mtu?: number;
  /** Bytes reserved in front of every payload (default 12, the RTP fixed header; 0 for bare payloads). */
  headroom?: number;
}

/** Default payload MTU of every packetizer. */
export const DEFAULT_PAYLOAD_MTU = 1200;

/** Validates options: MTU in 16..65535 (a STAP/AP size field is 16 bits), headroom 0..1024. */
export function resolvePacketizerOptions(o: PacketizerOptions | undefined): {
  mtu: number;
  headroom: number;
} {
  const mtu = o?.mtu ?? DEFAULT_PAYLOAD_MTU;
  const headroom = o?.headroom ?? RTP_FIXED_HEADER_SIZE;
  if (!Number.isInteger(mtu) || mtu < 16 || mtu > 0xffff)
    throw new RtpBadArgumentError(`mtu ${mtu} out of 16..65535`);
  if (!Number.isInteger(headroom) || headroom < 0 || headroom > 1024)
    throw new RtpBadArgumentError(`headroom ${headroom} out of 0..1024`);
  return { mtu, headroom };
}

/**
 * Allocates one output packet of `headroom + payloadLength` bytes and, when the headroom holds an
 * RTP fixed header, writes the template: V=2 and the marker bit (RFC 3550 §5.1).
 */
export function allocPacket(headroom: number, payloadLength: number, marker: boolean): Uint8Array {
  const pkt = new Uint8Array(headroom + payloadLength);
  if (headroom >= RTP_FIXED_HEADER_SIZE) {
    pkt[headroom - RTP_FIXED_HEADER_SIZE] = 0x80;
    pkt[headroom - RTP_FIXED_HEADER_SIZE + 1] = marker ? 0x80 : 0;
  }
  return pkt;
}
