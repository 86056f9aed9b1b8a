import type { Clock, Timer } from '../transport/index.ts';

/**
 * Retransmission timing of a STUN client transaction over UDP (RFC 8489 §6.2.1): the request is sent,
 * then re-sent after RTO, 2*RTO, ... (capped at `maxRto`), `maxAttempts` sends in all; the transaction
 * fails `maxRto`-capped RTO after the last send. RFC 8445 §14.3 sets the initial RTO for checks to
 * MAX(500 ms, Ta * (waiting + in-progress pairs)); the agent passes that in.
 */
export interface TransactionTiming {
  rto: number;
  maxRto: number;
  maxAttempts: number;
}

/**
 * One outstanding request: after {@link start}, resends the same bytes on the clock until
 * {@link finish} or timeout.
 * Responses are matched by the caller (transaction ID map); this only keeps time.
 */
export class ClientTransaction {
  private timer: Timer | undefined;
  private attempts = 0;
  private rto: number;
  private done = false;
  readonly sentAt: number;

  constructor(
    private readonly clock: Clock,
    private readonly timing: TransactionTiming,
    private readonly transmit: () => void,
    private readonly onTimeout: () => void,
  ) {
    this.rto = timing.rto;
    this.sentAt = clock.now();
  }

  /** Sends the request the first time and arms the retransmission timer. */
  start(): void {
    if (this.attempts === 0) this.send();
  }

  /** Number of times the request was sent so far. */
  get sends(): number {
    return this.attempts;
  }

  /** Stops retransmitting (a response arrived, or the agent gave up on it). Idempotent. */
  finish(): void {
    this.done = true;
    this.timer?.cancel();
    this.timer = undefined;
  }

  private send(): void {
    if (this.done) return;
    this.attempts++;
    this.transmit();
    if (this.done) return; // transmit may fail and finish us
    const wait = Math.min(this.rto, this.timing.maxRto);
    this.rto *= 2;
    this.timer = this.clock.setTimer(wait, () => {
      this.timer = undefined;
      if (this.done) return;
      if (this.attempts >= this.timing.maxAttempts) {
        this.done = true;
        this.onTimeout();
      } else this.send();
    });
  }
}
