/**
 * Annex-B byte streams (ITU-T H.264 / H.265 Annex B): NAL units separated by start codes
 * 00 00 01 or 00 00 00 01. The depacketizers emit this form; packetizers take NAL arrays. The one
 * implementation in the tree (media/ builds its streaming splitter on these).
 */
/*
 * ITU-T H.264 Annex B / H.265 Annex B byte stream:
 *
 *   byte_stream_nal_unit() {
 *     while (next_bits(24) != 0x000001 && next_bits(32) != 0x00000001)
 *       leading_zero_8bits                      // 0x00
 *     if (next_bits(24) != 0x000001) zero_byte  // 0x00: the 4-byte form
 *     start_code_prefix_one_3bytes              // 0x000001
 *     nal_unit(NumBytesInNALunit)
 *     while (more_data_in_byte_stream() && next_bits(24) != 0x000001 && next_bits(32) != 0x00000001)
 *       trailing_zero_8bits                     // 0x00
 *   }
 *
 * A 4-byte start code is a 3-byte one after a zero byte, and a NAL unit never ends in 0x00 (its
 * rbsp_trailing_bits end in a 1 bit; cabac_zero_words end in 0x03), so the splitter finds
 * 0x000001, and trims zero bytes off the end of the NAL before it.
 */

/**
 * Index of the next 0x000001 in `buf[from, to)`, or -1. Skips three bytes whenever the third byte is
 * above 1, since no start code can then begin at any of the three positions.
 */
export function findStartCode(buf: Uint8Array, from = 0, to = buf.length): number {
  let i = from;
  while (i + 2 < to) {
    const c = buf[i + 2] as number;
    if (c > 1) {
      i += 3;
    } else if (c === 1 && buf[i] === 0 && buf[i + 1] === 0) {
      return i;
    } else {
      i++;
    }
  }
  return -1;
}

/** End of the NAL unit in `buf[start, end)` once trailing_zero_8bits are trimmed. */
export function trimZeros(buf: Uint8Array, start: number, end: number): number {
  while (end > start && buf[end - 1] === 0) end--;
  return end;
}

/**
 * Splits a complete Annex-B byte stream into NAL units (views into `buf`, no copy). Bytes before the
 * first start code are skipped; empty NAL units are dropped.
 *
 * @example
 * const nalus = splitAnnexB(readFileSync('clip.h264'));
 * nalus.map(h264NalType); // [9, 7, 8, 6, 5, 5, 9, 1, 1, ...]
 */
export function splitAnnexB(buf: Uint8Array): Uint8Array[] {
  const out: Uint8Array[] = [];
  let sc = findStartCode(buf);
  while (sc >= 0) {
    const start = sc + 3;
    const next = findStartCode(buf, start);
    const end = trimZeros(buf, start, next < 0 ? buf.length : next);
    if (end > start) out.push(buf.subarray(start, end));
    sc = next;
  }
  return out;
}

/**
 * Writes NAL units as an Annex-B byte stream with 4-byte start codes (or 3-byte with `startCodeLength`).
 *
 * @example
 * writeFileSync('out.h264', joinAnnexB(frame.nalus));
 */
export function joinAnnexB(nalus: readonly Uint8Array[], startCodeLength: 3 | 4 = 4): Uint8Array {
  let size = 0;
  for (const n of nalus) size += startCodeLength + n.length;
  const out = new Uint8Array(size);
  let o = 0;
  for (const n of nalus) {
    o += startCodeLength - 1;
    out[o++] = 1;
    out.set(n, o);
    o += n.length;
  }
  return out;
}
