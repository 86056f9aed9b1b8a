import type { Addr } from '../transport/index.ts';
import { view, type AttributeCodec, type AttributeContext, type RawAttribute } from './attribute.ts';
import { HEADER_LENGTH, MAGIC_COOKIE, isComprehensionRequired } from './constants.ts';
import { errorCode, type StunErrorCodeValue } from './error-code.ts';
import { StunError } from './errors.ts';
import { FINGERPRINT_TYPE, computeFingerprint } from './fingerprint.ts';
import { encodeMessageType, readHeader, type StunClass } from './header.ts';
import { iceControlled } from './ice-controlled.ts';
import { iceControlling } from './ice-controlling.ts';
import { mappedAddress } from './mapped-address.ts';
import {
  MESSAGE_INTEGRITY_SHA256_LENGTH,
  MESSAGE_INTEGRITY_SHA256_TYPE,
  validSha256Length,
} from './message-integrity-sha256.ts';
import {
  MESSAGE_INTEGRITY_LENGTH,
  MESSAGE_INTEGRITY_TYPE,
  integrityHmac,
  macEquals,
} from './message-integrity.ts';
import { nonce } from './nonce.ts';
import { priority } from './priority.ts';
import { realm } from './realm.ts';
import { software } from './software.ts';
import { TRANSACTION_ID_LENGTH } from './transaction-id.ts';
import { unknownAttributes } from './unknown-attributes.ts';
import { useCandidate } from './use-candidate.ts';
import { username } from './username.ts';
import { xorMappedAddress } from './xor-mapped-address.ts';

/** The attributes this codec understands, decoded. The integrity and fingerprint attributes are not here: they are computed on encode and checked on decode. */
export interface StunAttributes {
  software?: string;
  mappedAddress?: Addr;
  xorMappedAddress?: Addr;
  errorCode?: StunErrorCodeValue;
  unknownAttributes?: number[];
  priority?: number;
  useCandidate?: boolean;
  iceControlled?: bigint;
  iceControlling?: bigint;
  username?: string;
  nonce?: string;
  realm?: string;
}

/**
 * One STUN message (RFC 8489 §5-6), as plain data.
 *
 * @example
 * const req: StunMessage = { cls: 'request', method: StunMethod.Binding, transactionId: newTransactionId(),
 *   attrs: { username: 'abcd:efgh', priority: 1853824767, iceControlling: 1n } };
 */
export interface StunMessage {
  cls: StunClass;
  method: number;
  /** 12 bytes. */
  transactionId: Uint8Array;
  attrs: StunAttributes;
  /** Attributes this codec does not know, in wire order; they re-encode after the known ones. */
  unknown?: RawAttribute[];
}

/** A decoded message plus what the decoder saw of its integrity and fingerprint attributes. */
export interface DecodedStun extends StunMessage {
  /** The datagram it was decoded from (a view, not a copy). */
  readonly raw: Uint8Array;
  /** Types of unknown comprehension-required attributes: a request with any deserves a 420 (§6.3.1.1). */
  readonly unknownRequired: number[];
  /** Offset of the MESSAGE-INTEGRITY attribute header, when present. */
  readonly integrityOffset: number | undefined;
  /** Offset and value length of MESSAGE-INTEGRITY-SHA256, when present. */
  readonly integritySha256: { offset: number; length: number } | undefined;
  /** True when FINGERPRINT was present (and, since decode succeeded, correct). */
  readonly fingerprint: boolean;
}

export interface EncodeOptions {
  /** Adds MESSAGE-INTEGRITY (HMAC-SHA1) under this key ({@link shortTermKey} / {@link longTermKey}). */
  integrityKey?: Uint8Array;
  /** Adds MESSAGE-INTEGRITY-SHA256 (full 32 bytes) under this key, after MESSAGE-INTEGRITY if both. */
  integritySha256Key?: Uint8Array;
  /** Adds FINGERPRINT (ICE requires it on every check, RFC 8445 §7.2.2). */
  fingerprint?: boolean;
  /** Byte used for attribute padding (default 0). RFC 5769's vectors pad with 0x20. */
  padByte?: number;
}

export interface DecodeOptions {
  /** When set, decode also requires a valid MESSAGE-INTEGRITY(-SHA256) under this key. */
  integrityKey?: Uint8Array;
}

type Codecs = { [K in keyof StunAttributes]-?: AttributeCodec<NonNullable<StunAttributes[K]>> };

/*
 * Known attributes, in the order encodeStun writes them. Any order is legal before MESSAGE-INTEGRITY;
 * this one reproduces the RFC 5769 vectors byte for byte.
 */
const CODECS: Codecs = {
  software,
  mappedAddress,
  xorMappedAddress,
  errorCode,
  unknownAttributes,
  priority,
  useCandidate,
  iceControlled,
  iceControlling,
  username,
  nonce,
  realm,
};
const KEYS = Object.keys(CODECS) as (keyof StunAttributes)[];
const BY_TYPE = new Map<number, keyof StunAttributes>(KEYS.map((k) => [CODECS[k].type, k]));

const pad4 = (n: number) => (n + 3) & ~3;

/**
 * Encodes a message into a new buffer, appending MESSAGE-INTEGRITY, MESSAGE-INTEGRITY-SHA256 and
 * FINGERPRINT as the options ask (in that order, RFC 8489 §14.5-14.7). Throws {@link StunError}
 * `STUN_ENCODE` for values out of range.
 *
 * @example
 * const bytes = encodeStun(req, { integrityKey: shortTermKey(pwd), fingerprint: true });
 */
export function encodeStun(msg: StunMessage, opts: EncodeOptions = {}): Uint8Array {
  if (msg.transactionId.length !== TRANSACTION_ID_LENGTH) {
    throw new StunError('STUN_ENCODE', `transaction ID is ${msg.transactionId.length} bytes, want 12`);
  }
  const ctx: AttributeContext = { transactionId: msg.transactionId, offset: 0 };
  const parts: RawAttribute[] = [];
  for (const k of KEYS) {
    const v = msg.attrs[k];
    if (v === undefined || v === false) continue;
    const codec = CODECS[k] as AttributeCodec<typeof v>;
    parts.push({ type: codec.type, value: codec.encode(v, ctx) });
  }
  for (const u of msg.unknown ?? []) parts.push(u);
  let size = HEADER_LENGTH;
  for (const p of parts) {
    if (p.value.length > 0xffff)
      throw new StunError('STUN_ENCODE', `attribute 0x${p.type.toString(16)} too long`);
    size += 4 + pad4(p.value.length);
  }
  if (opts.integrityKey) size += 4 + MESSAGE_INTEGRITY_LENGTH;
  if (opts.integritySha256Key) size += 4 + MESSAGE_INTEGRITY_SHA256_LENGTH;
  if (opts.fingerprint) size += 8;
  if (size - HEADER_LENGTH > 0xffff) throw new StunError('STUN_ENCODE', `message too long: ${size} bytes`);

  const out = new Uint8Array(size);
  const dv = view(out);
  dv.setUint16(0, encodeMessageType(msg.method, msg.cls));
  dv.setUint32(4, MAGIC_COOKIE);
  out.set(msg.transactionId, 8);
  let pos = HEADER_LENGTH;
  for (const p of parts) {
    dv.setUint16(pos, p.type);
    dv.setUint16(pos + 2, p.value.length);
    out.set(p.value, pos + 4);
    const end = pos + 4 + pad4(p.value.length);
    if (opts.padByte) out.fill(opts.padByte, pos + 4 + p.value.length, end);
    pos = end;
  }
  const mac = (alg: 'sha1' | 'sha256', type: number, key: Uint8Array, len: number) => {
    dv.setUint16(pos, type);
    dv.setUint16(pos + 2, len);
    out.set(integrityHmac(alg, key, out, pos, len).subarray(0, len), pos + 4);
    pos += 4 + len;
  };
  if (opts.integrityKey) mac('sha1', MESSAGE_INTEGRITY_TYPE, opts.integrityKey, MESSAGE_INTEGRITY_LENGTH);
  if (opts.integritySha256Key) {
    mac('sha256', MESSAGE_INTEGRITY_SHA256_TYPE, opts.integritySha256Key, MESSAGE_INTEGRITY_SHA256_LENGTH);
  }
  if (opts.fingerprint) {
    dv.setUint16(pos, FINGERPRINT_TYPE);
    dv.setUint16(pos + 2, 4);
    dv.setUint32(pos + 4, computeFingerprint(out, pos));
    pos += 8;
  }
  dv.setUint16(2, size - HEADER_LENGTH);
  return out;
}

/**
 * Decodes one datagram holding exactly one STUN message. Checks FINGERPRINT when present (and, with
 * `opts.integrityKey`, MESSAGE-INTEGRITY). Unknown comprehension-optional attributes are kept in
 * `unknown`; unknown comprehension-required ones are kept too and listed in `unknownRequired` so the
 * caller can answer 420 (RFC 8489 §6.3.1.1). Hostile input throws only {@link StunError}, with an offset.
 *
 * @example
 * if (isStun(d)) { try { const m = decodeStun(d); ... } catch (e) { if (e instanceof StunError) dropped++; } }
 */
export function decodeStun(buf: Uint8Array, opts: DecodeOptions = {}): DecodedStun {
  const h = readHeader(buf);
  const transactionId = h.transactionId;
  const dv = view(buf);
  const attrs: StunAttributes = {};
  const unknown: RawAttribute[] = [];
  const unknownRequired: number[] = [];
  let integrityOffset: number | undefined;
  let integritySha256: { offset: number; length: number } | undefined;
  let fingerprint = false;
  const end = HEADER_LENGTH + h.length;
  let pos = HEADER_LENGTH;
  while (pos < end) {
    if (fingerprint) {
      throw new StunError('STUN_BAD_ATTRIBUTE', 'attribute after FINGERPRINT', { offset: pos });
    }
    if (pos + 4 > end) throw new StunError('STUN_TRUNCATED', 'attribute header cut off', { offset: pos });
    const type = dv.getUint16(pos);
    const len = dv.getUint16(pos + 2);
    const vstart = pos + 4;
    if (vstart + pad4(len) > end) {
      throw new StunError('STUN_TRUNCATED', `attribute 0x${type.toString(16)} value cut off`, {
        offset: pos,
      });
    }
    const value = buf.subarray(vstart, vstart + len);
    const ctx: AttributeContext = { transactionId, offset: vstart };
    if (type === FINGERPRINT_TYPE) {
      if (len !== 4)
        throw new StunError('STUN_BAD_ATTRIBUTE', `FINGERPRINT length ${len}`, { offset: vstart });
      if (dv.getUint32(vstart) !== computeFingerprint(buf, pos)) {
        throw new StunError('STUN_BAD_FINGERPRINT', 'FINGERPRINT does not match', { offset: vstart });
      }
      fingerprint = true;
    } else if (integritySha256 !== undefined) {
      // RFC 8489 §14.6: only FINGERPRINT may follow MESSAGE-INTEGRITY-SHA256; others are ignored.
    } else if (type === MESSAGE_INTEGRITY_SHA256_TYPE) {
      if (!validSha256Length(len)) {
        throw new StunError('STUN_BAD_ATTRIBUTE', `MESSAGE-INTEGRITY-SHA256 length ${len}`, {
          offset: vstart,
        });
      }
      integritySha256 = { offset: pos, length: len };
    } else if (integrityOffset !== undefined) {
      // RFC 8489 §14.5: attributes after MESSAGE-INTEGRITY other than the two above are ignored.
    } else if (type === MESSAGE_INTEGRITY_TYPE) {
      if (len !== MESSAGE_INTEGRITY_LENGTH) {
        throw new StunError('STUN_BAD_ATTRIBUTE', `MESSAGE-INTEGRITY length ${len}`, { offset: vstart });
      }
      integrityOffset = pos;
    } else {
      const key = BY_TYPE.get(type);
      if (key === undefined) {
        unknown.push({ type, value });
        if (isComprehensionRequired(type)) unknownRequired.push(type);
      } else if (attrs[key] === undefined) {
        // RFC 8489 §14: when an attribute repeats, only the first occurrence is processed.
        (attrs as Record<string, unknown>)[key] = CODECS[key].decode(value, ctx);
      }
    }
    pos = vstart + pad4(len);
  }
  const msg: DecodedStun = {
    cls: h.cls,
    method: h.method,
    transactionId,
    attrs,
    ...(unknown.length > 0 ? { unknown } : {}),
    raw: buf,
    unknownRequired,
    integrityOffset,
    integritySha256,
    fingerprint,
  };
  if (opts.integrityKey && !verifyIntegrity(msg, opts.integrityKey)) {
    throw new StunError('STUN_BAD_INTEGRITY', 'MESSAGE-INTEGRITY missing or wrong', {
      offset: msg.integritySha256?.offset ?? msg.integrityOffset ?? buf.length,
    });
  }
  return msg;
}

/**
 * Verifies a decoded message's integrity under `key`: MESSAGE-INTEGRITY-SHA256 when present (RFC 8489
 * §9.1.3 prefers it), else MESSAGE-INTEGRITY. False when neither is present.
 */
export function verifyIntegrity(msg: DecodedStun, key: Uint8Array): boolean {
  const raw = msg.raw;
  if (msg.integritySha256) {
    const { offset, length } = msg.integritySha256;
    const mac = integrityHmac('sha256', key, raw, offset, length);
    return macEquals(mac, raw.subarray(offset + 4, offset + 4 + length));
  }
  if (msg.integrityOffset !== undefined) {
    const o = msg.integrityOffset;
    const mac = integrityHmac('sha1', key, raw, o, MESSAGE_INTEGRITY_LENGTH);
    return macEquals(mac, raw.subarray(o + 4, o + 4 + MESSAGE_INTEGRITY_LENGTH));
  }
  return false;
}
