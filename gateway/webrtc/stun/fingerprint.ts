import { crc32 } from 'node:zlib';
import { AttrType, HEADER_LENGTH } from './constants.ts';

/**
 * FINGERPRINT (RFC 8489 §14.7): CRC-32 (ISO 3309, as in zlib) of the message up to this attribute,
 * header length patched to include it, XOR 0x5354554e ("STUN"). Always the last attribute. It lets a
 * demultiplexer tell STUN from other protocols on the same port.
 *
 *    0                   1                   2                   3
 *   +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 *   |                      CRC-32 XOR 0x5354554e                    |
 *   +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 */
export const FINGERPRINT_TYPE = AttrType.Fingerprint;
export const FINGERPRINT_XOR = 0x5354554e;

/** The FINGERPRINT value for a message whose FINGERPRINT attribute header starts at `attrStart`. */
export function computeFingerprint(msg: Uint8Array, attrStart: number): number {
  // A copy on purpose: never patch the caller's buffer (a Buffer's slice() would be a view).
  const header = new Uint8Array(msg.subarray(0, HEADER_LENGTH));
  const len = attrStart + 8 - HEADER_LENGTH;
  header[2] = len >> 8;
  header[3] = len & 0xff;
  // node:zlib crc32 (Node >= 20.15) continues a running CRC with its second argument.
  return (crc32(msg.subarray(HEADER_LENGTH, attrStart), crc32(header)) ^ FINGERPRINT_XOR) >>> 0;
}
