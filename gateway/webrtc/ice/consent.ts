/**
 * Consent freshness (RFC 7675) on the selected pair. A full agent sends a consent check every
 * `consentInterval`, randomised 0.8-1.2x (§5.1); consent is fresh while responses come back. A lite
 * agent sends no checks, so the peer's checks on the selected pair are its evidence of consent.
 * Without fresh consent the agent reports `disconnected` after `disconnectedTimeout`, and after
 * `consentTimeout` consent is lost (§5.1: 30 s) and the agent fails: it must stop sending.
 */
import type { Clock, Timer } from '../transport/index.ts';
import type { ResolvedIceOptions } from './agent-options.ts';
import { IceError } from './errors.ts';

export interface ConsentHost {
  /** Sends a consent check on the selected pair; false when there is none any more (checks stop). */
  sendCheck(): boolean;
  /** No consent for `disconnectedTimeout`. */
  onDisconnected(): void;
  /** No consent for `consentTimeout` (`ICE_CONSENT_LOST`). */
  onLost(err: IceError): void;
}

export class ConsentFreshness {
  private checkTimer: Timer | undefined;
  private disconnectTimer: Timer | undefined;
  private expireTimer: Timer | undefined;

  constructor(
    private readonly clock: Clock,
    private readonly o: Pick<
      ResolvedIceOptions,
      'consentInterval' | 'consentTimeout' | 'disconnectedTimeout' | 'random'
    >,
    private readonly lite: boolean,
    private readonly host: ConsentHost,
  ) {}

  /** A pair was selected: consent starts fresh. */
  start(): void {
    this.refresh();
    if (!this.lite) this.scheduleCheck();
  }

  /** Consent was just confirmed (a response, or for a lite agent a check): re-arm the expiry timers. */
  refresh(): void {
    this.disconnectTimer?.cancel();
    this.expireTimer?.cancel();
    this.disconnectTimer = this.clock.setTimer(this.o.disconnectedTimeout, () => {
      this.disconnectTimer = undefined;
      this.host.onDisconnected();
    });
    this.expireTimer = this.clock.setTimer(this.o.consentTimeout, () => {
      this.expireTimer = undefined;
      this.host.onLost(
        new IceError(
          'ICE_CONSENT_LOST',
          this.lite
            ? `no connectivity check from the peer for ${this.o.consentTimeout} ms`
            : `no consent response for ${this.o.consentTimeout} ms`,
        ),
      );
    });
  }

  stop(): void {
    for (const t of [this.checkTimer, this.disconnectTimer, this.expireTimer]) t?.cancel();
    this.checkTimer = this.disconnectTimer = this.expireTimer = undefined;
  }

  private scheduleCheck(): void {
    // RFC 7675 §5.1: randomised 0.8-1.2 x the interval, so checks do not synchronise.
    const wait = this.o.consentInterval * (0.8 + 0.4 * this.o.random());
    this.checkTimer = this.clock.setTimer(wait, () => {
      this.checkTimer = undefined;
      if (this.host.sendCheck()) this.scheduleCheck();
    });
  }
}
