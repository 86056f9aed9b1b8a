import { StunError } from './errors.ts';

/*
 * Every attribute is a TLV (RFC 8489 §14, Figure 4), padded to a 4-byte boundary:
 *
 *    0                   1                   2                   3
 *    0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1
 *   +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 *   |         Type                  |            Length             |
 *   +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 *   |                         Value (variable)                ....
 *   +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 */

/** What an attribute codec may need besides its value: the transaction ID (XOR) and where it sits. */
export interface AttributeContext {
  readonly transactionId: Uint8Array;
  /** Offset of the attribute's value in the message, for error reports. */
  readonly offset: number;
}

/**
 * The codec of one attribute type: decode a value (a view into the message) or encode one.
 * Codecs throw {@link StunError} `STUN_BAD_ATTRIBUTE` (decode) or `STUN_ENCODE` (encode).
 */
export interface AttributeCodec<T> {
  readonly type: number;
  readonly name: string;
  decode(value: Uint8Array, ctx: AttributeContext): T;
  encode(v: T, ctx: AttributeContext): Uint8Array;
}

/** An attribute this codec does not know, kept as raw bytes so a message re-encodes unchanged. */
export interface RawAttribute {
  readonly type: number;
  readonly value: Uint8Array;
}

export function badAttribute(name: string, why: string, ctx: AttributeContext): StunError {
  return new StunError('STUN_BAD_ATTRIBUTE', `${name}: ${why}`, { offset: ctx.offset });
}

export function view(b: Uint8Array): DataView {
  return new DataView(b.buffer, b.byteOffset, b.byteLength);
}

/** A codec for an attribute that holds one big-endian unsigned 32-bit integer (PRIORITY). */
export function uint32Codec(type: number, name: string): AttributeCodec<number> {
  return {
    type,
    name,
    decode(v, ctx) {
      if (v.length !== 4) throw badAttribute(name, `length ${v.length}, want 4`, ctx);
      return view(v).getUint32(0);
    },
    encode(n) {
      if (!Number.isInteger(n) || n < 0 || n > 0xffffffff) {
        throw new StunError('STUN_ENCODE', `${name} out of range: ${n}`);
      }
      const out = new Uint8Array(4);
      view(out).setUint32(0, n);
      return out;
    },
  };
}

/** A codec for an attribute that holds one big-endian unsigned 64-bit integer (the ICE tie-breakers). */
export function uint64Codec(type: number, name: string): AttributeCodec<bigint> {
  return {
    type,
    name,
    decode(v, ctx) {
      if (v.length !== 8) throw badAttribute(name, `length ${v.length}, want 8`, ctx);
      return view(v).getBigUint64(0);
    },
    encode(n) {
      if (n < 0n || n > 0xffffffffffffffffn) throw new StunError('STUN_ENCODE', `${name} out of range`);
      const out = new Uint8Array(8);
      view(out).setBigUint64(0, n);
      return out;
    },
  };
}

const utf8 = new TextDecoder('utf-8', { fatal: true });
const utf8enc = new TextEncoder();

/**
 * A codec for a UTF-8 text attribute with a maximum length in bytes (USERNAME, REALM, NONCE, SOFTWARE,
 * RFC 8489 §14.3, §14.9, §14.10, §14.14). Invalid UTF-8 is a bad attribute, not a replacement char.
 */
export function textCodec(type: number, name: string, maxBytes: number): AttributeCodec<string> {
  return {
    type,
    name,
    decode(v, ctx) {
      if (v.length > maxBytes) throw badAttribute(name, `${v.length} bytes, at most ${maxBytes}`, ctx);
      try {
        return utf8.decode(v);
      } catch (cause) {
        throw new StunError('STUN_BAD_ATTRIBUTE', `${name}: invalid UTF-8`, { offset: ctx.offset, cause });
      }
    },
    encode(s) {
      const b = utf8enc.encode(s);
      if (b.length > maxBytes)
        throw new StunError('STUN_ENCODE', `${name}: ${b.length} bytes, at most ${maxBytes}`);
      return b;
    },
  };
}
