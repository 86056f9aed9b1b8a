/**
 * The checklist of the agent's one data stream (RFC 8445 §6.1.2): the candidate pairs, their initial
 * Frozen/Waiting states (§6.1.2.6), the triggered-check queue (§7.3.1.4), the order in which the Ta
 * timer picks the next check (§6.1.4.2) and unfreezing on success (§7.2.5.3.3).
 *
 * Every local candidate shares the agent's one conn, so there is one pair per remote address and
 * pairs are keyed by it (`addrKey`).
 */
import type { Addr } from '../transport/index.ts';
import { CandidatePair } from './candidate-pair.ts';
import type { Candidate } from './candidate.ts';

export class Checklist {
  private readonly pairs = new Map<string, CandidatePair>();
  private triggered: CandidatePair[] = [];

  constructor(
    /** A lite agent's pairs are valid at once; it never checks (RFC 8445 §2.5). */
    private readonly lite: boolean,
    /** Bound on pairs kept (§6.1.2.5 limits checklists). */
    private readonly maxPairs: number,
    /** Our host candidates; all share one conn, so a pair takes the first of the remote's family. */
    private readonly locals: readonly Candidate[],
  ) {}

  get size(): number {
    return this.pairs.size;
  }

  get(key: string): CandidatePair | undefined {
    return this.pairs.get(key);
  }

  has(key: string): boolean {
    return this.pairs.has(key);
  }

  values(): IterableIterator<CandidatePair> {
    return this.pairs.values();
  }

  /** Pairs, highest priority first (§6.1.2.3 ordering). */
  sorted(): CandidatePair[] {
    return [...this.pairs.values()].sort((a, b) =>
      a.priority > b.priority ? -1 : a.priority < b.priority ? 1 : 0,
    );
  }

  /** Creates the pair for a remote candidate; a triggered pair starts Waiting, a lite agent's Succeeded. */
  add(remote: Candidate, a: Addr, controlling: boolean, triggered: boolean): CandidatePair | undefined {
    const local = this.locals.find((l) => (l.address.includes(':') ? 'IPv6' : 'IPv4') === a.family);
    if (!local) return undefined;
    if (this.pairs.size >= this.maxPairs) return undefined;
    if (this.lite) {
      // RFC 8445 §2.5: a lite agent does no checks; a pair is valid once a check arrived on it.
      const p = new CandidatePair(local, remote, a, controlling, 'succeeded');
      this.pairs.set(p.key, p);
      return p;
    }
    const p = new CandidatePair(local, remote, a, controlling, 'frozen');
    const f = p.foundation;
    const siblings = [...this.pairs.values()].filter((q) => q.foundation === f);
    // §6.1.2.6 / RFC 8838 §10: the first pair of a foundation, or one whose foundation already
    // succeeded, is Waiting; others stay Frozen until a sibling succeeds or nothing else is left.
    if (triggered || siblings.length === 0 || siblings.some((q) => q.state === 'succeeded')) p.to('waiting');
    this.pairs.set(p.key, p);
    if (triggered) this.trigger(p);
    return p;
  }

  /** Queues a triggered check (§7.3.1.4), ahead of the ordinary ones; a pair is queued once. */
  trigger(p: CandidatePair): void {
    this.triggered = [p, ...this.triggered.filter((q) => q !== p)];
  }

  clearTriggered(): void {
    this.triggered = [];
  }

  get hasTriggered(): boolean {
    return this.triggered.length > 0;
  }

  /** Whether an ordinary or triggered check is left to send (§6.1.4.2). */
  hasPending(): boolean {
    if (this.triggered.length > 0) return true;
    for (const p of this.pairs.values()) if (p.state === 'waiting' || p.state === 'frozen') return true;
    return false;
  }

  /**
   * The pair to check on this Ta tick (§6.1.4.2): a triggered one still Waiting, else the best
   * Waiting pair, else the best Frozen one, unfrozen now.
   */
  next(): CandidatePair | undefined {
    while (this.triggered.length > 0) {
      const p = this.triggered.shift() as CandidatePair;
      if (p.state === 'waiting') return p;
    }
    const list = this.sorted();
    const next = list.find((p) => p.state === 'waiting') ?? list.find((p) => p.state === 'frozen');
    if (next?.state === 'frozen') next.to('waiting');
    return next;
  }

  /** §7.2.5.3.3: a success unfreezes the pairs with the same foundation. */
  unfreeze(foundation: string): void {
    for (const q of this.pairs.values())
      if (q.state === 'frozen' && q.foundation === foundation) q.to('waiting');
  }

  /** Waiting plus In-Progress pairs, the N of the RTO formula (§14.3). */
  activeCount(): number {
    let active = 0;
    for (const p of this.pairs.values()) if (p.state === 'waiting' || p.state === 'in-progress') active++;
    return active;
  }

  /** Whether there are pairs and every one of them failed (§7.2.5.4: the checklist failed). */
  allFailed(): boolean {
    if (this.pairs.size === 0) return false;
    for (const p of this.pairs.values()) if (p.state !== 'failed') return false;
    return true;
  }

  /** Recomputes pair priorities after a role switch (§6.1.2.3 depends on who controls). */
  setRole(controlling: boolean): void {
    for (const p of this.pairs.values()) p.setRole(controlling);
  }

  /** Forgets every pair but `keep` (ICE restart, §9). */
  retainOnly(keep: CandidatePair | undefined): void {
    for (const [key, p] of this.pairs) if (p !== keep) this.pairs.delete(key);
  }
}
