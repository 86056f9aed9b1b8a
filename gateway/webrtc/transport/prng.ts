/**
 * A small seeded pseudo-random generator (mulberry32) so the virtual network's loss, jitter and
 * duplication repeat exactly for a given seed. Not for anything secret: use node:crypto there.
 *
 * @example
 * const r = new Prng(42);
 * r.next(); // the same sequence of [0, 1) floats on every run
 */
export class Prng {
  private s: number;

  constructor(seed: number) {
    this.s = seed >>> 0;
  }

  /** A float in [0, 1). */
  next(): number {
    this.s = (this.s + 0x6d2b79f5) >>> 0;
    let z = this.s;
    z = Math.imul(z ^ (z >>> 15), z | 1);
    z ^= z + Math.imul(z ^ (z >>> 7), z | 61);
    return ((z ^ (z >>> 14)) >>> 0) / 4294967296;
  }

  /** True with probability `p` (never draws when p ≤ 0, so adding a zero knob keeps old sequences). */
  chance(p: number): boolean {
    return p > 0 && this.next() < p;
  }
}
