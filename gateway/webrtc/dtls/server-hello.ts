import { ByteReader } from './byte-reader.ts';
import { ByteWriter } from './byte-writer.ts';
import { decodeExtensions, writeExtensions, type Extension } from './extension.ts';

/**
 * ServerHello (RFC 5246 §7.4.1.3).
 *
 *   struct {
 *     ProtocolVersion server_version;
 *     Random random;
 *     SessionID session_id;                 // <0..32>
 *     CipherSuite cipher_suite;
 *     CompressionMethod compression_method;
 *     select (extensions_present) {
 *         case false: struct {};
 *         case true:  Extension extensions<0..2^16-1>;
 *     };
 *   } ServerHello;
 */
export interface ServerHello {
  version: number;
  random: Uint8Array;
  sessionId: Uint8Array;
  cipherSuite: number;
  compressionMethod: number;
  extensions: Extension[] | undefined;
}

export function decodeServerHello(body: Uint8Array): ServerHello {
  const r = new ByteReader(body, 'ServerHello');
  const version = r.u16();
  const random = r.bytes(32);
  const sessionId = r.vec8(0, 32);
  const cipherSuite = r.u16();
  const compressionMethod = r.u8();
  const extensions = r.remaining > 0 ? decodeExtensions(r.vec16()) : undefined;
  r.end();
  return { version, random, sessionId, cipherSuite, compressionMethod, extensions };
}

export function encodeServerHello(m: ServerHello): Uint8Array {
  const w = new ByteWriter()
    .u16(m.version)
    .bytes(m.random)
    .vec8(m.sessionId)
    .u16(m.cipherSuite)
    .u8(m.compressionMethod);
  if (m.extensions) writeExtensions(w, m.extensions);
  return w.finish();
}
