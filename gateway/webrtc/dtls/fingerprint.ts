import { createHash } from 'node:crypto';

/**
 * Certificate fingerprints in the SDP form of RFC 8122 §5 (`a=fingerprint:sha-256 AB:CD:...`):
 * the hash function's name, a space, then the hash of the DER certificate as upper-case hex pairs
 * joined by colons.
 */
const HASHES: Record<string, string> = {
  'sha-1': 'sha1',
  'sha-224': 'sha224',
  'sha-256': 'sha256',
  'sha-384': 'sha384',
  'sha-512': 'sha512',
};

/** `fingerprint(der)` → `'sha-256 AB:CD:…'`. */
export function fingerprint(der: Uint8Array, algorithm = 'sha-256'): string {
  const h = HASHES[algorithm.toLowerCase()];
  if (!h) throw new RangeError(`unsupported fingerprint hash ${algorithm}`);
  const hex = createHash(h).update(der).digest('hex').toUpperCase();
  return `${algorithm.toLowerCase()} ${hex.match(/../g)?.join(':') ?? ''}`;
}

/**
 * True if `der` matches `expected` ("sha-256 AB:…", case-insensitive). Unknown hash names never
 * match (RFC 8122 §5: fingerprints with unsupported hash functions are ignored).
 */
export function fingerprintMatches(der: Uint8Array, expected: string): boolean {
  const m = /^\s*(\S+)\s+([0-9a-fA-F:]+)\s*$/.exec(expected);
  if (!m || !m[1] || !m[2] || !HASHES[m[1].toLowerCase()]) return false;
  return fingerprint(der, m[1]).split(' ')[1] === m[2].toUpperCase();
}
