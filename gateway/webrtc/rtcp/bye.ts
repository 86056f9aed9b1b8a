import { need } from './body.ts';
import type { RtcpBody, RtcpOut } from './body.ts';
import { RtcpBadArgumentError } from './errors.ts';

/**
 * BYE: goodbye (RFC 3550 §6.6), PT 203:
 * ```
 *  0                   1                   2                   3
 *  0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1
 * +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 * |V=2|P|    SC   |   PT=BYE=203  |             length            |
 * +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 * |                           SSRC/CSRC                           |
 * +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 * :                              ...                              :
 * +=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+
 * |     length    |               reason for leaving            ...  (optional, padded to 32 bits)
 * +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 * ```
 */
export interface Goodbye {
  type: 'bye';
  ssrcs: number[];
  /** Reason for leaving, when given. */
  reason?: string | undefined;
}

const utf8 = new TextDecoder('utf-8');
const utf8Encoder = new TextEncoder();

export function decodeBye(b: RtcpBody): Goodbye {
  need(b, b.start, 4 * b.count, 'BYE SSRC list');
  const ssrcs: number[] = [];
  for (let i = 0; i < b.count; i++) ssrcs.push(b.view.getUint32(b.start + 4 * i));
  const at = b.start + 4 * b.count;
  let reason: string | undefined;
  if (at < b.end) {
    const len = b.buf[at] as number;
    need(b, at + 1, len, 'BYE reason');
    reason = utf8.decode(b.buf.subarray(at + 1, at + 1 + len)); // the rest is padding
  }
  return reason === undefined ? { type: 'bye', ssrcs } : { type: 'bye', ssrcs, reason };
}

function reasonBytes(p: Goodbye): Uint8Array | undefined {
  if (p.reason === undefined) return undefined;
  const bytes = utf8Encoder.encode(p.reason);
  if (bytes.length > 255) throw new RtcpBadArgumentError(`BYE reason of ${bytes.length} bytes, at most 255`);
  return bytes;
}

export function byeBodySize(p: Goodbye): number {
  const r = reasonBytes(p);
  return 4 * p.ssrcs.length + (r === undefined ? 0 : (r.length + 4) & ~3);
}

export function encodeByeBody(p: Goodbye, o: RtcpOut, at: number): void {
  for (const s of p.ssrcs) {
    o.view.setUint32(at, s >>> 0);
    at += 4;
  }
  const r = reasonBytes(p);
  if (r === undefined) return;
  const end = at + ((r.length + 4) & ~3);
  o.out[at] = r.length;
  o.out.set(r, at + 1);
  o.out.fill(0, at + 1 + r.length, end);
}
