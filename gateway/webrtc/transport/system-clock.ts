import type { Clock, Timer } from './clock.ts';

/*
 * The one place under webrtc/ where real time enters; every protocol module gets it injected.
 */
export const systemClock: Clock = {
  now: () => performance.now(),
  wallNow: () => Date.now(),
  setTimer(ms: number, fn: () => void): Timer {
    const h = setTimeout(fn, ms);
    h.unref();
    return { cancel: () => clearTimeout(h) };
  },
};
