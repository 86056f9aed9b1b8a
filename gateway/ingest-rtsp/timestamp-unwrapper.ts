/**
 * Unwraps 32-bit RTP timestamps (RFC 3550 §5.1: random start, wraps modulo 2^32) into a number that
 * keeps growing, as media `Frame`s want. A step is read as a signed 32-bit difference, so a
 * timestamp slightly older than the last (B-frames, reordering) goes back a little instead of
 * forward by 2^32.
 *
 * @example
 * const u = new TimestampUnwrapper();
 * u.unwrap(0xfffffff0); // 4294967280
 * u.unwrap(0x10);       // 4294967312
 */
export class TimestampUnwrapper {
  private last: number | undefined;
  private value = 0;

  unwrap(ts: number): number {
    const t = ts >>> 0;
    if (this.last === undefined) {
      this.value = t;
    } else {
      this.value += ((t - this.last) | 0) as number;
    }
    this.last = t;
    return this.value;
  }
}
