import * as grpc from '@grpc/grpc-js';
import { InvalidFieldError } from './errors.ts';
import type { EventFilter, EventSource, GatewayEvent, GatewayEventKind } from './event-source.ts';
import type { ControlLogger } from './logger.ts';
import { validateStreamName } from './stream-validation.ts';
import { toTimestamp } from './wire-time.ts';

/** Fully-qualified name of the service these handlers implement. */
export const EVENT_SERVICE = 'edgegw.v1.EventService';

/** Events buffered per watcher before the oldest are dropped (and counted as missed). */
export const DEFAULT_WATCH_BUFFER = 256;

const KIND_TO_WIRE: Record<GatewayEventKind, string> = {
  stream_added: 'EVENT_KIND_STREAM_ADDED',
  stream_updated: 'EVENT_KIND_STREAM_UPDATED',
  stream_removed: 'EVENT_KIND_STREAM_REMOVED',
  stream_online: 'EVENT_KIND_STREAM_ONLINE',
  stream_offline: 'EVENT_KIND_STREAM_OFFLINE',
  stream_retrying: 'EVENT_KIND_STREAM_RETRYING',
  session_opened: 'EVENT_KIND_SESSION_OPENED',
  session_closed: 'EVENT_KIND_SESSION_CLOSED',
};
const WIRE_TO_KIND = new Map(Object.entries(KIND_TO_WIRE).map(([k, w]) => [w, k as GatewayEventKind]));

/** edgegw.v1.WatchEventsRequest as proto-loader objects. */
export interface WatchEventsRequestWire {
  kinds: (string | number)[];
  streamNames: string[];
}

/** edgegw.v1.WatchEventsResponse as proto-loader objects. */
export interface WatchEventsResponseWire {
  event: {
    seq: string | number;
    time: { seconds: string | number; nanos: number };
    kind: string;
    streamName: string;
    sessionId: string;
    reason: string;
  };
  missed: string | number;
}

/** @throws InvalidFieldError naming `kinds[i]` or `stream_names[i]`. */
export function filterFromWire(req: WatchEventsRequestWire): EventFilter {
  const kinds = req.kinds.map((w, i) => {
    const kind = typeof w === 'string' ? WIRE_TO_KIND.get(w) : undefined;
    if (kind === undefined)
      throw new InvalidFieldError(`kinds[${i}]`, `${JSON.stringify(w)} is not an event kind`);
    return kind;
  });
  req.streamNames.forEach((n, i) => validateStreamName(n, `stream_names[${i}]`));
  return { kinds, streamNames: [...req.streamNames] };
}

function toEventWire(e: GatewayEvent, missed: number): WatchEventsResponseWire {
  return {
    event: {
      seq: e.seq,
      time: toTimestamp(e.time),
      kind: KIND_TO_WIRE[e.kind],
      streamName: e.streamName,
      sessionId: e.sessionId,
      reason: e.reason,
    },
    missed,
  };
}

/** The event service's handlers, plus the watchers they keep. */
export interface EventServiceHandlers {
  readonly handlers: grpc.UntypedServiceImplementation;
  /** Watchers open now. */
  readonly watchers: number;
  /** Unsubscribes every watcher (on server close; their calls are ended by the stream drain). */
  closeAll(): void;
}

/**
 * WatchEvents over an {@link EventSource}. Each watcher gets a bounded queue (`buffer` events):
 * events are written while the call's stream accepts them (`write()` true, then `'drain'`); when
 * the client reads too slowly the queue fills, the oldest event is dropped and counted, and the
 * next response the client gets carries `missed` = the events it lost just before it. Memory
 * per watcher is bounded by `buffer` plus grpc-js's own stream buffer (16 messages). Cancel,
 * error or server close unsubscribes.
 */
export function eventServiceHandlers(
  source: EventSource,
  logger: ControlLogger,
  buffer: number = DEFAULT_WATCH_BUFFER,
): EventServiceHandlers {
  if (!Number.isInteger(buffer) || buffer < 1)
    throw new RangeError('watch buffer must be a positive integer');
  const open = new Set<() => void>();

  const watch: grpc.handleServerStreamingCall<WatchEventsRequestWire, WatchEventsResponseWire> = (call) => {
    let filter: EventFilter;
    try {
      filter = filterFromWire(call.request);
    } catch (err) {
      const details = err instanceof InvalidFieldError ? err.message : 'bad request';
      call.emit('error', { code: grpc.status.INVALID_ARGUMENT, details });
      return;
    }
    const queue: GatewayEvent[] = [];
    let head = 0;
    let missed = 0;
    let writable = true;
    let overflowing = false;
    let closed = false;
    const peer = call.getPeer();

    const pump = (): void => {
      while (!closed && writable && head < queue.length) {
        const e = queue[head++] as GatewayEvent;
        const res = toEventWire(e, missed);
        if (missed > 0) {
          logger.warn({ peer, missed }, 'slow event watcher missed events');
          missed = 0;
          overflowing = false;
        }
        writable = call.write(res);
      }
      if (head === queue.length) {
        queue.length = 0;
        head = 0;
      }
    };
    const onDrain = (): void => {
      writable = true;
      pump();
    };
    const onEvent = (e: GatewayEvent): void => {
      if (closed) return;
      if (queue.length - head >= buffer) {
        head++; // drop the oldest: the newest tell the current state
        missed++;
        if (!overflowing) {
          overflowing = true;
          logger.debug({ peer, buffer }, 'event watcher buffer full; dropping oldest events');
        }
        if (head > buffer) {
          queue.splice(0, head);
          head = 0;
        }
      }
      queue.push(e);
      pump();
    };

    const unsubscribe = source.subscribe(filter, onEvent);
    const cleanup = (): void => {
      if (closed) return;
      closed = true;
      unsubscribe();
      open.delete(cleanup);
      queue.length = 0;
      call.off('drain', onDrain);
    };
    open.add(cleanup);
    call.on('drain', onDrain);
    call.once('cancelled', cleanup);
    call.once('close', cleanup);
    call.once('error', cleanup);
    // Headers now: a client that waits for them knows the subscription is in place.
    call.sendMetadata(new grpc.Metadata());
  };

  return {
    handlers: { WatchEvents: watch },
    get watchers() {
      return open.size;
    },
    closeAll() {
      for (const c of [...open]) c();
    },
  };
}
