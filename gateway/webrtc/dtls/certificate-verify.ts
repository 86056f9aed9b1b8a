import { ByteReader } from './byte-reader.ts';
import { ByteWriter } from './byte-writer.ts';

/**
 * CertificateVerify (RFC 5246 §7.4.8): the client proves it holds the certificate's key by signing
 * every handshake message so far.
 *
 *   struct {
 *        digitally-signed struct {
 *            opaque handshake_messages[handshake_messages_length];
 *        }
 *   } CertificateVerify;
 *
 *   digitally-signed = SignatureAndHashAlgorithm algorithm (2 bytes) + opaque signature<0..2^16-1>
 */
export interface CertificateVerify {
  signatureScheme: number;
  signature: Uint8Array;
}

export function decodeCertificateVerify(body: Uint8Array): CertificateVerify {
  const r = new ByteReader(body, 'CertificateVerify');
  const m = { signatureScheme: r.u16(), signature: r.vec16() };
  r.end();
  return m;
}

export function encodeCertificateVerify(m: CertificateVerify): Uint8Array {
  return new ByteWriter().u16(m.signatureScheme).vec16(m.signature).finish();
}
