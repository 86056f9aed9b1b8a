import { NotFoundError } from './errors.ts';
import type { EventInput } from './event-hub.ts';
import type { SessionInfo, SessionRegistry } from './session-registry.ts';

/** An in-memory {@link SessionRegistry} the WHEP layer keeps up to date. */
export interface SessionTable extends SessionRegistry {
  /** Adds or replaces a session (by id); the first time, publishes session_opened. */
  upsert(session: SessionInfo): void;
  /** Forgets a session that ended on its own; publishes session_closed with `reason`. */
  delete(id: string, reason: string): void;
  readonly size: number;
}

/**
 * @param disconnect tears the real session down (the WHEP session's close); called by `close`
 *   before the entry is removed.
 * @example
 * const sessions = createSessionTable((id, reason) => whep.close(id, reason), events);
 * sessions.upsert({ id, streamName: 'demo', remoteAddress: '', state: 'new', ... });
 */
export function createSessionTable(
  disconnect: (id: string, reason: string) => void | Promise<void>,
  events?: { publish(event: EventInput): unknown },
): SessionTable {
  const sessions = new Map<string, SessionInfo>();
  const forget = (id: string, reason: string): void => {
    const s = sessions.get(id);
    if (s === undefined) return;
    sessions.delete(id);
    events?.publish({ kind: 'session_closed', streamName: s.streamName, sessionId: id, reason });
  };
  return {
    list: () => [...sessions.values()],
    async close(id, reason) {
      if (!sessions.has(id)) throw new NotFoundError('session', id);
      await disconnect(id, reason);
      forget(id, reason);
    },
    upsert(session) {
      const isNew = !sessions.has(session.id);
      sessions.set(session.id, session);
      if (isNew)
        events?.publish({ kind: 'session_opened', streamName: session.streamName, sessionId: session.id });
    },
    delete: forget,
    get size() {
      return sessions.size;
    },
  };
}
