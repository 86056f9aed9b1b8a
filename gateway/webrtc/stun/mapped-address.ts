import type { Addr } from '../transport/index.ts';
import { badAttribute, view, type AttributeCodec } from './attribute.ts';
import { AttrType } from './constants.ts';
import { formatIpv4, formatIpv6, ipBytes } from './ip.ts';

/**
 * MAPPED-ADDRESS (RFC 8489 §14.1): the reflexive transport address, in the clear. Kept for RFC 3489
 * servers; modern agents use XOR-MAPPED-ADDRESS.
 *
 *    0                   1                   2                   3
 *    0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1
 *   +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 *   |0 0 0 0 0 0 0 0|    Family     |           Port                |
 *   +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 *   |                                                               |
 *   |                 Address (32 bits or 128 bits)                 |
 *   |                                                               |
 *   +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 *
 * Family 0x01 is IPv4, 0x02 IPv6.
 */
export const mappedAddress: AttributeCodec<Addr> = {
  type: AttrType.MappedAddress,
  name: 'MAPPED-ADDRESS',
  decode: (v, ctx) => decodeAddress('MAPPED-ADDRESS', v, ctx, undefined),
  encode: (a) => encodeAddress(a, undefined),
};

/**
 * Shared by MAPPED-ADDRESS and XOR-MAPPED-ADDRESS: the same layout, the latter XORs port and address
 * with `mask` (magic cookie, then transaction ID) before they are read.
 */
export function decodeAddress(
  name: string,
  v: Uint8Array,
  ctx: { offset: number; transactionId: Uint8Array },
  mask: Uint8Array | undefined,
): Addr {
  if (v.length < 4) throw badAttribute(name, `length ${v.length} too short`, ctx);
  const family = v[1];
  const len = family === 0x01 ? 4 : family === 0x02 ? 16 : -1;
  if (len < 0) throw badAttribute(name, `unknown address family ${family}`, ctx);
  if (v.length !== 4 + len) throw badAttribute(name, `length ${v.length} for family ${family}`, ctx);
  let port = view(v).getUint16(2);
  const ip = new Uint8Array(v.subarray(4, 4 + len)); // a copy: XOR below must not touch the message
  if (mask) {
    port ^= ((mask[0] as number) << 8) | (mask[1] as number);
    for (let i = 0; i < len; i++) ip[i] = (ip[i] as number) ^ (mask[i] as number);
  }
  return len === 4
    ? { address: formatIpv4(ip), port, family: 'IPv4' }
    : { address: formatIpv6(ip), port, family: 'IPv6' };
}

export function encodeAddress(a: Addr, mask: Uint8Array | undefined): Uint8Array {
  const ip = ipBytes(a.address, a.family);
  const out = new Uint8Array(4 + ip.length);
  out[1] = ip.length === 4 ? 0x01 : 0x02;
  let port = a.port & 0xffff;
  if (mask) {
    port ^= ((mask[0] as number) << 8) | (mask[1] as number);
    for (let i = 0; i < ip.length; i++) ip[i] = (ip[i] as number) ^ (mask[i] as number);
  }
  view(out).setUint16(2, port);
  out.set(ip, 4);
  return out;
}
