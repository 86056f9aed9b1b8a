import { MediaError } from './errors.ts';

export interface BitReaderOptions {
  /** Byte offset where reading starts (e.g. 1 to skip an H.264 NAL header, 2 for H.265). Default 0. */
  offset?: number;
  /**
   * Skip emulation_prevention_three_byte on the fly (ITU-T H.264 §7.3.1), so a NAL unit is read
   * without first copying it into an RBSP. Default true.
   */
  emulationPrevention?: boolean;
}

/**
 * MSB-first bit reader with the descriptors of ITU-T H.264 §7.2 / H.265 §7.2: u(n), ue(v), se(v).
 * Reads a NAL unit in place, removing emulation prevention bytes as it goes, so reading a slice
 * header costs a few bytes, not a copy of the slice. Reading past the end throws
 * `MediaError('MEDIA_TRUNCATED')` with the byte offset.
 *
 * @example
 * const r = new BitReader(sliceNal, { offset: 1 });
 * const firstMbInSlice = r.ue();
 * const sliceType = r.ue();
 */
export class BitReader {
  private readonly data: Uint8Array;
  private readonly ep: boolean;
  private pos: number;
  private zeros = 0;
  private cur = 0;
  /** Bits of `cur` not yet read (0..8). */
  private avail = 0;
  private consumed = 0;

  constructor(data: Uint8Array, opts: BitReaderOptions = {}) {
    this.data = data;
    this.pos = opts.offset ?? 0;
    this.ep = opts.emulationPrevention ?? true;
  }

  /** Bits read so far (RBSP bits: emulation prevention bytes do not count). */
  get bitsRead(): number {
    return this.consumed;
  }

  /** Byte offset in the underlying buffer of the next unread byte. */
  get byteOffset(): number {
    return this.pos;
  }

  /** True when the reader sits on a byte boundary of the RBSP. */
  get byteAligned(): boolean {
    return this.avail === 0;
  }

  /** True while at least one more bit can be read. */
  get hasMore(): boolean {
    return this.avail > 0 || this.pos < this.data.length;
  }

  /** u(1) as a boolean. */
  flag(): boolean {
    return this.bit() === 1;
  }

  /** One bit. */
  bit(): number {
    if (this.avail === 0) {
      this.cur = this.nextByte();
      this.avail = 8;
    }
    this.avail--;
    this.consumed++;
    return (this.cur >> this.avail) & 1;
  }

  /** u(n), n ≤ 32, as a non-negative number. */
  u(n: number): number {
    let v = 0;
    for (let i = 0; i < n; i++) v = v * 2 + this.bit();
    return v;
  }

  /** Skips `n` bits. */
  skip(n: number): void {
    for (let i = 0; i < n; i++) this.bit();
  }

  /**
   * ue(v): unsigned Exp-Golomb (H.264 §9.1). More than 31 leading zeros cannot code a 32-bit value
   * and throws `MEDIA_BAD_EXP_GOLOMB`.
   */
  ue(): number {
    let lz = 0;
    while (this.bit() === 0) {
      if (++lz > 31) {
        throw new MediaError('MEDIA_BAD_EXP_GOLOMB', 'Exp-Golomb code longer than 32 bits', {
          offset: this.pos,
        });
      }
    }
    return 2 ** lz - 1 + this.u(lz);
  }

  /** se(v): signed Exp-Golomb (H.264 §9.1.1): 0, 1, -1, 2, -2, ... */
  se(): number {
    const k = this.ue();
    return k % 2 === 1 ? (k + 1) / 2 : k === 0 ? 0 : -(k / 2);
  }

  private nextByte(): number {
    if (this.pos >= this.data.length) this.truncated();
    let b = this.data[this.pos] as number;
    if (this.ep && this.zeros >= 2 && b === 3) {
      this.pos++;
      this.zeros = 0;
      if (this.pos >= this.data.length) this.truncated();
      b = this.data[this.pos] as number;
    }
    this.zeros = b === 0 ? this.zeros + 1 : 0;
    this.pos++;
    return b;
  }

  private truncated(): never {
    throw new MediaError('MEDIA_TRUNCATED', 'bitstream ends early', { offset: this.pos });
  }
}
