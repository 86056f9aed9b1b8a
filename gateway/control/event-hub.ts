import { matchesFilter } from './event-source.ts';
import type { EventFilter, EventSource, GatewayEvent } from './event-source.ts';

/** What a publisher gives: the hub stamps `seq` and `time`. */
export type EventInput = Omit<GatewayEvent, 'seq' | 'time' | 'sessionId' | 'reason'> &
  Partial<Pick<GatewayEvent, 'sessionId' | 'reason'>>;

/** An in-process {@link EventSource} that parts of the gateway publish to. */
export interface EventHub extends EventSource {
  /** Stamps seq and time, and delivers to every matching subscriber, synchronously. */
  publish(event: EventInput): GatewayEvent;
  /** Subscribers now. */
  readonly subscribers: number;
  /** The seq of the last published event (0 before any). */
  readonly lastSeq: number;
}

/**
 * @example
 * const events = createEventHub();
 * const stop = events.subscribe({ kinds: ['stream_offline'] }, (e) => log(e));
 * events.publish({ kind: 'stream_offline', streamName: 'cam-1', reason: 'connection refused' });
 * stop();
 */
export function createEventHub(now: () => Date = () => new Date()): EventHub {
  const subs = new Map<number, { filter: EventFilter; onEvent: (e: GatewayEvent) => void }>();
  let nextId = 0;
  let seq = 0;
  return {
    publish(input) {
      const event: GatewayEvent = { sessionId: '', reason: '', ...input, seq: ++seq, time: now() };
      for (const s of [...subs.values()]) if (matchesFilter(s.filter, event)) s.onEvent(event);
      return event;
    },
    subscribe(filter, onEvent) {
      const id = nextId++;
      subs.set(id, { filter, onEvent });
      return () => void subs.delete(id);
    },
    get subscribers() {
      return subs.size;
    },
    get lastSeq() {
      return seq;
    },
  };
}
