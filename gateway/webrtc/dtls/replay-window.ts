/**
 * Anti-replay sliding window (RFC 6347 §4.1.2.6, the scheme of RFC 4303 §3.4.3).
 *
 * A record is fresh if its sequence number is above the highest seen, or within `size` below it
 * and not yet marked. Marking happens only after the record authenticated (§4.1.2.6: "the receiver
 * MUST NOT update the window until the MAC has been verified"), so {@link check} and {@link mark}
 * are separate.
 *
 * Each slot `seq % size` holds the last sequence number marked there (+1, 0 = empty); a slot can hold
 * a number other than `seq` only for one at least `size` away, which the window already treats as
 * too old, so the slot test is exact.
 */
export class ReplayWindow {
  private top = -1;
  private readonly slots: Float64Array;

  constructor(private readonly size = 64) {
    this.slots = new Float64Array(size);
  }

  /** True when `seq` is new and inside the window. */
  check(seq: number): boolean {
    if (seq > this.top) return true;
    if (this.top - seq >= this.size) return false;
    return this.slots[seq % this.size] !== seq + 1;
  }

  /** Records `seq` as received (call after it authenticated). */
  mark(seq: number): void {
    this.slots[seq % this.size] = seq + 1;
    if (seq > this.top) this.top = seq;
  }
}
