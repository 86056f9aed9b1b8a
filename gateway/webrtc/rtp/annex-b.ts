/**
 * Annex-B byte streams (ITU-T H.264 / H.265 Annex B): NAL units separated by start codes
 * 00 00 01 or 00 00 00 01. The depacketizers emit this form; packetizers take NAL arrays.
 */

const START_CODE = Uint8Array.of(0, 0, 0, 1);

/**
 * Splits an Annex-B stream into NAL units (views into `buf`, no copy). Trailing zero bytes before a
 * start code (trailing_zero_8bits) are not part of the NAL unit.
 *
 * @example
 * const nals = splitAnnexB(fs.readFileSync('clip.h264'));
 */
export function splitAnnexB(buf: Uint8Array): Uint8Array[] {
  const out: Uint8Array[] = [];
  const n = buf.length;
  let start = -1;
  let i = 0;
  while (i + 2 < n) {
    if (buf[i] === 0 && buf[i + 1] === 0 && buf[i + 2] === 1) {
      if (start >= 0) {
        let end = i;
        while (end > start && buf[end - 1] === 0) end--;
        if (end > start) out.push(buf.subarray(start, end));
      }
      i += 3;
      start = i;
    } else i++;
  }
  if (start >= 0 && start < n) out.push(buf.subarray(start, n));
  return out;
}

/** Joins NAL units into one Annex-B buffer with 4-byte start codes. */
export function joinAnnexB(nals: readonly Uint8Array[]): Uint8Array {
  let size = 0;
  for (const nal of nals) size += 4 + nal.length;
  const out = new Uint8Array(size);
  let at = 0;
  for (const nal of nals) {
    out.set(START_CODE, at);
    out.set(nal, at + 4);
    at += 4 + nal.length;
  }
  return out;
}
