import { addrKey, type Addr } from '../transport/index.ts';
import type { Candidate } from './candidate.ts';
import { IceError } from './errors.ts';
import { pairPriority } from './priority.ts';

/**
 * Candidate-pair states (RFC 8445 §6.1.2.6, Figure 6):
 *
 *      +-----------+
 *      |           |
 *      |           |
 *      |  Frozen   |
 *      |           |
 *      |           |
 *      +-----------+
 *            |
 *            |unfreeze
 *            |
 *            V
 *      +-----------+         +-----------+
 *      |           |         |           |
 *      |           | perform |           |
 *      |  Waiting  |-------->|In-Progress|
 *      |           |         |           |
 *      |           |         |           |
 *      +-----------+         +-----------+
 *                                  / |
 *                                //  |
 *                              //    |
 *                            //      |
 *                           /        |
 *                         //         |
 *               failure //           |success
 *                     //             |
 *                    /               |
 *                  //                |
 *                //                  |
 *              //                    |
 *             V                      V
 *      +-----------+         +-----------+
 *      |           |         |           |
 *      |           |         |           |
 *      |   Failed  |         | Succeeded |
 *      |           |         |           |
 *      |           |         |           |
 *      +-----------+         +-----------+
 *
 * Besides the figure: a triggered check (§7.3.1.4) moves a Failed pair back to Waiting, and a role
 * conflict (§7.2.5.1) puts an In-Progress pair back to Waiting for a new check.
 */
export type PairState = 'frozen' | 'waiting' | 'in-progress' | 'succeeded' | 'failed';

const PAIR_TRANSITIONS: Record<PairState, readonly PairState[]> = {
  frozen: ['waiting'],
  waiting: ['in-progress'],
  'in-progress': ['succeeded', 'failed', 'waiting'],
  succeeded: [],
  failed: ['waiting'],
};

/** The one transition function of a pair; illegal moves raise `ICE_BAD_TRANSITION`. */
export function nextPairState(from: PairState, to: PairState): PairState {
  if (!PAIR_TRANSITIONS[from].includes(to)) {
    throw new IceError('ICE_BAD_TRANSITION', `candidate pair cannot go from ${from} to ${to}`, {
      state: from,
    });
  }
  return to;
}

/**
 * A local/remote candidate pair of the checklist (RFC 8445 §6.1.2). All local candidates of an agent
 * share its one conn, so `remoteAddr` alone says where checks and data go.
 */
export class CandidatePair {
  readonly local: Candidate;
  readonly remote: Candidate;
  readonly remoteAddr: Addr;
  readonly key: string;
  /** RFC 8445 §6.1.2.3, recomputed when the agent's role changes. */
  priority: bigint;
  private s: PairState;
  /** The controlling side nominated this pair (USE-CANDIDATE acknowledged / received on a valid pair). */
  nominated = false;
  /** The peer sent USE-CANDIDATE on this pair before our own check on it succeeded (§7.3.1.5). */
  remoteNominated = false;
  /** Our address as the peer saw it (XOR-MAPPED-ADDRESS of the success response); a local prflx if new. */
  mappedAddr: Addr | undefined;
  /** Round-trip time of the last successful check, in clock milliseconds. */
  rtt: number | undefined;

  constructor(
    local: Candidate,
    remote: Candidate,
    remoteAddr: Addr,
    controlling: boolean,
    initial: PairState,
  ) {
    this.local = local;
    this.remote = remote;
    this.remoteAddr = remoteAddr;
    this.key = addrKey(remoteAddr);
    this.s = initial;
    this.priority = 0n;
    this.setRole(controlling);
  }

  get state(): PairState {
    return this.s;
  }

  /** Moves the pair along {@link nextPairState}. */
  to(state: PairState): void {
    this.s = nextPairState(this.s, state);
  }

  /** `${local foundation}:${remote foundation}` (§6.1.2.6: pairs with the same one unfreeze together). */
  get foundation(): string {
    return `${this.local.foundation}:${this.remote.foundation}`;
  }

  setRole(controlling: boolean): void {
    this.priority = controlling
      ? pairPriority(this.local.priority, this.remote.priority)
      : pairPriority(this.remote.priority, this.local.priority);
  }
}
