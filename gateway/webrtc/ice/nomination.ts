/**
 * Regular nomination by the controlling agent (RFC 8445 §8.1.1): once the best possible pair is
 * valid, or `nominationDelay` after the first valid pair (so a better pair still being checked
 * gets its chance), the best valid pair is checked again with USE-CANDIDATE. A pair whose
 * nominating check times out is not nominated again.
 */
import type { Clock, Timer } from '../transport/index.ts';
import type { IceLogger } from './agent-options.ts';
import type { CandidatePair } from './candidate-pair.ts';
import type { Checklist } from './checklist.ts';

export interface NominationHost {
  /** Whether nomination may run now: a full controlling agent, checking, with nothing selected. */
  mayNominate(): boolean;
  /** Arms the Ta timer so the nominating check goes out. */
  schedule(): void;
}

export class RegularNomination {
  /** The pair whose USE-CANDIDATE check is queued or in flight. */
  private nominating: CandidatePair | undefined;
  /** The nominating check still to send on the next Ta tick. */
  private nominateNext: CandidatePair | undefined;
  private timer: Timer | undefined;
  private deadline = false;
  private readonly failed = new Set<string>();

  constructor(
    private readonly clock: Clock,
    private readonly delay: number,
    private readonly checklist: Checklist,
    private readonly log: IceLogger,
    private readonly host: NominationHost,
  ) {}

  /** Nominates the best valid pair when it is time (see the file comment). */
  maybeNominate(): void {
    if (!this.host.mayNominate() || this.nominating) return;
    let best: CandidatePair | undefined;
    for (const p of this.checklist.values()) {
      if (p.state === 'succeeded' && !this.failed.has(p.key) && (!best || p.priority > best.priority)) {
        best = p;
      }
    }
    if (!best) return;
    const b = best;
    const better = [...this.checklist.values()].some(
      (p) =>
        p.priority > b.priority &&
        (p.state === 'frozen' || p.state === 'waiting' || p.state === 'in-progress'),
    );
    if (!better || this.deadline) {
      this.cancelTimer();
      this.nominating = b;
      this.nominateNext = b;
      this.log.debug({ remote: b.key }, 'nominating');
      this.host.schedule();
    } else if (!this.timer) {
      this.timer = this.clock.setTimer(this.delay, () => {
        this.timer = undefined;
        this.deadline = true;
        this.maybeNominate();
      });
    }
  }

  /** Whether a nominating check waits for the next Ta tick. */
  get pending(): boolean {
    return this.nominateNext !== undefined;
  }

  /** Takes the nominating check for this Ta tick (it goes before triggered checks). */
  takeNext(): CandidatePair | undefined {
    const p = this.nominateNext;
    this.nominateNext = undefined;
    return p;
  }

  /** The nominating check on `p` timed out: never nominate it again, try the next best. */
  timedOut(p: CandidatePair): void {
    if (this.nominating !== p) return;
    this.failed.add(p.key);
    this.nominating = undefined;
    this.maybeNominate();
  }

  /** The nominating check on `p` hit a role conflict (§7.2.5.1): it is void. */
  abandon(p: CandidatePair): void {
    if (this.nominating === p) this.nominating = undefined;
  }

  /** Nothing is being nominated any more (a pair is selected, or we became controlled). */
  clear(): void {
    this.nominating = undefined;
    this.nominateNext = undefined;
  }

  /** We became controlled (§7.3.1.1): nothing to nominate, no deadline pending. */
  stop(): void {
    this.clear();
    this.cancelTimer();
  }

  cancelTimer(): void {
    this.timer?.cancel();
    this.timer = undefined;
  }
}
