// RFC 4571 §2 framing (a 16-bit length before each RTP/RTCP packet), the format GStreamer's
// rtpstreampay writes and rtpstreamdepay reads; the captures in this folder use it.
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

export const VECTORS_DIR = path.dirname(fileURLToPath(import.meta.url));

/** Splits an RFC 4571 stream into packets (views). */
export function readRfc4571(buf: Uint8Array): Uint8Array[] {
  const out: Uint8Array[] = [];
  let at = 0;
  while (at + 2 <= buf.length) {
    const len = ((buf[at] as number) << 8) | (buf[at + 1] as number);
    if (at + 2 + len > buf.length) throw new Error(`RFC 4571 frame overruns the file at ${at}`);
    out.push(buf.subarray(at + 2, at + 2 + len));
    at += 2 + len;
  }
  return out;
}

/** Frames packets as an RFC 4571 stream. */
export function writeRfc4571(packets: readonly Uint8Array[]): Uint8Array {
  const out = new Uint8Array(packets.reduce((n, p) => n + 2 + p.length, 0));
  let at = 0;
  for (const p of packets) {
    out[at] = p.length >>> 8;
    out[at + 1] = p.length & 0xff;
    out.set(p, at + 2);
    at += 2 + p.length;
  }
  return out;
}

/** Loads a vector file of this folder. */
export function loadVector(name: string): Uint8Array {
  return new Uint8Array(fs.readFileSync(path.join(VECTORS_DIR, name)));
}
