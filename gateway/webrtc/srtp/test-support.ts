/**
 * Helpers shared by this module's tests (not part of the public API; index.ts does not export it).
 */
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

/** Hex (any whitespace ignored) to bytes. */
export function hex(s: string): Uint8Array {
  return new Uint8Array(Buffer.from(s.replace(/\s+/g, ''), 'hex'));
}

/** Read a JSON file under test/vectors/. */
export function loadVectors<T>(relative: string): T {
  const path = fileURLToPath(new URL(`../../../test/vectors/${relative}`, import.meta.url));
  return JSON.parse(readFileSync(path, 'utf8')) as T;
}

/** Fields of a test RTP packet. */
export interface RtpSpec {
  seq: number;
  ssrc: number;
  timestamp?: number;
  payloadType?: number;
  marker?: boolean;
  csrcs?: number[];
  /** Extension words (after the 4-byte extension header). */
  extension?: Uint8Array;
  payload: Uint8Array;
  /** RTP padding bytes (P bit); the last one is the count. */
  padding?: number;
}

/** Build an RTP packet (RFC 3550 §5.1). */
export function buildRtp(spec: RtpSpec): Uint8Array {
  const cc = spec.csrcs?.length ?? 0;
  const extLen = spec.extension === undefined ? 0 : 4 + spec.extension.length;
  const pad = spec.padding ?? 0;
  const len = 12 + 4 * cc + extLen + spec.payload.length + pad;
  const b = Buffer.alloc(len);
  b[0] = 0x80 | (pad > 0 ? 0x20 : 0) | (spec.extension !== undefined ? 0x10 : 0) | cc;
  b[1] = ((spec.marker ?? false) ? 0x80 : 0) | ((spec.payloadType ?? 96) & 0x7f);
  b.writeUInt16BE(spec.seq & 0xffff, 2);
  b.writeUInt32BE((spec.timestamp ?? 0) >>> 0, 4);
  b.writeUInt32BE(spec.ssrc >>> 0, 8);
  let o = 12;
  for (const c of spec.csrcs ?? []) {
    b.writeUInt32BE(c >>> 0, o);
    o += 4;
  }
  if (spec.extension !== undefined) {
    b.writeUInt16BE(0xbede, o);
    b.writeUInt16BE(spec.extension.length / 4, o + 2);
    b.set(spec.extension, o + 4);
    o += extLen;
  }
  b.set(spec.payload, o);
  if (pad > 0) b[len - 1] = pad;
  return new Uint8Array(b.buffer, b.byteOffset, b.length);
}

/** Build an RTCP compound: an SR header for `ssrc` followed by `body` (a multiple of 4 bytes). */
export function buildRtcp(ssrc: number, body: Uint8Array): Uint8Array {
  const b = Buffer.alloc(8 + body.length);
  b[0] = 0x80;
  b[1] = 200;
  b.writeUInt16BE((b.length >>> 2) - 1, 2);
  b.writeUInt32BE(ssrc >>> 0, 4);
  b.set(body, 8);
  return new Uint8Array(b.buffer, b.byteOffset, b.length);
}

/** Bytes as lowercase hex, for readable byte-exact assertions. */
export function toHex(b: Uint8Array): string {
  return Buffer.from(b.buffer, b.byteOffset, b.byteLength).toString('hex');
}
