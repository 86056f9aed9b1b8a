import { randomBytes } from 'node:crypto';

/**
 * Hello random (RFC 5246 §7.4.1.2): 32 bytes, of which the first 4 were once gmt_unix_time. Like
 * most modern stacks we send 32 random bytes: a timestamp is a fingerprinting vector and nothing
 * checks it.
 */
export function helloRandom(): Uint8Array {
  return new Uint8Array(randomBytes(32));
}
