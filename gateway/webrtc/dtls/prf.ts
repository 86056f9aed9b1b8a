import { createHash, createHmac } from 'node:crypto';
import { concatBytes } from './byte-writer.ts';

const enc = new TextEncoder();

/**
 * P_hash (RFC 5246 §5):
 *
 *   P_hash(secret, seed) = HMAC_hash(secret, A(1) + seed) + HMAC_hash(secret, A(2) + seed) + ...
 *   A(0) = seed,  A(i) = HMAC_hash(secret, A(i-1))
 */
export function pHash(hash: string, secret: Uint8Array, seed: Uint8Array, length: number): Uint8Array {
  const out = new Uint8Array(length);
  let a: Uint8Array = seed;
  let o = 0;
  while (o < length) {
    a = createHmac(hash, secret).update(a).digest();
    const block = createHmac(hash, secret).update(a).update(seed).digest();
    out.set(block.subarray(0, Math.min(block.length, length - o)), o);
    o += block.length;
  }
  return out;
}

/** PRF(secret, label, seed) = P_<hash>(secret, label + seed) (RFC 5246 §5). */
export function prf(
  hash: string,
  secret: Uint8Array,
  label: string,
  seed: Uint8Array,
  length: number,
): Uint8Array {
  return pHash(hash, secret, concatBytes(enc.encode(label), seed), length);
}

/** master_secret = PRF(pre_master_secret, "master secret", ClientHello.random + ServerHello.random)[0..47] (RFC 5246 §8.1). */
export function masterSecret(
  hash: string,
  preMaster: Uint8Array,
  clientRandom: Uint8Array,
  serverRandom: Uint8Array,
): Uint8Array {
  return prf(hash, preMaster, 'master secret', concatBytes(clientRandom, serverRandom), 48);
}

/** master_secret = PRF(pre_master_secret, "extended master secret", session_hash)[0..47] (RFC 7627 §4). */
export function extendedMasterSecret(
  hash: string,
  preMaster: Uint8Array,
  sessionHash: Uint8Array,
): Uint8Array {
  return prf(hash, preMaster, 'extended master secret', sessionHash, 48);
}

export interface KeyBlock {
  clientWriteKey: Uint8Array;
  serverWriteKey: Uint8Array;
  clientWriteIv: Uint8Array;
  serverWriteIv: Uint8Array;
}

/**
 * key_block = PRF(master, "key expansion", server_random + client_random) (RFC 5246 §6.3); AEAD suites
 * have no MAC keys, so it splits into client/server write keys then client/server write IVs.
 */
export function keyBlock(
  hash: string,
  master: Uint8Array,
  clientRandom: Uint8Array,
  serverRandom: Uint8Array,
  keyLength: number,
  ivLength: number,
): KeyBlock {
  const kb = prf(
    hash,
    master,
    'key expansion',
    concatBytes(serverRandom, clientRandom),
    2 * (keyLength + ivLength),
  );
  let o = 0;
  const take = (n: number): Uint8Array => kb.subarray(o, (o += n));
  return {
    clientWriteKey: take(keyLength),
    serverWriteKey: take(keyLength),
    clientWriteIv: take(ivLength),
    serverWriteIv: take(ivLength),
  };
}

/** verify_data = PRF(master_secret, finished_label, Hash(handshake_messages))[0..11] (RFC 5246 §7.4.9). */
export function verifyData(
  hash: string,
  master: Uint8Array,
  label: 'client finished' | 'server finished',
  handshakeHash: Uint8Array,
): Uint8Array {
  return prf(hash, master, label, handshakeHash, 12);
}

/**
 * Keying material exporter (RFC 5705 §4):
 *
 *   PRF(SecurityParameters.master_secret, label,
 *       SecurityParameters.client_random + SecurityParameters.server_random +
 *       context_value_length + context_value)[length]
 *
 * (no context: the length and value are omitted entirely, as DTLS-SRTP does, RFC 5764 §4.2).
 */
export function exportKeyingMaterial(
  hash: string,
  master: Uint8Array,
  label: string,
  clientRandom: Uint8Array,
  serverRandom: Uint8Array,
  context: Uint8Array | undefined,
  length: number,
): Uint8Array {
  const seed = context
    ? concatBytes(
        clientRandom,
        serverRandom,
        Uint8Array.of(context.length >>> 8, context.length & 0xff),
        context,
      )
    : concatBytes(clientRandom, serverRandom);
  return prf(hash, master, label, seed, length);
}

export function digest(hash: string, data: Uint8Array): Uint8Array {
  return createHash(hash).update(data).digest();
}
