import * as grpc from '@grpc/grpc-js';

/**
 * One finished gRPC call, shaped for the OpenTelemetry RPC semantic conventions
 * (`rpc.system` grpc, `rpc.service`, `rpc.method`, `rpc.grpc.status_code`, and the
 * `rpc.server.duration` histogram). gateway/telemetry turns it into metrics and spans; this
 * module does not import OpenTelemetry.
 */
export interface CallRecord {
  /** Fully-qualified service, e.g. "edgegw.v1.StreamService". */
  readonly service: string;
  /** Method name, e.g. "AddStream". */
  readonly method: string;
  /** Final status code (numeric, grpc.status). CANCELLED when the client went away. */
  readonly code: grpc.status;
  /** Its name, e.g. "NOT_FOUND". */
  readonly codeName: string;
  /** Wall time from the call's arrival to its status, in milliseconds. */
  readonly durationMs: number;
  /** Client address as grpc-js reports it. */
  readonly peer: string;
}

/** Called once per call when it ends; must not throw (a throw is swallowed). */
export type CallObserver = (record: CallRecord) => void;

/** "/edgegw.v1.StreamService/AddStream" → ["edgegw.v1.StreamService", "AddStream"]. */
export function splitMethodPath(path: string): [service: string, method: string] {
  const slash = path.lastIndexOf('/');
  return [path.slice(1, slash), path.slice(slash + 1)];
}

/**
 * A server interceptor that reports every call's outcome and duration to `observe`, refused
 * and cancelled calls included. Install it first so it sees what the auth interceptor refuses.
 *
 * @example
 * new grpc.Server({ interceptors: [callObserverInterceptor((r) => histogram.record(r.durationMs, ...)), ...] });
 */
export function callObserverInterceptor(observe: CallObserver): grpc.ServerInterceptor {
  return (descriptor, call) => {
    const started = performance.now();
    const [service, method] = splitMethodPath(descriptor.path);
    // Read now: after a cancel grpc-js reports "unknown".
    const peer = call.getPeer();
    let done = false;
    const report = (code: grpc.status): void => {
      if (done) return;
      done = true;
      try {
        observe({
          service,
          method,
          code,
          codeName: grpc.status[code] ?? String(code),
          durationMs: performance.now() - started,
          peer,
        });
      } catch {
        // An observer bug must not break the call.
      }
    };
    const listener = new grpc.ServerListenerBuilder()
      .withOnCancel(() => report(grpc.status.CANCELLED))
      .build();
    const responder = new grpc.ResponderBuilder()
      .withStart((next) => next(listener))
      .withSendStatus((status, next) => {
        report(status.code);
        next(status);
      })
      .build();
    return new grpc.ServerInterceptingCall(call, responder);
  };
}
