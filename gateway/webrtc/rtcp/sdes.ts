import { need } from './body.ts';
import type { RtcpBody, RtcpOut } from './body.ts';
import { RtcpBadArgumentError } from './errors.ts';

/** SDES item types (RFC 3550 §6.5). */
export const SDES_CNAME = 1;
export const SDES_NAME = 2;
export const SDES_TOOL = 6;

/** One SDES item: its type (1 CNAME .. 8 PRIV) and UTF-8 text (at most 255 bytes). */
export interface SdesItem {
  type: number;
  text: string;
}

/** One SDES chunk: a source and its items. */
export interface SdesChunk {
  ssrc: number;
  items: SdesItem[];
}

/**
 * SDES: source description (RFC 3550 §6.5), PT 202, SC chunks:
 * ```
 *  0                   1                   2                   3
 *  0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1
 * +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 * |V=2|P|    SC   |  PT=SDES=202  |             length            |
 * +=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+
 * |                          SSRC/CSRC_1                          |  chunk 1
 * +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 * |    CNAME=1    |     length    | user and domain name        ...  items, ended by a
 * +=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+   zero octet, padded to 32 bits
 * ```
 * Each chunk's item list ends with a null octet, and null octets pad the chunk to a 32-bit boundary.
 */
export interface SourceDescription {
  type: 'sdes';
  chunks: SdesChunk[];
}

const utf8 = new TextDecoder('utf-8');
const utf8Encoder = new TextEncoder();

export function decodeSdes(b: RtcpBody): SourceDescription {
  const packetStart = b.start - 4;
  const chunks: SdesChunk[] = [];
  let at = b.start;
  for (let c = 0; c < b.count; c++) {
    need(b, at, 4, 'SDES chunk');
    const ssrc = b.view.getUint32(at);
    at += 4;
    const items: SdesItem[] = [];
    for (;;) {
      need(b, at, 1, 'SDES item list (no terminating null octet)');
      const type = b.buf[at] as number;
      if (type === 0) break;
      need(b, at, 2, 'SDES item length');
      const len = b.buf[at + 1] as number;
      need(b, at + 2, len, 'SDES item');
      items.push({ type, text: utf8.decode(b.buf.subarray(at + 2, at + 2 + len)) });
      at += 2 + len;
    }
    at = packetStart + (((at - packetStart) >>> 2) + 1) * 4; // past the null octet, to the next word
    if (at > b.end) need(b, at, 0, 'SDES chunk padding');
    chunks.push({ ssrc, items });
  }
  return { type: 'sdes', chunks };
}

function chunkSize(c: SdesChunk): number {
  let n = 4;
  for (const item of c.items) n += 2 + itemBytes(item).length;
  return ((n >>> 2) + 1) * 4; // at least one null octet, then to the next word
}

function itemBytes(item: SdesItem): Uint8Array {
  const bytes = utf8Encoder.encode(item.text);
  if (bytes.length > 255) throw new RtcpBadArgumentError(`SDES item of ${bytes.length} bytes, at most 255`);
  if (item.type < 1 || item.type > 255) throw new RtcpBadArgumentError(`SDES item type ${item.type}`);
  return bytes;
}

export function sdesBodySize(p: SourceDescription): number {
  let n = 0;
  for (const c of p.chunks) n += chunkSize(c);
  return n;
}

export function encodeSdesBody(p: SourceDescription, o: RtcpOut, at: number): void {
  for (const c of p.chunks) {
    const end = at + chunkSize(c);
    o.view.setUint32(at, c.ssrc >>> 0);
    let i = at + 4;
    for (const item of c.items) {
      const bytes = itemBytes(item);
      o.out[i] = item.type;
      o.out[i + 1] = bytes.length;
      o.out.set(bytes, i + 2);
      i += 2 + bytes.length;
    }
    o.out.fill(0, i, end);
    at = end;
  }
}
