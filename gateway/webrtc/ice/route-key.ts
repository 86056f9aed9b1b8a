import { decodeStun, isStun, StunMethod } from '../stun/index.ts';

/**
 * For a single-port UDP mux (DESIGN.md: demux by ICE ufrag, then by remote address): the local ufrag
 * a datagram is addressed to, when it is a STUN Binding request — the part of USERNAME before ':'
 * (RFC 8445 §7.2.2: USERNAME is `<receiver's ufrag>:<sender's ufrag>`). Undefined for anything else,
 * including malformed STUN. Integrity is not checked here; the agent that gets the datagram checks it.
 *
 * @example
 * const ufrag = routeKey(datagram); // 'Ab3x' for USERNAME 'Ab3x:peer'
 */
export function routeKey(data: Uint8Array): string | undefined {
  if (!isStun(data) || data[0] !== 0x00 || data[1] !== 0x01) return undefined; // Binding request only
  try {
    const m = decodeStun(data);
    if (m.method !== StunMethod.Binding || m.cls !== 'request') return undefined;
    const u = m.attrs.username;
    if (u === undefined) return undefined;
    const colon = u.indexOf(':');
    return colon > 0 ? u.slice(0, colon) : undefined;
  } catch {
    return undefined;
  }
}
