import { createHash, createHmac, timingSafeEqual } from 'node:crypto';
import { AttrType, HEADER_LENGTH } from './constants.ts';

/**
 * MESSAGE-INTEGRITY (RFC 8489 §14.5): HMAC-SHA1 over the message up to (not including) this
 * attribute, with the header's length field set as if the message ended right after this attribute.
 * 20 bytes; only FINGERPRINT and MESSAGE-INTEGRITY-SHA256 may follow it.
 *
 *    0                   1                   2                   3
 *   +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 *   |                    HMAC-SHA1 (160 bits)                       |
 *   |                          ...                                  |
 *   +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 */
export const MESSAGE_INTEGRITY_LENGTH = 20;
export const MESSAGE_INTEGRITY_TYPE = AttrType.MessageIntegrity;

/**
 * HMAC of `msg[0..attrStart)` with the header length patched to end at `attrStart + 4 + valueLength`.
 * Works on the received buffer without copying it (only the 20-byte header is copied).
 */
export function integrityHmac(
  algorithm: 'sha1' | 'sha256',
  key: Uint8Array,
  msg: Uint8Array,
  attrStart: number,
  valueLength: number,
): Buffer {
  // A copy on purpose: never patch the caller's buffer (a Buffer's slice() would be a view).
  const header = new Uint8Array(msg.subarray(0, HEADER_LENGTH));
  const len = attrStart + 4 + valueLength - HEADER_LENGTH;
  header[2] = len >> 8;
  header[3] = len & 0xff;
  return createHmac(algorithm, key).update(header).update(msg.subarray(HEADER_LENGTH, attrStart)).digest();
}

/** Constant-time check of a received MAC (possibly truncated, for SHA-256) against the computed one. */
export function macEquals(computed: Uint8Array, received: Uint8Array): boolean {
  if (received.length > computed.length) return false;
  return timingSafeEqual(computed.subarray(0, received.length), received);
}

const enc = new TextEncoder();

/**
 * The short-term credential key (RFC 8489 §9.1.1): the password's UTF-8 bytes. ICE uses the peer's
 * `ice-pwd` (RFC 8445 §7.2.2). The OpaqueString profile is not applied: ICE passwords are ice-chars.
 *
 * @example
 * encodeStun(msg, { integrityKey: shortTermKey(remotePwd), fingerprint: true });
 */
export function shortTermKey(password: string): Uint8Array {
  return enc.encode(password);
}

/**
 * The long-term credential key (RFC 8489 §9.2.2): MD5(username ":" realm ":" password). The caller
 * passes strings already prepared (OpaqueString/SASLprep), as RFC 5769 §2.4 shows.
 */
export function longTermKey(username: string, realm: string, password: string): Uint8Array {
  return new Uint8Array(
    createHash('md5')
      .update(enc.encode(`${username}:${realm}:${password}`))
      .digest(),
  );
}
