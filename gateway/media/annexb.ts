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
function trimZeros(buf: Uint8Array, start: number, end: number): number {
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

/** Counters of an {@link AnnexBSplitter}. */
export interface AnnexBSplitterStats {
  /** NAL units emitted. */
  nalus: number;
  /** NAL units dropped because they grew past `maxNaluBytes` (the splitter resynchronises). */
  oversized: number;
  /** Bytes skipped before the first start code or inside dropped NAL units. */
  skippedBytes: number;
}

export interface AnnexBSplitterOptions {
  /** Largest NAL unit kept; a bigger one is dropped and counted. Default 8 MiB. */
  maxNaluBytes?: number;
}

/**
 * Streaming Annex-B splitter: feed chunks of any size (a file read, a pipe from ffmpeg), get whole
 * NAL units as soon as the next start code shows where they end. Bounded: a NAL unit longer than
 * `maxNaluBytes` is dropped and counted, and the splitter resynchronises on the next start code.
 * Emitted NAL units are copies (the internal buffer is reused).
 *
 * @example
 * const splitter = new AnnexBSplitter();
 * stream.on('data', (chunk) => { for (const nal of splitter.push(chunk)) assembler.push(nal); });
 * stream.on('end', () => { for (const nal of splitter.flush()) assembler.push(nal); });
 */
export class AnnexBSplitter {
  readonly stats: AnnexBSplitterStats = { nalus: 0, oversized: 0, skippedBytes: 0 };
  private readonly max: number;
  private buf = new Uint8Array(64 * 1024);
  private len = 0;
  /** Scanning resumes here: every start position before it has been checked. */
  private scan = 0;
  /**
   * Start of the current NAL unit's payload, or -1 outside one (before the first start code, or while
   * skipping an oversized NAL unit); then every byte held before `scan` is garbage not yet counted.
   */
  private nalStart = -1;

  constructor(opts: AnnexBSplitterOptions = {}) {
    this.max = opts.maxNaluBytes ?? 8 * 1024 * 1024;
  }

  /** Appends `chunk`; returns the NAL units it completed. */
  push(chunk: Uint8Array): Uint8Array[] {
    const out: Uint8Array[] = [];
    this.append(chunk);
    for (;;) {
      const sc = findStartCode(this.buf, this.scan, this.len);
      if (sc < 0) break;
      this.endNal(sc, out);
      this.nalStart = sc + 3;
      this.scan = sc + 3;
    }
    // Positions up to len-3 are checked; the last two bytes may begin a start code split by the chunk.
    this.scan = Math.max(this.scan, this.len - 2);
    if (this.nalStart >= 0 && this.len - this.nalStart > this.max) {
      this.stats.oversized++;
      this.compact();
      this.nalStart = -1; // the bytes held are now garbage up to the next start code
    }
    this.compact();
    return out;
  }

  /** Ends the stream: returns the last NAL unit (the one no start code closed) and resets. */
  flush(): Uint8Array[] {
    const out: Uint8Array[] = [];
    this.endNal(this.len, out);
    this.len = 0;
    this.scan = 0;
    this.nalStart = -1;
    return out;
  }

  /** Bytes held for the NAL unit in progress. */
  get buffered(): number {
    return this.len;
  }

  /** The NAL unit in progress ends at `at` (a start code or the end of the stream). */
  private endNal(at: number, out: Uint8Array[]): void {
    if (this.nalStart < 0) {
      this.stats.skippedBytes += at;
      return;
    }
    const end = trimZeros(this.buf, this.nalStart, at);
    if (end - this.nalStart > this.max) {
      this.stats.oversized++;
      this.stats.skippedBytes += end - this.nalStart;
    } else if (end > this.nalStart) {
      out.push(this.buf.slice(this.nalStart, end));
      this.stats.nalus++;
    }
  }

  private append(chunk: Uint8Array): void {
    const need = this.len + chunk.length;
    if (need > this.buf.length) {
      let cap = this.buf.length * 2;
      while (cap < need) cap *= 2;
      const grown = new Uint8Array(cap);
      grown.set(this.buf.subarray(0, this.len));
      this.buf = grown;
    }
    this.buf.set(chunk, this.len);
    this.len = need;
  }

  /** Drops bytes no NAL unit needs any more, keeping the two-byte look-behind for split start codes. */
  private compact(): void {
    const keep = this.nalStart >= 0 ? this.nalStart : this.scan;
    if (keep <= 0) return;
    if (this.nalStart < 0) this.stats.skippedBytes += keep;
    this.buf.copyWithin(0, keep, this.len);
    this.len -= keep;
    this.scan -= keep;
    if (this.nalStart >= 0) this.nalStart -= keep;
  }
}
