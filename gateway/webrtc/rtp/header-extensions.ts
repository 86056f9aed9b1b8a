import { RtpBadArgumentError, RtpBadExtensionError } from './errors.ts';
import type { RtpExtensionBlock } from './rtp-packet.ts';

/** RFC 8285 §4.2: the "defined by profile" value of a one-byte-header extension block. */
export const ONE_BYTE_PROFILE = 0xbede;
/** RFC 8285 §4.3: two-byte-header blocks use 0x100 followed by 4 application bits (0x1000-0x100F). */
export const TWO_BYTE_PROFILE = 0x1000;

/** One header extension element: a local identifier negotiated with a=extmap, and its data. */
export interface RtpHeaderExtension {
  /** 1..14 in one-byte form, 1..255 in two-byte form. */
  id: number;
  /** A view into the packet on decode. One-byte form: 1..16 bytes; two-byte form: 0..255 bytes. */
  data: Uint8Array;
}

/** True when `profile` is an RFC 8285 one-byte or two-byte block. */
export function isRfc8285Profile(profile: number): boolean {
  return profile === ONE_BYTE_PROFILE || (profile & 0xfff0) === TWO_BYTE_PROFILE;
}

/**
 * Parses the elements of an RFC 8285 block. One-byte form (§4.2):
 * ```
 *  0 1 2 3 4 5 6 7
 * +-+-+-+-+-+-+-+-+
 * |  ID   |  len  |   len = data bytes - 1; ID 0 is a padding byte, ID 15 ends processing
 * +-+-+-+-+-+-+-+-+
 * ```
 * Two-byte form (§4.3): one byte ID (0 = padding), one byte length (0..255), then the data.
 * A block of another profile yields no elements. Throws RTP_BAD_EXTENSION when an element overruns.
 *
 * @example
 * for (const e of readHeaderExtensions(pkt.extension)) if (e.id === twccId) seq = (e.data[0]! << 8) | e.data[1]!;
 */
export function readHeaderExtensions(block: RtpExtensionBlock | undefined): RtpHeaderExtension[] {
  const out: RtpHeaderExtension[] = [];
  if (block === undefined) return out;
  forEachHeaderExtension(block, (id, data) => {
    out.push({ id, data });
    return false;
  });
  return out;
}

/**
 * Returns the data of extension `id` without allocating a list, or undefined. The hot-path form of
 * {@link readHeaderExtensions} (e.g. the transport-wide sequence number of every received packet).
 */
export function findHeaderExtension(
  block: RtpExtensionBlock | undefined,
  id: number,
): Uint8Array | undefined {
  if (block === undefined) return undefined;
  let found: Uint8Array | undefined;
  forEachHeaderExtension(block, (eid, data) => {
    if (eid !== id) return false;
    found = data;
    return true;
  });
  return found;
}

/** Walks RFC 8285 elements; `visit` returns true to stop. */
function forEachHeaderExtension(
  block: RtpExtensionBlock,
  visit: (id: number, data: Uint8Array) => boolean,
): void {
  const d = block.data;
  const n = d.length;
  if (block.profile === ONE_BYTE_PROFILE) {
    let i = 0;
    while (i < n) {
      const b = d[i] as number;
      const id = b >>> 4;
      if (id === 0) {
        i++; // §4.2: padding byte (its length nibble must be 0, receivers ignore it)
        continue;
      }
      if (id === 15) return; // §4.2: reserved, "the remainder of the header extension" is not processed
      const len = (b & 0x0f) + 1;
      if (i + 1 + len > n) throw new RtpBadExtensionError(`one-byte element ${id} overruns the block`, i);
      if (visit(id, d.subarray(i + 1, i + 1 + len))) return;
      i += 1 + len;
    }
  } else if ((block.profile & 0xfff0) === TWO_BYTE_PROFILE) {
    let i = 0;
    while (i < n) {
      const id = d[i] as number;
      if (id === 0) {
        i++; // §4.3: padding
        continue;
      }
      if (i + 2 > n) throw new RtpBadExtensionError(`two-byte element ${id} has no length byte`, i);
      const len = d[i + 1] as number;
      if (i + 2 + len > n) throw new RtpBadExtensionError(`two-byte element ${id} overruns the block`, i);
      if (visit(id, d.subarray(i + 2, i + 2 + len))) return;
      i += 2 + len;
    }
  }
}

/**
 * Builds an RFC 8285 block for `elements`: the one-byte form when every id is 1..14 and every data
 * 1..16 bytes (it is smaller and what every peer understands), otherwise the two-byte form
 * (§4.3; the peer must have negotiated a=extmap-allow-mixed). `form` forces one. Pads with zero
 * bytes to a 32-bit boundary.
 *
 * @example
 * pkt.extension = writeHeaderExtensions([{ id: 3, data: Uint8Array.of(seq >> 8, seq & 255) }]);
 */
export function writeHeaderExtensions(
  elements: readonly RtpHeaderExtension[],
  form?: 'one-byte' | 'two-byte',
  appBits = 0,
): RtpExtensionBlock {
  const oneByteOk = elements.every(
    (e) => e.id >= 1 && e.id <= 14 && e.data.length >= 1 && e.data.length <= 16,
  );
  const useOne = form === undefined ? oneByteOk : form === 'one-byte';
  if (useOne && !oneByteOk) throw new RtpBadArgumentError('elements do not fit the one-byte form');
  let size = 0;
  for (const e of elements) {
    if (!useOne && (e.id < 1 || e.id > 255 || e.data.length > 255))
      throw new RtpBadArgumentError(`two-byte element id ${e.id} / ${e.data.length} bytes out of range`);
    size += (useOne ? 1 : 2) + e.data.length;
  }
  const data = new Uint8Array((size + 3) & ~3);
  let i = 0;
  for (const e of elements) {
    if (useOne) data[i++] = (e.id << 4) | (e.data.length - 1);
    else {
      data[i++] = e.id;
      data[i++] = e.data.length;
    }
    data.set(e.data, i);
    i += e.data.length;
  }
  return { profile: useOne ? ONE_BYTE_PROFILE : TWO_BYTE_PROFILE | (appBits & 0x0f), data };
}
