import { createPrivateKey, randomBytes, webcrypto, X509Certificate, type KeyObject } from 'node:crypto';
import type * as X509 from '@peculiar/x509';
import type { Clock } from '../transport/index.ts';
import { DtlsError } from './errors.ts';
import { fingerprint } from './fingerprint.ts';

/**
 * A DTLS identity: a DER certificate, its private key and the SDP fingerprint of the certificate.
 * WebRTC certificates are self-signed; trust comes from the fingerprint exchanged in signalling
 * (RFC 8827 §6.5), so only ECDSA P-256 (what Chromium generates too) is produced here.
 */
export interface DtlsCertificate {
  readonly der: Uint8Array;
  readonly privateKey: KeyObject;
  /** `'sha-256 AB:CD:…'`, ready for `a=fingerprint:`. */
  readonly fingerprint: string;
}

export interface GenerateCertificateOptions {
  commonName?: string;
  /** Validity from one day before now (clock skew) to this many days after. Default 30. */
  validDays?: number;
}

let x509Module: Promise<typeof X509> | undefined;

/**
 * @peculiar/x509 needs a Reflect metadata polyfill loaded before it (its README), and a WebCrypto;
 * loading it lazily keeps both off the path of users that bring their own certificate.
 */
function loadX509(): Promise<typeof X509> {
  x509Module ??= (async () => {
    try {
      await import('reflect-metadata');
    } catch (cause) {
      x509Module = undefined;
      throw new DtlsError(
        'DTLS_CERTIFICATE_UNAVAILABLE',
        'generating a certificate needs the reflect-metadata package next to @peculiar/x509',
        { cause },
      );
    }
    const x509 = await import('@peculiar/x509');
    x509.cryptoProvider.set(webcrypto as unknown as Parameters<typeof x509.cryptoProvider.set>[0]);
    return x509;
  })();
  return x509Module;
}

/**
 * Generates a self-signed ECDSA P-256 / SHA-256 certificate with @peculiar/x509 on node's WebCrypto.
 *
 * @example
 * const cert = await generateCertificate(systemClock);
 * sdp += `a=fingerprint:${cert.fingerprint}\r\n`;
 */
export async function generateCertificate(
  clock: Clock,
  opts: GenerateCertificateOptions = {},
): Promise<DtlsCertificate> {
  const x509 = await loadX509();
  const alg = { name: 'ECDSA', namedCurve: 'P-256', hash: 'SHA-256' };
  const keys = (await webcrypto.subtle.generateKey(alg, true, ['sign', 'verify'])) as webcrypto.CryptoKeyPair;
  const now = clock.wallNow();
  const day = 86_400_000;
  const cert = await x509.X509CertificateGenerator.createSelfSigned({
    // Positive serial: clear the top bit of a random 8-byte integer.
    serialNumber: Buffer.from(randomBytes(8).map((b, i) => (i === 0 ? b & 0x7f : b))).toString('hex'),
    name: `CN=${opts.commonName ?? 'edge-gateway'}`,
    notBefore: new globalThis.Date(now - day),
    notAfter: new globalThis.Date(now + (opts.validDays ?? 30) * day),
    signingAlgorithm: alg,
    keys: keys as unknown as Parameters<typeof x509.X509CertificateGenerator.createSelfSigned>[0]['keys'],
  });
  const pkcs8 = await webcrypto.subtle.exportKey('pkcs8', keys.privateKey);
  const der = new Uint8Array(cert.rawData);
  return {
    der,
    privateKey: createPrivateKey({ key: Buffer.from(pkcs8), format: 'der', type: 'pkcs8' }),
    fingerprint: fingerprint(der),
  };
}

/** Loads an identity from PEM (e.g. a persisted certificate). The key must be ECDSA P-256. */
export function certificateFromPem(certPem: string, keyPem: string): DtlsCertificate {
  const der = new Uint8Array(new X509Certificate(certPem).raw);
  return { der, privateKey: createPrivateKey(keyPem), fingerprint: fingerprint(der) };
}

/** The public key of a peer's DER certificate, or undefined if it does not parse. */
export function publicKeyOf(der: Uint8Array): KeyObject | undefined {
  try {
    return new X509Certificate(der).publicKey;
  } catch {
    return undefined;
  }
}
