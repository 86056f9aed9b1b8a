/**
 * Driving our flights through the flight state machine (flight-state.ts, RFC 6347 §4.2.4): a flight
 * is sent and, unless it ends the handshake, retransmitted on a timer that starts at
 * `retransmitInitialMs` and doubles up to `retransmitMaxMs` (§4.2.4.1) until the peer's next flight
 * arrives. When the peer repeats its previous flight, ours was lost: it is sent again at once (at
 * most once per quarter of the initial timeout, so a burst of repeated records costs one resend).
 */
import type { Timer } from '../transport/index.ts';
import type { FlightItem } from './flight.ts';
import { flightTransition, type FlightEvent, type FlightState } from './flight-state.ts';
import type { ResolvedOptions } from './options.ts';
import type { DtlsStats } from './stats.ts';

export interface FlightHost {
  isClosed(): boolean;
  /** Sends a flight's records (sealed afresh). */
  transmit(items: readonly FlightItem[]): void;
  /** Sends a flight again; a failure becomes a fatal alert instead of throwing. */
  retransmit(items: readonly FlightItem[]): void;
  /** Runs timer work the way datagrams are run (re-entry deferred). */
  runExclusive(fn: () => void): void;
}

export class FlightSender {
  private flight: FlightState = 'preparing';
  private lastFlight: FlightItem[] = [];
  private lastFlightIsLast = false;
  /** message_seq of the peer's first message after our last flight; lower ones are its previous flight. */
  private peerStart = 0;
  private rto: number;
  private timer: Timer | undefined;
  private lastPeerRetransmit = -Infinity;

  constructor(
    private readonly options: ResolvedOptions,
    private readonly stats: DtlsStats,
    private readonly host: FlightHost,
  ) {
    this.rto = options.retransmitInitialMs;
  }

  /** The first message_seq of the flight we expect from the peer. */
  get peerFlightStart(): number {
    return this.peerStart;
  }

  /** Sends our next flight; `last` when it ends the handshake. `peerNextSeq`: the peer's next message_seq. */
  send(items: FlightItem[], last: boolean, peerNextSeq: number): void {
    if (this.flight === 'waiting') this.step('received-flight');
    this.timer?.cancel();
    this.lastFlight = items;
    this.lastFlightIsLast = last;
    this.rto = this.options.retransmitInitialMs;
    this.peerStart = peerNextSeq;
    this.step('send');
    this.lastPeerRetransmit = this.options.clock.now();
    this.host.transmit(items);
    this.step(last ? 'sent-last' : 'sent');
    if (!last) this.arm();
  }

  /** The peer's last flight arrived: the handshake is done, nothing more to retransmit. */
  finish(): void {
    if (this.flight === 'waiting') this.step('received-last-flight');
    this.stop();
  }

  stop(): void {
    this.timer?.cancel();
  }

  /** The peer repeated its previous flight: ours was lost, send it again (at most once per quarter RTO). */
  onPeerRetransmit(): void {
    if (this.flight !== 'waiting' && !(this.flight === 'finished' && this.lastFlightIsLast)) return;
    const now = this.options.clock.now();
    if (now - this.lastPeerRetransmit < this.options.retransmitInitialMs / 4) return;
    this.lastPeerRetransmit = now;
    this.step('peer-retransmit');
    this.stats.retransmissions++;
    this.host.retransmit(this.lastFlight);
    this.step(this.lastFlightIsLast ? 'sent-last' : 'sent');
  }

  private step(event: FlightEvent): void {
    this.flight = flightTransition(this.flight, event);
  }

  private arm(): void {
    this.timer?.cancel();
    this.timer = this.options.clock.setTimer(this.rto, () => this.host.runExclusive(() => this.onTimer()));
  }

  /** RFC 6347 §4.2.4.1: on expiry retransmit and double the timer, up to the maximum. */
  private onTimer(): void {
    if (this.host.isClosed() || this.flight !== 'waiting') return;
    this.step('timeout');
    this.stats.retransmissions++;
    this.lastPeerRetransmit = this.options.clock.now();
    this.host.retransmit(this.lastFlight);
    this.step('sent');
    this.rto = Math.min(this.rto * 2, this.options.retransmitMaxMs);
    this.arm();
  }
}
