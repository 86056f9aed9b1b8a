import { ByteReader } from './byte-reader.ts';

/**
 * Finished (RFC 5246 §7.4.9): the first message protected with the new keys; proves both sides saw
 * the same handshake.
 *
 *   struct {
 *       opaque verify_data[verify_data_length];    // 12 bytes for every suite here
 *   } Finished;
 */
export interface Finished {
  verifyData: Uint8Array;
}

export function decodeFinished(body: Uint8Array): Finished {
  const r = new ByteReader(body, 'Finished');
  const verifyData = r.bytes(12);
  r.end();
  return { verifyData };
}

export function encodeFinished(m: Finished): Uint8Array {
  return Uint8Array.from(m.verifyData);
}
