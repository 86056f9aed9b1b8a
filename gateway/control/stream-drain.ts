import * as grpc from '@grpc/grpc-js';

/**
 * Tracks open calls whose response is a stream (health Watch, reflection, and
 * later WatchEvents) so shutdown can end them. grpc-js's `tryShutdown` waits for
 * every open call to finish, and a watch stream never finishes by itself: without
 * this, every graceful close with a watcher connected would wait out its whole
 * grace period and then cut the connection with no status.
 */
export interface StreamDrain {
  /** The interceptor to install on the server; it records streaming calls. */
  readonly interceptor: grpc.ServerInterceptor;
  /** Number of streaming calls open now. */
  readonly size: number;
  /** Ends every open streaming call with UNAVAILABLE and `details`. */
  endAll(details: string): void;
}

/**
 * @example
 * const drain = createStreamDrain();
 * const server = new grpc.Server({ interceptors: [drain.interceptor] });
 * // on shutdown, after health went NOT_SERVING:
 * drain.endAll('server shutting down');
 */
export function createStreamDrain(): StreamDrain {
  const open = new Set<grpc.ServerInterceptingCall>();
  const interceptor: grpc.ServerInterceptor = (descriptor, call) => {
    if (!descriptor.responseStream) return new grpc.ServerInterceptingCall(call);
    // `self` is assigned below, before grpc-js can invoke any of these callbacks.
    const forget = (): void => {
      open.delete(self);
    };
    const listener = new grpc.ServerListenerBuilder()
      .withOnCancel(() => {
        forget();
      })
      .build();
    const responder = new grpc.ResponderBuilder()
      .withStart((next) => next(listener))
      .withSendStatus((status, next) => {
        forget();
        next(status);
      })
      .build();
    const self = new grpc.ServerInterceptingCall(call, responder);
    open.add(self);
    return self;
  };
  return {
    interceptor,
    get size() {
      return open.size;
    },
    endAll(details) {
      for (const call of [...open]) {
        open.delete(call);
        call.sendStatus({ code: grpc.status.UNAVAILABLE, details, metadata: new grpc.Metadata() });
      }
    },
  };
}
