import { ByteReader } from './byte-reader.ts';
import { ByteWriter } from './byte-writer.ts';

/**
 * HelloVerifyRequest (RFC 6347 §4.2.1): the server's stateless cookie challenge.
 *
 *   struct {
 *     ProtocolVersion server_version;
 *     opaque cookie<0..2^8-1>;
 *   } HelloVerifyRequest;
 */
export interface HelloVerifyRequest {
  version: number;
  cookie: Uint8Array;
}

export function decodeHelloVerifyRequest(body: Uint8Array): HelloVerifyRequest {
  const r = new ByteReader(body, 'HelloVerifyRequest');
  const m = { version: r.u16(), cookie: r.vec8() };
  r.end();
  return m;
}

export function encodeHelloVerifyRequest(m: HelloVerifyRequest): Uint8Array {
  return new ByteWriter().u16(m.version).vec8(m.cookie).finish();
}
