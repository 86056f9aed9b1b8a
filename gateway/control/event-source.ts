/** What happened; mirrors edgegw.v1.EventKind. */
export type GatewayEventKind =
  | 'stream_added'
  | 'stream_updated'
  | 'stream_removed'
  | 'stream_online'
  | 'stream_offline'
  | 'stream_retrying'
  | 'session_opened'
  | 'session_closed';

/** One event as published on the node. */
export interface GatewayEvent {
  /** Node-wide sequence number, 1, 2, 3… in publish order. */
  readonly seq: number;
  readonly time: Date;
  readonly kind: GatewayEventKind;
  readonly streamName: string;
  /** Set for session_* kinds; "" otherwise. */
  readonly sessionId: string;
  readonly reason: string;
}

/** Which events a subscriber wants. Empty or absent lists match everything; both must match. */
export interface EventFilter {
  readonly kinds?: readonly GatewayEventKind[];
  readonly streamNames?: readonly string[];
}

/**
 * Where WatchEvents gets events. `subscribe` delivers matching events synchronously, in order,
 * to `onEvent` until the returned function is called. `onEvent` must not throw (the event
 * service never does) and must be cheap: it only queues.
 */
export interface EventSource {
  subscribe(filter: EventFilter, onEvent: (event: GatewayEvent) => void): () => void;
}

/** True when `event` passes `filter`. */
export function matchesFilter(filter: EventFilter, event: GatewayEvent): boolean {
  const { kinds, streamNames } = filter;
  if (kinds !== undefined && kinds.length > 0 && !kinds.includes(event.kind)) return false;
  if (streamNames !== undefined && streamNames.length > 0 && !streamNames.includes(event.streamName))
    return false;
  return true;
}
