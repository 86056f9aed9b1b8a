import { ByteReader } from './byte-reader.ts';
import { ByteWriter } from './byte-writer.ts';

/**
 * CertificateRequest (RFC 5246 §7.4.4). WebRTC servers always send it: both ends must present a
 * certificate whose fingerprint was signalled in SDP (RFC 8827 §6.5).
 *
 *   struct {
 *       ClientCertificateType certificate_types<1..2^8-1>;   // rsa_sign(1), ecdsa_sign(64)
 *       SignatureAndHashAlgorithm supported_signature_algorithms<2^16-1>;
 *       DistinguishedName certificate_authorities<0..2^16-1>;
 *   } CertificateRequest;
 */
export interface CertificateRequest {
  certificateTypes: number[];
  signatureSchemes: number[];
  /** Raw DistinguishedName list bytes (unused by WebRTC: certificates are self-signed). */
  authorities: Uint8Array;
}

export const ClientCertificateType = { rsa_sign: 1, ecdsa_sign: 64 } as const;

export function decodeCertificateRequest(body: Uint8Array): CertificateRequest {
  const r = new ByteReader(body, 'CertificateRequest');
  const certificateTypes = [...r.vec8(1)];
  const signatureSchemes = r.u16List(2);
  const authorities = r.vec16();
  r.end();
  return { certificateTypes, signatureSchemes, authorities };
}

export function encodeCertificateRequest(m: CertificateRequest): Uint8Array {
  return new ByteWriter()
    .vec8(Uint8Array.from(m.certificateTypes))
    .u16List(m.signatureSchemes, 2)
    .vec16(m.authorities)
    .finish();
}
