import { badAttribute, type AttributeCodec } from './attribute.ts';
import { AttrType } from './constants.ts';

/**
 * USE-CANDIDATE (RFC 8445 §7.1.2, §16.1): the controlling agent nominates the pair this check is
 * sent on. No value (length 0); comprehension-required. Decodes to `true`.
 */
export const useCandidate: AttributeCodec<boolean> = {
  type: AttrType.UseCandidate,
  name: 'USE-CANDIDATE',
  decode(v, ctx) {
    if (v.length !== 0) throw badAttribute('USE-CANDIDATE', `length ${v.length}, want 0`, ctx);
    return true;
  },
  encode: () => new Uint8Array(0),
};
