import { ByteReader } from './byte-reader.ts';
import { ByteWriter } from './byte-writer.ts';

/**
 * ServerKeyExchange for ECDHE with a named curve (RFC 8422 §5.4, signature form of RFC 5246 §4.7
 * with SignatureAndHashAlgorithm, §7.4.3).
 *
 *   struct {
 *       ECCurveType    curve_type;      // named_curve (3)
 *       NamedCurve     namedcurve;
 *       opaque         point <1..2^8-1>;
 *   } ServerECDHParams;
 *
 *   struct {
 *       ServerECDHParams    params;
 *       digitally-signed struct {       // SignatureAndHashAlgorithm (2) + opaque signature<0..2^16-1>
 *           opaque client_random[32];
 *           opaque server_random[32];
 *           ServerECDHParams params;
 *       } signed_params;
 *   } ServerKeyExchange;
 */
export interface ServerKeyExchange {
  namedCurve: number;
  publicKey: Uint8Array;
  signatureScheme: number;
  signature: Uint8Array;
}

export const CURVE_TYPE_NAMED_CURVE = 3;

export function decodeServerKeyExchange(body: Uint8Array): ServerKeyExchange {
  const r = new ByteReader(body, 'ServerKeyExchange');
  const curveType = r.u8();
  if (curveType !== CURVE_TYPE_NAMED_CURVE) r.fail(`curve_type ${curveType} is not named_curve`, 0);
  const namedCurve = r.u16();
  const publicKey = r.vec8(1);
  const signatureScheme = r.u16();
  const signature = r.vec16();
  r.end();
  return { namedCurve, publicKey, signatureScheme, signature };
}

/** The ServerECDHParams bytes: what the signature covers after the two randoms. */
export function encodeEcdhParams(namedCurve: number, publicKey: Uint8Array): Uint8Array {
  return new ByteWriter().u8(CURVE_TYPE_NAMED_CURVE).u16(namedCurve).vec8(publicKey).finish();
}

export function encodeServerKeyExchange(m: ServerKeyExchange): Uint8Array {
  return new ByteWriter()
    .bytes(encodeEcdhParams(m.namedCurve, m.publicKey))
    .u16(m.signatureScheme)
    .vec16(m.signature)
    .finish();
}
