import { findStartCode, joinAnnexB, splitAnnexB, trimZeros } from '../webrtc/rtp/index.ts';

// The byte-stream primitives live in webrtc/rtp (the packetizers' side of the dependency rule);
// media re-exports them beside its streaming splitter.
export { findStartCode, joinAnnexB, splitAnnexB };

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
