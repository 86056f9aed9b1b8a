import { need } from './body.ts';
import type { RtcpBody, RtcpOut } from './body.ts';
import { RtcpBadArgumentError } from './errors.ts';

/**
 * APP: application-defined (RFC 3550 §6.7), PT 204:
 * ```
 *  0                   1                   2                   3
 *  0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1
 * +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 * |V=2|P| subtype |   PT=APP=204  |             length            |
 * +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 * |                           SSRC/CSRC                           |
 * +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 * |                          name (ASCII)                         |
 * +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 * |                   application-dependent data                ...
 * +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 * ```
 * Nothing here interprets it; it is kept so a compound re-encodes as it came.
 */
export interface AppPacket {
  type: 'app';
  subtype: number;
  ssrc: number;
  /** The four name octets. */
  name: Uint8Array;
  /** A multiple of 4 bytes. */
  data: Uint8Array;
}

export function decodeApp(b: RtcpBody): AppPacket {
  need(b, b.start, 8, 'APP SSRC and name');
  return {
    type: 'app',
    subtype: b.count,
    ssrc: b.view.getUint32(b.start),
    name: b.buf.subarray(b.start + 4, b.start + 8),
    data: b.buf.subarray(b.start + 8, b.end),
  };
}

export function appBodySize(p: AppPacket): number {
  if (p.name.length !== 4) throw new RtcpBadArgumentError('APP name must be 4 octets');
  return 8 + p.data.length;
}

export function encodeAppBody(p: AppPacket, o: RtcpOut, at: number): void {
  o.view.setUint32(at, p.ssrc >>> 0);
  o.out.set(p.name, at + 4);
  o.out.set(p.data, at + 8);
}
