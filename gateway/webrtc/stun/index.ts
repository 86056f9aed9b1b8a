/**
 * STUN (RFC 8489) message codec, sans-IO, with the ICE attributes of RFC 8445 §16.1.
 *
 * @example
 * import { decodeStun, encodeStun, isStun, newTransactionId, shortTermKey, StunMethod } from '../stun/index.ts';
 * const bytes = encodeStun(
 *   { cls: 'request', method: StunMethod.Binding, transactionId: newTransactionId(), attrs: { username: 'a:b' } },
 *   { integrityKey: shortTermKey('pwd'), fingerprint: true },
 * );
 * const msg = decodeStun(bytes, { integrityKey: shortTermKey('pwd') });
 */
export { StunError, type StunErrorCode } from './errors.ts';
export { AttrType, StunMethod, MAGIC_COOKIE, HEADER_LENGTH, isComprehensionRequired } from './constants.ts';
export { type StunClass, encodeMessageType, decodeMessageType, isStun } from './header.ts';
export { newTransactionId, transactionKey, TRANSACTION_ID_LENGTH } from './transaction-id.ts';
export type { RawAttribute, AttributeCodec } from './attribute.ts';
export { StunErrorCodes, type StunErrorCodeValue } from './error-code.ts';
export { shortTermKey, longTermKey } from './message-integrity.ts';
export {
  encodeStun,
  decodeStun,
  verifyIntegrity,
  type StunMessage,
  type StunAttributes,
  type DecodedStun,
  type EncodeOptions,
  type DecodeOptions,
} from './message.ts';
