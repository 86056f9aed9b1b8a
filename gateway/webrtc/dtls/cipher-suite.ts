import { getCiphers } from 'node:crypto';

/**
 * The cipher suites this implementation speaks: ECDHE key exchange, ECDSA authentication, AEAD
 * record protection (RFC 5289 §3.2, RFC 7905 §2). WebRTC endpoints (Chromium, Firefox, libwebrtc,
 * pion, werift) all offer 0xC02B; it is the one that MUST be implemented here.
 */
export interface CipherSuiteInfo {
  id: number;
  name: string;
  /**
   * Who signs ServerKeyExchange: the server's certificate key type. We are always ECDSA ourselves, so
   * as a server we pick ECDSA suites only; as a client we also accept RSA-certificate servers.
   */
  auth: 'ecdsa' | 'rsa';
  /** Record cipher name for node:crypto. */
  cipher: 'aes-128-gcm' | 'aes-256-gcm' | 'chacha20-poly1305';
  /** PRF and Finished hash (RFC 5246 §5; SHA-384 for _SHA384 suites, RFC 5289 §3.2). */
  hash: 'sha256' | 'sha384';
  keyLength: number;
  /** client_write_IV / server_write_IV length from the key block: 4-byte salt for GCM (RFC 5288 §3), 12 for ChaCha20 (RFC 7905 §2). */
  fixedIvLength: number;
  /** Bytes of explicit nonce carried in each record (8 for GCM, 0 for ChaCha20-Poly1305). */
  explicitNonceLength: number;
  tagLength: number;
}

export const TLS_ECDHE_ECDSA_WITH_AES_128_GCM_SHA256 = 0xc02b;
export const TLS_ECDHE_ECDSA_WITH_AES_256_GCM_SHA384 = 0xc02c;
export const TLS_ECDHE_ECDSA_WITH_CHACHA20_POLY1305_SHA256 = 0xcca9;
export const TLS_ECDHE_RSA_WITH_AES_128_GCM_SHA256 = 0xc02f;
export const TLS_ECDHE_RSA_WITH_AES_256_GCM_SHA384 = 0xc030;
export const TLS_ECDHE_RSA_WITH_CHACHA20_POLY1305_SHA256 = 0xcca8;
/** Signalling value meaning "secure renegotiation supported" (RFC 5746 §3.3). */
export const TLS_EMPTY_RENEGOTIATION_INFO_SCSV = 0x00ff;

const ALL: CipherSuiteInfo[] = [
  {
    id: TLS_ECDHE_ECDSA_WITH_AES_128_GCM_SHA256,
    name: 'TLS_ECDHE_ECDSA_WITH_AES_128_GCM_SHA256',
    auth: 'ecdsa',
    cipher: 'aes-128-gcm',
    hash: 'sha256',
    keyLength: 16,
    fixedIvLength: 4,
    explicitNonceLength: 8,
    tagLength: 16,
  },
  {
    id: TLS_ECDHE_ECDSA_WITH_AES_256_GCM_SHA384,
    name: 'TLS_ECDHE_ECDSA_WITH_AES_256_GCM_SHA384',
    auth: 'ecdsa',
    cipher: 'aes-256-gcm',
    hash: 'sha384',
    keyLength: 32,
    fixedIvLength: 4,
    explicitNonceLength: 8,
    tagLength: 16,
  },
  {
    id: TLS_ECDHE_ECDSA_WITH_CHACHA20_POLY1305_SHA256,
    name: 'TLS_ECDHE_ECDSA_WITH_CHACHA20_POLY1305_SHA256',
    auth: 'ecdsa',
    cipher: 'chacha20-poly1305',
    hash: 'sha256',
    keyLength: 32,
    fixedIvLength: 12,
    explicitNonceLength: 0,
    tagLength: 16,
  },
];

// The same record protection with RSA authentication (RFC 5289 §3.2, RFC 7905 §2).
const RSA_IDS: Record<number, [number, string]> = {
  [TLS_ECDHE_ECDSA_WITH_AES_128_GCM_SHA256]: [
    TLS_ECDHE_RSA_WITH_AES_128_GCM_SHA256,
    'TLS_ECDHE_RSA_WITH_AES_128_GCM_SHA256',
  ],
  [TLS_ECDHE_ECDSA_WITH_AES_256_GCM_SHA384]: [
    TLS_ECDHE_RSA_WITH_AES_256_GCM_SHA384,
    'TLS_ECDHE_RSA_WITH_AES_256_GCM_SHA384',
  ],
  [TLS_ECDHE_ECDSA_WITH_CHACHA20_POLY1305_SHA256]: [
    TLS_ECDHE_RSA_WITH_CHACHA20_POLY1305_SHA256,
    'TLS_ECDHE_RSA_WITH_CHACHA20_POLY1305_SHA256',
  ],
};
for (const s of [...ALL]) {
  const rsa = RSA_IDS[s.id];
  if (rsa) ALL.push({ ...s, id: rsa[0], name: rsa[1], auth: 'rsa' });
}

const available = new Set(getCiphers());

/** Suites whose record cipher this Node/OpenSSL build offers, in our order of preference (ECDSA ones first). */
export const supportedCipherSuites: readonly CipherSuiteInfo[] = ALL.filter((s) => available.has(s.cipher));

export function cipherSuiteById(id: number): CipherSuiteInfo | undefined {
  return supportedCipherSuites.find((s) => s.id === id);
}
