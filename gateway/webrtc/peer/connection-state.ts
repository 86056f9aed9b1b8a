import { PeerError } from './errors.ts';

/**
 * The aggregate state of a peer connection, as W3C webrtc-pc §4.4.3 defines
 * RTCPeerConnectionState from the ICE and DTLS transports:
 *
 *            +-----+   offer applied    +------------+  ICE selected + DTLS done  +-----------+
 *            | new | -----------------> | connecting | -------------------------> | connected |
 *            +-----+                    +------------+                            +-----------+
 *               |                          |      |                                 |      ^
 *               |                          |      | ICE or DTLS failed              |      | consent back
 *               |                          |      v                                 v      |
 *               |                          |   +--------+  consent lost    +--------------+
 *               |                          |   | failed | <--------------- | disconnected |
 *               |                          |   +--------+                  +--------------+
 *               |         close()          v        |                             |
 *               +----------------------> closed <----+-----------------------------+
 */
export type ConnectionState = 'new' | 'connecting' | 'connected' | 'disconnected' | 'failed' | 'closed';

const NEXT: Record<ConnectionState, readonly ConnectionState[]> = {
  new: ['connecting', 'closed', 'failed'],
  connecting: ['connected', 'failed', 'closed'],
  connected: ['disconnected', 'failed', 'closed'],
  disconnected: ['connected', 'failed', 'closed'],
  failed: ['closed'],
  closed: [],
};

/** The one transition function; an illegal step is a typed error (a bug, not input). */
export function nextConnectionState(from: ConnectionState, to: ConnectionState): ConnectionState {
  if (from === to) return from;
  if (!NEXT[from].includes(to))
    throw new PeerError('PEER_STATE', `illegal connection state change ${from} -> ${to}`);
  return to;
}
