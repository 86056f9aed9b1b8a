import { ByteReader } from './byte-reader.ts';
import { ByteWriter } from './byte-writer.ts';

/**
 * ClientKeyExchange for ECDHE (RFC 8422 §5.7).
 *
 *   struct {
 *       opaque point <1..2^8-1>;        // ClientECDiffieHellmanPublic ecdh_Yc
 *   } ClientKeyExchange;
 */
export interface ClientKeyExchange {
  publicKey: Uint8Array;
}

export function decodeClientKeyExchange(body: Uint8Array): ClientKeyExchange {
  const r = new ByteReader(body, 'ClientKeyExchange');
  const publicKey = r.vec8(1);
  r.end();
  return { publicKey };
}

export function encodeClientKeyExchange(m: ClientKeyExchange): Uint8Array {
  return new ByteWriter().vec8(m.publicKey).finish();
}
