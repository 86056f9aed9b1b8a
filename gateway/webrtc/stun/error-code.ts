import { badAttribute, type AttributeCodec } from './attribute.ts';
import { AttrType } from './constants.ts';
import { StunError } from './errors.ts';

/** An error response's code (300-699) and reason phrase. */
export interface StunErrorCodeValue {
  readonly code: number;
  readonly reason: string;
}

const dec = new TextDecoder('utf-8', { fatal: true });
const enc = new TextEncoder();

/**
 * ERROR-CODE (RFC 8489 §14.8): the code is Class*100 + Number, Class 3-6, Number 0-99; the reason is
 * UTF-8, at most 763 bytes.
 *
 *    0                   1                   2                   3
 *    0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1
 *   +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 *   |           Reserved, should be 0         |Class|     Number    |
 *   +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 *   |      Reason Phrase (variable)                                ..
 *   +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 */
export const errorCode: AttributeCodec<StunErrorCodeValue> = {
  type: AttrType.ErrorCode,
  name: 'ERROR-CODE',
  decode(v, ctx) {
    if (v.length < 4) throw badAttribute('ERROR-CODE', `length ${v.length} too short`, ctx);
    if (v.length > 4 + 763) throw badAttribute('ERROR-CODE', 'reason longer than 763 bytes', ctx);
    const cls = (v[2] as number) & 0x07;
    const num = v[3] as number;
    if (cls < 3 || cls > 6 || num > 99) throw badAttribute('ERROR-CODE', `bad code ${cls}${num}`, ctx);
    let reason: string;
    try {
      reason = dec.decode(v.subarray(4));
    } catch (cause) {
      throw new StunError('STUN_BAD_ATTRIBUTE', 'ERROR-CODE: invalid UTF-8', { offset: ctx.offset, cause });
    }
    return { code: cls * 100 + num, reason };
  },
  encode({ code, reason }) {
    if (!Number.isInteger(code) || code < 300 || code > 699) {
      throw new StunError('STUN_ENCODE', `ERROR-CODE out of range: ${code}`);
    }
    const r = enc.encode(reason);
    if (r.length > 763) throw new StunError('STUN_ENCODE', 'ERROR-CODE reason longer than 763 bytes');
    const out = new Uint8Array(4 + r.length);
    out[2] = Math.floor(code / 100);
    out[3] = code % 100;
    out.set(r, 4);
    return out;
  },
};

/** Error codes that ICE and plain STUN use (RFC 8489 §14.8, RFC 8445 §16.1). */
export const StunErrorCodes = {
  TryAlternate: 300,
  BadRequest: 400,
  Unauthorized: 401,
  UnknownAttribute: 420,
  StaleNonce: 438,
  RoleConflict: 487,
  ServerError: 500,
} as const;
