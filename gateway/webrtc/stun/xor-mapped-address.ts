import type { Addr } from '../transport/index.ts';
import type { AttributeCodec } from './attribute.ts';
import { AttrType } from './constants.ts';
import { decodeAddress, encodeAddress } from './mapped-address.ts';

/**
 * XOR-MAPPED-ADDRESS (RFC 8489 §14.2): the reflexive transport address, obfuscated so that NATs that
 * rewrite addresses inside payloads leave it alone.
 *
 *    0                   1                   2                   3
 *    0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1
 *   +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 *   |0 0 0 0 0 0 0 0|    Family     |         X-Port                |
 *   +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 *   |                X-Address (Variable)
 *   +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 *
 * X-Port is the port XOR the cookie's top 16 bits; an IPv4 X-Address is XOR the cookie, an IPv6 one
 * XOR the cookie followed by the 96-bit transaction ID.
 */
export const xorMappedAddress: AttributeCodec<Addr> = {
  type: AttrType.XorMappedAddress,
  name: 'XOR-MAPPED-ADDRESS',
  decode: (v, ctx) => decodeAddress('XOR-MAPPED-ADDRESS', v, ctx, xorMask(ctx.transactionId)),
  encode: (a, ctx) => encodeAddress(a, xorMask(ctx.transactionId)),
};

/** Magic cookie (big-endian) followed by the transaction ID: 16 bytes. */
function xorMask(transactionId: Uint8Array): Uint8Array {
  const m = new Uint8Array(16);
  m.set([0x21, 0x12, 0xa4, 0x42]);
  m.set(transactionId.subarray(0, 12), 4);
  return m;
}
