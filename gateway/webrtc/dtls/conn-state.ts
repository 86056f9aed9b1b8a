import { DtlsStateError } from './errors.ts';

/**
 * The lifecycle of a DTLS association as a conn (RFC 6347 §4.2.4 runs the handshake inside
 * `handshaking`; RFC 5246 §7.2.1 close_notify or a fatal alert ends it):
 *
 *   +-------------+  Finished verified   +-----------+
 *   | handshaking | -------------------> | connected |
 *   +-------------+                      +-----------+
 *          |  alert, timeout, abort,           |  close(), close_notify,
 *          |  the conn below closed            |  fatal alert, conn below closed
 *          v                                   v
 *       +--------------------------------------------+
 *       |                   closed                   |
 *       +--------------------------------------------+
 */
export type DtlsConnState = 'handshaking' | 'connected' | 'closed';

const NEXT: Record<DtlsConnState, readonly DtlsConnState[]> = {
  handshaking: ['connected', 'closed'],
  connected: ['closed'],
  closed: [],
};

/** The one transition function; an illegal step is a typed error (a bug, never peer input). */
export function nextDtlsConnState(from: DtlsConnState, to: DtlsConnState): DtlsConnState {
  if (!NEXT[from].includes(to)) throw new DtlsStateError('DTLS conn', from, `-> ${to}`);
  return to;
}
