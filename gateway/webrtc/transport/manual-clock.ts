import type { Clock, Timer } from './clock.ts';

interface Pending {
  at: number;
  seq: number;
  fn: () => void;
  cancelled: boolean;
}

function before(a: Pending, b: Pending): boolean {
  return a.at < b.at || (a.at === b.at && a.seq < b.seq);
}

/**
 * A clock that moves only when told to: tests drive timers deterministically with
 * {@link ManualClock.advance}. Timers due at the same instant fire in the order they were set.
 * Timers sit in a binary heap (cancelled ones are skipped lazily), so a virtual network with
 * thousands of datagrams in flight costs O(log n) per timer, not a scan.
 *
 * @example
 * const clock = new ManualClock();
 * clock.setTimer(100, () => fired = true);
 * clock.advance(100); // fired === true
 */
export class ManualClock implements Clock {
  private t: number;
  private readonly wallOrigin: number;
  private seq = 0;
  private readonly heap: Pending[] = [];
  private live = 0;

  constructor(start = 0, wallOrigin = 1_700_000_000_000) {
    this.t = start;
    this.wallOrigin = wallOrigin;
  }

  now(): number {
    return this.t;
  }

  wallNow(): number {
    return this.wallOrigin + this.t;
  }

  setTimer(ms: number, fn: () => void): Timer {
    const p: Pending = { at: this.t + Math.max(0, ms), seq: this.seq++, fn, cancelled: false };
    this.push(p);
    this.live++;
    return {
      cancel: () => {
        if (p.cancelled) return;
        p.cancelled = true;
        this.live--;
      },
    };
  }

  /** Number of timers still pending. */
  get pending(): number {
    return this.live;
  }

  /** Moves time forward by `ms`, firing every timer that falls due, in time order. */
  advance(ms: number): void {
    const end = this.t + ms;
    this.fireUntil(end);
    this.t = end;
  }

  /** Fires timers until none is left or `limitMs` of virtual time has passed; returns the time moved. */
  runAll(limitMs = 60_000): number {
    const start = this.t;
    this.fireUntil(start + limitMs);
    return this.t - start;
  }

  private fireUntil(end: number): void {
    for (;;) {
      const next = this.nextDue(end);
      if (!next) break;
      this.t = next.at;
      next.fn();
    }
  }

  /** Pops the earliest live timer due at or before `end`. */
  private nextDue(end: number): Pending | undefined {
    for (;;) {
      const top = this.heap[0];
      if (top === undefined || top.at > end) return undefined;
      this.pop();
      if (top.cancelled) continue;
      top.cancelled = true; // fired: a later cancel() is a no-op
      this.live--;
      return top;
    }
  }

  private push(p: Pending): void {
    const h = this.heap;
    let i = h.push(p) - 1;
    while (i > 0) {
      const parent = (i - 1) >> 1;
      const up = h[parent] as Pending;
      if (!before(p, up)) break;
      h[i] = up;
      i = parent;
    }
    h[i] = p;
  }

  private pop(): void {
    const h = this.heap;
    const last = h.pop() as Pending;
    if (h.length === 0) return;
    let i = 0;
    for (;;) {
      const l = 2 * i + 1;
      if (l >= h.length) break;
      const r = l + 1;
      const c = r < h.length && before(h[r] as Pending, h[l] as Pending) ? r : l;
      if (!before(h[c] as Pending, last)) break;
      h[i] = h[c] as Pending;
      i = c;
    }
    h[i] = last;
  }
}
