/**
 * STUN on the agent's one conn (RFC 8445 §7.2.5, §7.3, RFC 7983 demultiplexing): incoming Binding
 * messages are decoded, anything else is counted and dropped (hostile input never throws past the
 * agent); outgoing messages are sent without throwing, because timers send too.
 */
import { addrKey, TransportClosedError, type Addr, type DatagramConn } from '../transport/index.ts';
import { decodeStun, StunError, StunMethod, type DecodedStun } from '../stun/index.ts';
import type { IceAgentStats, IceLogger } from './agent-options.ts';

/** Decodes a datagram that looks like STUN; a Binding message, or undefined (counted in `stunDropped`). */
export function decodeBinding(
  data: Uint8Array,
  stats: IceAgentStats,
  log: IceLogger,
): DecodedStun | undefined {
  let msg: DecodedStun;
  try {
    msg = decodeStun(data);
  } catch (e) {
    if (!(e instanceof StunError)) throw e;
    stats.stunDropped++;
    log.debug({ code: e.code, offset: e.offset }, 'bad STUN dropped');
    return undefined;
  }
  if (msg.method !== StunMethod.Binding) {
    stats.stunDropped++;
    return undefined;
  }
  return msg;
}

/**
 * Sends a STUN message. It never throws: a closed conn calls `onClosed` (the agent closes), other
 * send errors are logged and counted as a lost datagram (as UDP would lose it).
 */
export function sendStun(
  io: DatagramConn,
  bytes: Uint8Array,
  to: Addr,
  stats: IceAgentStats,
  log: IceLogger,
  onClosed: (e: TransportClosedError) => void,
): void {
  try {
    io.send(bytes, to);
  } catch (e) {
    if (e instanceof TransportClosedError) onClosed(e);
    else {
      stats.sendErrors++;
      log.warn({ err: e, to: addrKey(to) }, 'STUN send failed');
    }
  }
}
