import { badAttribute, view, type AttributeCodec } from './attribute.ts';
import { AttrType } from './constants.ts';
import { StunError } from './errors.ts';

/**
 * UNKNOWN-ATTRIBUTES (RFC 8489 §14.13): in a 420 error response, the comprehension-required
 * attribute types the server did not understand; a list of 16-bit types.
 *
 *    0                   1                   2                   3
 *    0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1
 *   +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 *   |      Attribute 1 Type         |       Attribute 2 Type        |
 *   +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 *   |      Attribute 3 Type         |       Attribute 4 Type    ...
 *   +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 */
export const unknownAttributes: AttributeCodec<number[]> = {
  type: AttrType.UnknownAttributes,
  name: 'UNKNOWN-ATTRIBUTES',
  decode(v, ctx) {
    if (v.length % 2 !== 0) throw badAttribute('UNKNOWN-ATTRIBUTES', `odd length ${v.length}`, ctx);
    const dv = view(v);
    const out: number[] = [];
    for (let i = 0; i < v.length; i += 2) out.push(dv.getUint16(i));
    return out;
  },
  encode(types) {
    const out = new Uint8Array(types.length * 2);
    const dv = view(out);
    types.forEach((t, i) => {
      if (!Number.isInteger(t) || t < 0 || t > 0xffff) throw new StunError('STUN_ENCODE', `bad type ${t}`);
      dv.setUint16(i * 2, t);
    });
    return out;
  },
};
