/**
 * The sliding replay window of RFC 3711 §3.3.2, as a ring bitmap.
 *
 * It remembers the highest authenticated index and which of the `size` indices just below it were
 * received. Bit (index mod size) marks index; when the highest index advances, the bits of the
 * indices skipped over are cleared. `size` is a power of two >= 64 (the RFC's minimum); checks and
 * updates are O(1) except an advance, which is O(min(jump, size) / 32).
 *
 * ```
 *        too old        |<------------- window (size) ------------->|   new
 *   ... ----------------+--------------------------------------------+-------->
 *                     highest - size                              highest        index
 * ```
 *
 * The window is only updated after the packet authenticates (§3.3.2: "the replay list SHOULD be
 * updated ... after the packet is authenticated"), so forged packets cannot move it.
 */
export class ReplayWindow {
  readonly size: number;
  private readonly bits: Uint32Array;
  private readonly mask: number;
  /** Highest index accepted so far; -1 before the first. */
  highest = -1;

  constructor(size: number) {
    let s = 64;
    while (s < size) s *= 2;
    this.size = s;
    this.mask = s - 1;
    this.bits = new Uint32Array(s / 32);
  }

  /** 'ok' if `index` may be accepted, else why not. Does not change the window. */
  check(index: number): 'ok' | 'duplicate' | 'too-old' {
    if (index > this.highest) return 'ok';
    if (index < 0 || index <= this.highest - this.size) return 'too-old';
    const bit = index & this.mask;
    return ((this.bits[bit >>> 5] as number) & (1 << (bit & 31))) !== 0 ? 'duplicate' : 'ok';
  }

  /** Record `index` as received (after it authenticated and passed {@link check}). */
  accept(index: number): void {
    const bits = this.bits;
    if (index > this.highest) {
      const jump = index - this.highest;
      if (this.highest < 0 || jump >= this.size) {
        bits.fill(0);
      } else {
        for (let i = this.highest + 1; i < index; i++) {
          const b = i & this.mask;
          bits[b >>> 5] = (bits[b >>> 5] as number) & ~(1 << (b & 31));
        }
      }
      this.highest = index;
    }
    const bit = index & this.mask;
    bits[bit >>> 5] = (bits[bit >>> 5] as number) | (1 << (bit & 31));
  }
}
