import { constants, sign, verify, type KeyObject } from 'node:crypto';
import { DtlsHandshakeError } from './errors.ts';
import { SignatureScheme } from './extension.ts';

/**
 * The `digitally-signed` element of TLS 1.2 (RFC 5246 §4.7) with node:crypto. We sign with
 * ecdsa_secp256r1_sha256 (DER-encoded ECDSA-Sig-Value, RFC 8422 §5.4); we verify what WebRTC peers'
 * certificates may carry: ECDSA P-256/P-384, RSA PKCS#1 v1.5 and RSA-PSS.
 */
export const verifiableSchemes: readonly number[] = [
  SignatureScheme.ecdsa_secp256r1_sha256,
  SignatureScheme.ecdsa_secp384r1_sha384,
  SignatureScheme.rsa_pss_rsae_sha256,
  SignatureScheme.rsa_pss_pss_sha256,
  SignatureScheme.rsa_pkcs1_sha256,
  SignatureScheme.rsa_pss_rsae_sha384,
  SignatureScheme.rsa_pkcs1_sha384,
];

export function signEcdsaSha256(key: KeyObject, data: Uint8Array): Uint8Array {
  return new Uint8Array(sign('sha256', data, { key, dsaEncoding: 'der' }));
}

/** Verifies `signature` over `data` with the peer's public key; false on any mismatch or key/scheme clash. */
export function verifySignature(
  scheme: number,
  key: KeyObject,
  data: Uint8Array,
  signature: Uint8Array,
): boolean {
  const keyType = key.asymmetricKeyType;
  try {
    switch (scheme) {
      case SignatureScheme.ecdsa_secp256r1_sha256:
        return keyType === 'ec' && verify('sha256', data, { key, dsaEncoding: 'der' }, signature);
      case SignatureScheme.ecdsa_secp384r1_sha384:
        return keyType === 'ec' && verify('sha384', data, { key, dsaEncoding: 'der' }, signature);
      case SignatureScheme.rsa_pkcs1_sha256:
        return keyType === 'rsa' && verify('sha256', data, key, signature);
      case SignatureScheme.rsa_pkcs1_sha384:
        return keyType === 'rsa' && verify('sha384', data, key, signature);
      case SignatureScheme.rsa_pss_rsae_sha256:
      case SignatureScheme.rsa_pss_pss_sha256:
      case SignatureScheme.rsa_pss_rsae_sha384: {
        const hash = scheme === SignatureScheme.rsa_pss_rsae_sha384 ? 'sha384' : 'sha256';
        const ok = keyType === 'rsa' || keyType === 'rsa-pss';
        return (
          ok &&
          verify(
            hash,
            data,
            { key, padding: constants.RSA_PKCS1_PSS_PADDING, saltLength: hash === 'sha256' ? 32 : 48 },
            signature,
          )
        );
      }
      default:
        throw new DtlsHandshakeError(
          'illegal_parameter',
          `signature scheme 0x${scheme.toString(16)} not supported`,
        );
    }
  } catch (err) {
    if (err instanceof DtlsHandshakeError) throw err;
    return false;
  }
}
