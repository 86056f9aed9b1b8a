/** A cancellable timer handle returned by {@link Clock.setTimer}. */
export interface Timer {
  cancel(): void;
}

/**
 * Time, injected. Protocol code never calls `setTimeout` or `Date.now` itself, so ICE, DTLS and
 * SCTP run deterministically on a {@link ManualClock} in tests and on {@link systemClock} in the
 * gateway.
 *
 * @example
 * const t = clock.setTimer(500, () => retransmit());
 * t.cancel();
 */
export interface Clock {
  /** Monotonic milliseconds (fractional allowed); only differences are meaningful. */
  now(): number;
  /** Wall-clock milliseconds since the Unix epoch (for NTP timestamps in RTCP SR, certificates). */
  wallNow(): number;
  /** Runs `fn` once after `ms` milliseconds. System timers are unref()'d: they never hold the process. */
  setTimer(ms: number, fn: () => void): Timer;
}
