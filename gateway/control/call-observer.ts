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
  /** The status message sent with a non-OK code ("" for OK). Safe to show: no credentials. */
  readonly details: string;
  /** When the call arrived, milliseconds since the Unix epoch (fractional). */
  readonly startTimeMs: number;
  /** Wall time from the call's arrival to its status, in milliseconds. */
  readonly durationMs: number;
  /** Client address as grpc-js reports it. */
  readonly peer: string;
  /** The client's W3C trace context (`traceparent`, `tracestate` metadata), "" when absent. */
  readonly traceParent: string;
  readonly traceState: string;
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
    let traceParent = '';
    let traceState = '';
    let done = false;
    const report = (code: grpc.status, details: string): void => {
      if (done) return;
      done = true;
      try {
        observe({
          service,
          method,
          code,
          codeName: grpc.status[code] ?? String(code),
          details: code === grpc.status.OK ? '' : details,
          startTimeMs: performance.timeOrigin + started,
          durationMs: performance.now() - started,
          peer,
          traceParent,
          traceState,
        });
      } catch {
        // An observer bug must not break the call.
      }
    };
    const first = (md: grpc.Metadata, key: string): string => {
      const v = md.get(key)[0];
      return typeof v === 'string' ? v : '';
    };
    const listener = new grpc.ServerListenerBuilder()
      .withOnReceiveMetadata((md, next) => {
        traceParent = first(md, 'traceparent');
        traceState = first(md, 'tracestate');
        next(md);
      })
      .withOnCancel(() => report(grpc.status.CANCELLED, 'cancelled by the client'))
      .build();
    const responder = new grpc.ResponderBuilder()
      .withStart((next) => next(listener))
      .withSendStatus((status, next) => {
        report(status.code, status.details);
        next(status);
      })
      .build();
    return new grpc.ServerInterceptingCall(call, responder);
  };
}
