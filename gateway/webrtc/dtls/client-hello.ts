import { ByteReader } from './byte-reader.ts';
import { ByteWriter } from './byte-writer.ts';
import { decodeExtensions, writeExtensions, type Extension } from './extension.ts';

/**
 * ClientHello, DTLS form (RFC 6347 §4.2.1 adds the cookie to RFC 5246 §7.4.1.2).
 *
 *   struct {
 *     ProtocolVersion client_version;
 *     Random random;                                  // 32 bytes
 *     SessionID session_id;                           // <0..32>
 *     opaque cookie<0..2^8-1>;                        // New field
 *     CipherSuite cipher_suites<2..2^16-1>;
 *     CompressionMethod compression_methods<1..2^8-1>;
 *     select (extensions_present) {
 *         case false: struct {};
 *         case true:  Extension extensions<0..2^16-1>;
 *     };
 *   } ClientHello;
 */
export interface ClientHello {
  version: number;
  random: Uint8Array;
  sessionId: Uint8Array;
  cookie: Uint8Array;
  cipherSuites: number[];
  compressionMethods: number[];
  /** `undefined` when the extensions block is absent (not the same as an empty one). */
  extensions: Extension[] | undefined;
}

export function decodeClientHello(body: Uint8Array): ClientHello {
  const r = new ByteReader(body, 'ClientHello');
  const version = r.u16();
  const random = r.bytes(32);
  const sessionId = r.vec8(0, 32);
  const cookie = r.vec8();
  const cipherSuites = r.u16List(2, 2);
  const compressionMethods = [...r.vec8(1)];
  const extensions = r.remaining > 0 ? decodeExtensions(r.vec16()) : undefined;
  r.end();
  return { version, random, sessionId, cookie, cipherSuites, compressionMethods, extensions };
}

export function encodeClientHello(m: ClientHello): Uint8Array {
  const w = new ByteWriter()
    .u16(m.version)
    .bytes(m.random)
    .vec8(m.sessionId)
    .vec8(m.cookie)
    .u16List(m.cipherSuites, 2)
    .vec8(Uint8Array.from(m.compressionMethods));
  if (m.extensions) writeExtensions(w, m.extensions);
  return w.finish();
}
