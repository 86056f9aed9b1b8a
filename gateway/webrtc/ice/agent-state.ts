import { IceError } from './errors.ts';

/**
 * The agent's state, named like `RTCIceTransportState` (W3C webrtc-pc §5.6). RFC 8445 itself only
 * has Running/Completed/Failed per checklist (§6.1.2.1); `connected`, `disconnected` and `closed`
 * add what a transport user needs: a selected pair usable for data, RFC 7675 consent in doubt, and
 * the end.
 *
 *                 start()
 *     new ------------------> checking ------------------------------+
 *      |                         |  pair selected                    |
 *      |                         v                                   |
 *      |                     connected <-----------+                 |  all pairs failed after
 *      |                         |  no checks left,|consent          |  end-of-candidates,
 *      |                         |  end-of-cands   |restored         |  connect timeout,
 *      |                         v                 |                 |  consent lost
 *      |                     completed ------> disconnected ---------+----> failed
 *      |                                      (no consent for                  |
 *      |                                       disconnectedTimeout)            |
 *      +-------------------------- any state: close() ------------------------+--> closed
 *
 * `connected`/`completed` may also go straight to `failed` (consent lost) or `disconnected`.
 */
export type IceState = 'new' | 'checking' | 'connected' | 'completed' | 'disconnected' | 'failed' | 'closed';

const TRANSITIONS: Record<IceState, readonly IceState[]> = {
  new: ['checking', 'closed'],
  checking: ['connected', 'failed', 'closed'],
  connected: ['completed', 'disconnected', 'failed', 'closed'],
  completed: ['disconnected', 'failed', 'closed'],
  disconnected: ['connected', 'completed', 'failed', 'closed'],
  failed: ['closed'],
  closed: [],
};

/** The one transition function of the agent; illegal moves raise `ICE_BAD_TRANSITION`. */
export function nextIceState(from: IceState, to: IceState): IceState {
  if (!TRANSITIONS[from].includes(to)) {
    throw new IceError('ICE_BAD_TRANSITION', `ICE agent cannot go from ${from} to ${to}`, { state: from });
  }
  return to;
}
