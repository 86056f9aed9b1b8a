import type { Clock, Timer } from './clock.ts';

interface Pending {
  at: number;
  seq: number;
  fn: () => void;
  cancelled: boolean;
}

/**
 * A clock that moves only when told to: tests drive timers deterministically with
 * {@link ManualClock.advance}. Timers due at the same instant fire in the order they were set.
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
  private queue: Pending[] = [];

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
    this.queue.push(p);
    return { cancel: () => void (p.cancelled = true) };
  }

  /** Number of timers still pending. */
  get pending(): number {
    return this.queue.filter((p) => !p.cancelled).length;
  }

  /** Moves time forward by `ms`, firing every timer that falls due, in time order. */
  advance(ms: number): void {
    const end = this.t + ms;
    for (;;) {
      const next = this.nextDue(end);
      if (!next) break;
      this.t = next.at;
      next.fn();
    }
    this.t = end;
  }

  /** Fires timers until none is left or `limitMs` of virtual time has passed; returns the time moved. */
  runAll(limitMs = 60_000): number {
    const start = this.t;
    const end = start + limitMs;
    for (;;) {
      const next = this.nextDue(end);
      if (!next) break;
      this.t = next.at;
      next.fn();
    }
    return this.t - start;
  }

  private nextDue(end: number): Pending | undefined {
    this.queue = this.queue.filter((p) => !p.cancelled);
    let best: Pending | undefined;
    for (const p of this.queue) {
      if (p.at <= end && (!best || p.at < best.at || (p.at === best.at && p.seq < best.seq))) best = p;
    }
    if (best) this.queue.splice(this.queue.indexOf(best), 1);
    return best;
  }
}
