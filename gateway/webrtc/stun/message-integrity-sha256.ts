import { AttrType } from './constants.ts';

/**
 * MESSAGE-INTEGRITY-SHA256 (RFC 8489 §14.6): HMAC-SHA256 computed like MESSAGE-INTEGRITY (over the
 * message up to this attribute, length field patched), possibly truncated to 16-32 bytes in steps of
 * 4. This stack verifies it on receive and writes the full 32 bytes when asked to.
 *
 *    0                   1                   2                   3
 *   +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 *   |                     HMAC-SHA256 (variable, 128-256 bits)      |
 *   |                          ...                                  |
 *   +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 */
export const MESSAGE_INTEGRITY_SHA256_TYPE = AttrType.MessageIntegritySha256;
export const MESSAGE_INTEGRITY_SHA256_LENGTH = 32;

/** A received value length is valid when 16 <= n <= 32 and n is a multiple of 4 (§14.6). */
export function validSha256Length(n: number): boolean {
  return n >= 16 && n <= 32 && n % 4 === 0;
}
