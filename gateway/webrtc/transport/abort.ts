import { TransportAbortedError } from './errors.ts';

/**
 * Ties a resource's close to an AbortSignal (DESIGN: "every resource has close() and accepts an
 * AbortSignal"). Calls `close` with a {@link TransportAbortedError} once the signal fires, at once if
 * it already has. Returns a function that detaches the listener; call it when the resource closes
 * first, so a long-lived signal does not keep closed resources reachable.
 *
 * @example
 * const detach = closeOnAbort(opts.signal, 'udp mux', (err) => this.close(err));
 * conn.onClose(detach);
 */
export function closeOnAbort(
  signal: AbortSignal | undefined,
  what: string,
  close: (err: TransportAbortedError) => void,
): () => void {
  if (signal === undefined) return noop;
  const fire = (): void => close(new TransportAbortedError(what, { cause: signal.reason }));
  if (signal.aborted) {
    fire();
    return noop;
  }
  signal.addEventListener('abort', fire, { once: true });
  return () => signal.removeEventListener('abort', fire);
}

function noop(): void {}
