/**
 * Which nominated pair carries data (RFC 8445 §8.1.2): the first nominated pair is selected; a
 * later nomination replaces it only with a higher priority (a lite agent follows the controlling
 * side's renomination), except right after an ICE restart (§9), when the peer's first nomination
 * with the new credentials is taken whatever its priority. A nomination that arrives before
 * `start()` is remembered and applied then.
 */
import type { IceLogger } from './agent-options.ts';
import type { IceState } from './agent-state.ts';
import type { CandidatePair } from './candidate-pair.ts';

/** `first`: the agent just got its first selected pair; `changed`: another pair took over; `ignored`: nothing changed. */
export type SelectResult = 'first' | 'changed' | 'ignored';

export class PairSelection {
  private current: CandidatePair | undefined;
  /** A pair nominated to us before start(); selected when the agent starts. */
  private early: CandidatePair | undefined;
  /** Set by an ICE restart: the next pair the peer nominates is selected whatever its priority. */
  private restarting = false;

  constructor(private readonly log: IceLogger) {}

  /** The pair data flows on, once one is selected. */
  get pair(): CandidatePair | undefined {
    return this.current;
  }

  /** Offers a nominated pair in agent state `state`; says whether the selection changed. */
  choose(p: CandidatePair, state: IceState): SelectResult {
    if (state === 'closed' || state === 'failed') return 'ignored';
    if (state === 'new') {
      if (!this.early || p.priority > this.early.priority) this.early = p;
      return 'ignored';
    }
    const cur = this.current;
    const restarted = this.restarting && cur !== undefined && (p.nominated || p.remoteNominated);
    if (restarted) this.restarting = false;
    if (cur === p || (cur && !restarted && p.priority <= cur.priority)) return 'ignored';
    this.current = p;
    this.log.debug({ remote: p.key, previous: cur?.key }, 'selected pair');
    return cur ? 'changed' : 'first';
  }

  /** The nomination that came before start(), once. */
  takeEarly(): CandidatePair | undefined {
    const p = this.early;
    this.early = undefined;
    return p;
  }

  /** The peer moved its data to another pair it nominated (data-path.ts): that pair is selected. */
  follow(p: CandidatePair): void {
    this.current = p;
  }

  /** ICE restart (§9): the previous pair stays until the peer nominates again. */
  restart(): void {
    this.restarting = this.current !== undefined;
  }
}
