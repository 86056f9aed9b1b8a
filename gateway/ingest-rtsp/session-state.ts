import { RtspError } from './errors.ts';

/**
 * The client's session states. RFC 2326 Appendix A.1 gives the client state machine:
 *
 * ```
 *   state      message sent    next state after response
 *   Init       SETUP           Ready
 *              TEARDOWN        Init
 *   Ready      PLAY            Playing
 *              RECORD          Recording
 *              TEARDOWN        Init
 *              SETUP           Ready
 *   Playing    PAUSE           Ready
 *              TEARDOWN        Init
 *              PLAY            Playing
 *              SETUP           Playing (changed transport)
 * ```
 *
 * A pulling client refines Init into the steps before SETUP, sets up one track after another, and
 * ends in `closed` (RFC's Init after TEARDOWN, plus "the connection is gone"):
 *
 * ```
 *   init --connect--> options --ok--> describe --ok--> setup --last track--> play --ok--> playing
 *                       ^    |            |             |  ^
 *                       |    +-redirect---+             +--+ more tracks
 *                       +----redirect (3xx: new connection, bounded)
 *
 *   setup | play | playing --close--> teardown --done--> closed
 *   any other state        --close--> closed
 *   any state              --fail---> closed
 * ```
 */
export type SessionState =
  'init' | 'options' | 'describe' | 'setup' | 'play' | 'playing' | 'teardown' | 'closed';

export type SessionEvent =
  | 'connect'
  | 'options-ok'
  | 'describe-ok'
  | 'setup-more'
  | 'setup-done'
  | 'play-ok'
  | 'redirect'
  | 'close'
  | 'teardown-done'
  | 'fail';

/**
 * The one transition function. Throws `RTSP_ILLEGAL_TRANSITION` for an event the diagram does not
 * have in that state.
 *
 * @example
 * let s: SessionState = 'init';
 * s = nextSessionState(s, 'connect'); // 'options'
 */
export function nextSessionState(state: SessionState, event: SessionEvent): SessionState {
  if (event === 'fail') return 'closed';
  if (event === 'close') {
    if (state === 'closed') return 'closed';
    return state === 'setup' || state === 'play' || state === 'playing' ? 'teardown' : 'closed';
  }
  const table: Partial<Record<SessionState, Partial<Record<SessionEvent, SessionState>>>> = {
    init: { connect: 'options' },
    options: { 'options-ok': 'describe', redirect: 'options' },
    describe: { 'describe-ok': 'setup', redirect: 'options' },
    setup: { 'setup-more': 'setup', 'setup-done': 'play' },
    play: { 'play-ok': 'playing' },
    teardown: { 'teardown-done': 'closed' },
  };
  const next = table[state]?.[event];
  if (next === undefined) {
    throw new RtspError('RTSP_ILLEGAL_TRANSITION', `no transition from ${state} on ${event}`);
  }
  return next;
}
