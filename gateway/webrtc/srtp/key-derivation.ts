import { createCipheriv } from 'node:crypto';
import { SrtpBadKeyError } from './errors.ts';
import type { SrtpProfile } from './profiles.ts';

/** RFC 3711 §4.3.1 / §4.3.2 key derivation labels (kdr = 0, so index DIV kdr = 0). */
export const SrtpLabel = {
  rtpEncryption: 0x00,
  rtpAuthentication: 0x01,
  rtpSalt: 0x02,
  rtcpEncryption: 0x03,
  rtcpAuthentication: 0x04,
  rtcpSalt: 0x05,
} as const;

/** The session keys of one crypto context, derived once (kdr 0: no re-derivation during the session). */
export interface SrtpSessionKeys {
  readonly rtpKey: Uint8Array;
  readonly rtpSalt: Uint8Array;
  readonly rtpAuthKey: Uint8Array;
  readonly rtcpKey: Uint8Array;
  readonly rtcpSalt: Uint8Array;
  readonly rtcpAuthKey: Uint8Array;
}

/**
 * The AES-CM PRF of RFC 3711 §4.3.3 with key_derivation_rate 0.
 *
 * key_id = label || (index DIV kdr) is 7 bytes (the 48-bit index part is zero here); x = key_id XOR
 * master_salt, right-aligned in the 112-bit salt field; the PRF output is the AES-CM keystream
 * with IV = x * 2^16, truncated to `length` bytes. A 96-bit GCM master salt (RFC 7714 §11) is
 * left-aligned in that field and padded with two zero bytes on the right, as libsrtp does.
 * AES-256 master keys use AES-256-CM (RFC 6188 §7).
 *
 * @example
 * const cipherKey = srtpKdf(masterKey, masterSalt, SrtpLabel.rtpEncryption, 16);
 */
export function srtpKdf(
  masterKey: Uint8Array,
  masterSalt: Uint8Array,
  label: number,
  length: number,
): Uint8Array {
  if (masterKey.length !== 16 && masterKey.length !== 32) {
    throw new SrtpBadKeyError(`master key must be 16 or 32 bytes, got ${masterKey.length}`);
  }
  if (masterSalt.length > 14)
    throw new SrtpBadKeyError(`master salt longer than 112 bits (${masterSalt.length})`);
  const iv = new Uint8Array(16);
  iv.set(masterSalt, 0);
  // key_id = label (1 byte) || 48 zero bits, aligned to the low end of the 112-bit field (bytes 7..13).
  iv[7] = (iv[7] ?? 0) ^ label;
  const cipher = createCipheriv(masterKey.length === 16 ? 'aes-128-ctr' : 'aes-256-ctr', masterKey, iv);
  const out = cipher.update(new Uint8Array(length));
  return new Uint8Array(out.buffer, out.byteOffset, length);
}

/**
 * Derive every session key of a profile from the master key and salt (RFC 3711 §4.3, RFC 7714 §11).
 *
 * @example
 * const keys = deriveSessionKeys(srtpProfile(SRTP_AES128_CM_HMAC_SHA1_80), masterKey, masterSalt);
 */
export function deriveSessionKeys(
  profile: SrtpProfile,
  masterKey: Uint8Array,
  masterSalt: Uint8Array,
): SrtpSessionKeys {
  if (masterKey.length !== profile.keyLength) {
    throw new SrtpBadKeyError(
      `${profile.name} needs a ${profile.keyLength}-byte master key, got ${masterKey.length}`,
    );
  }
  if (masterSalt.length !== profile.saltLength) {
    throw new SrtpBadKeyError(
      `${profile.name} needs a ${profile.saltLength}-byte master salt, got ${masterSalt.length}`,
    );
  }
  const k = profile.keyLength;
  const s = profile.saltLength;
  const a = profile.authKeyLength;
  const empty = new Uint8Array(0);
  return {
    rtpKey: srtpKdf(masterKey, masterSalt, SrtpLabel.rtpEncryption, k),
    rtpSalt: srtpKdf(masterKey, masterSalt, SrtpLabel.rtpSalt, s),
    rtpAuthKey: a === 0 ? empty : srtpKdf(masterKey, masterSalt, SrtpLabel.rtpAuthentication, a),
    rtcpKey: srtpKdf(masterKey, masterSalt, SrtpLabel.rtcpEncryption, k),
    rtcpSalt: srtpKdf(masterKey, masterSalt, SrtpLabel.rtcpSalt, s),
    rtcpAuthKey: a === 0 ? empty : srtpKdf(masterKey, masterSalt, SrtpLabel.rtcpAuthentication, a),
  };
}
