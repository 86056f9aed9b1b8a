import { ByteReader } from './byte-reader.ts';
import { ByteWriter } from './byte-writer.ts';

/**
 * Certificate (RFC 5246 §7.4.2, §7.4.6): the sender's chain, its own certificate first. A client
 * with no certificate sends an empty list.
 *
 *   opaque ASN.1Cert<1..2^24-1>;
 *   struct {
 *       ASN.1Cert certificate_list<0..2^24-1>;
 *   } Certificate;
 */
export interface CertificateMessage {
  certificates: Uint8Array[];
}

export function decodeCertificateMessage(body: Uint8Array): CertificateMessage {
  const r = new ByteReader(body, 'Certificate');
  const list = new ByteReader(r.vec24(), 'Certificate');
  r.end();
  const certificates: Uint8Array[] = [];
  while (list.remaining > 0) certificates.push(list.vec24(1));
  return { certificates };
}

export function encodeCertificateMessage(m: CertificateMessage): Uint8Array {
  const list = new ByteWriter();
  for (const c of m.certificates) list.vec24(c);
  return new ByteWriter().vec24(list.finish()).finish();
}
