import {
  ROOT_CONTEXT,
  SpanKind,
  SpanStatusCode,
  propagation,
  trace,
  type Attributes,
  type Meter,
  type TextMapPropagator,
  type Tracer,
} from '@opentelemetry/api';
import {
  ATTR_ERROR_TYPE,
  ATTR_NETWORK_PEER_ADDRESS,
  ATTR_NETWORK_PEER_PORT,
  ATTR_RPC_METHOD,
  ATTR_RPC_STATUS_CODE,
  ATTR_RPC_SYSTEM_NAME,
  METRIC_RPC_SERVER_CALL_DURATION,
  RPC_SYSTEM_NAME_VALUE_GRPC,
} from '@opentelemetry/semantic-conventions';
import type { CallRecord } from '../control/index.ts';

/** One finished gRPC server call, as gateway/control's call observer reports it. */
export type RpcCall = CallRecord;

/**
 * Which RPC semantic conventions to emit, as `OTEL_SEMCONV_STABILITY_OPT_IN` says: `stable` (the
 * default) or `dup` (`rpc/dup`: the stable names plus the older experimental ones, for dashboards
 * that still read `rpc.server.duration` and `rpc.grpc.status_code`).
 */
export type RpcSemconv = 'stable' | 'dup';

/** `OTEL_SEMCONV_STABILITY_OPT_IN` (a comma-separated list) to the RPC conventions to emit. */
export function rpcSemconvFromEnv(env: NodeJS.ProcessEnv = process.env): RpcSemconv {
  const opts = (env.OTEL_SEMCONV_STABILITY_OPT_IN ?? '').split(',').map((s) => s.trim());
  return opts.includes('rpc/dup') ? 'dup' : 'stable';
}

export interface RpcTelemetryOptions {
  /** Where the duration histogram lives (the gateway's meter). */
  readonly meter: Meter;
  /** Default: the global tracer provider's `edge-gateway` tracer (the NodeSDK's). */
  readonly tracer?: Tracer;
  /** Reads the client's trace context; default the global propagator (W3C under the NodeSDK). */
  readonly propagator?: TextMapPropagator;
  /** Default {@link rpcSemconvFromEnv}(). */
  readonly semconv?: RpcSemconv;
}

/**
 * gRPC codes that make a SERVER span an error: the server's fault, per the gRPC semantic
 * conventions (docs/rpc/grpc.md "gRPC Status"). Client mistakes (INVALID_ARGUMENT, NOT_FOUND,
 * ALREADY_EXISTS, UNAUTHENTICATED…) leave the span status unset on the server side.
 */
const SERVER_ERROR_CODES: ReadonlySet<string> = new Set([
  'UNKNOWN',
  'DEADLINE_EXCEEDED',
  'UNIMPLEMENTED',
  'INTERNAL',
  'UNAVAILABLE',
  'DATA_LOSS',
]);

/** Bucket boundaries (seconds) the RPC conventions advise for `rpc.server.call.duration`. */
export const RPC_DURATION_BUCKETS_S = [
  0.005, 0.01, 0.025, 0.05, 0.075, 0.1, 0.25, 0.5, 0.75, 1, 2.5, 5, 7.5, 10,
] as const;

/** `127.0.0.1:5000` / `[::1]:5000` / `ipv4:…` → address and port; undefined when unparsable. */
function splitPeer(peer: string): { address: string; port: number } | undefined {
  const m = /^(?:ipv[46]:)?(?:\[([^\]]+)\]|([^:]+)):(\d+)$/.exec(peer);
  if (m === null) return undefined;
  return { address: m[1] ?? m[2] ?? '', port: Number(m[3]) };
}

/**
 * Turns every finished gRPC call into OpenTelemetry signals following the RPC semantic
 * conventions of @opentelemetry/semantic-conventions 1.45 (stable RPC names):
 *
 * - histogram `rpc.server.call.duration` (s) with `rpc.system.name` = grpc, `rpc.method` =
 *   "edgegw.v1.StreamService/AddStream", `rpc.status_code` = "NOT_FOUND", and `error.type` for
 *   server errors; in Prometheus `rpc_server_call_duration_bucket{…} (unit s in # UNIT)`.
 * - one SERVER span per call named after `rpc.method`, with the same attributes plus
 *   `network.peer.address`/`port`, started when the call arrived and ended with its status (a
 *   server stream such as WatchEvents when the stream ends), status ERROR for server errors, and
 *   the client's `traceparent` as its parent.
 * - `rpc.method` stays bounded: grpc-js answers a method the server does not serve UNIMPLEMENTED
 *   before any interceptor runs, so such calls are not recorded (no `_OTHER` needed).
 * - with `semconv: 'dup'` also the older `rpc.server.duration` (ms) histogram and `rpc.system`,
 *   `rpc.service`, `rpc.grpc.status_code` attributes.
 *
 * @example
 * startControlServer({ ..., observeCalls: rpcTelemetry({ meter: telemetry.meter }) });
 */
export function rpcTelemetry(opts: RpcTelemetryOptions): (call: RpcCall) => void {
  const semconv = opts.semconv ?? rpcSemconvFromEnv();
  const duration = opts.meter.createHistogram(METRIC_RPC_SERVER_CALL_DURATION, {
    unit: 's',
    description: 'Duration of incoming gRPC calls, from arrival to status',
    advice: { explicitBucketBoundaries: [...RPC_DURATION_BUCKETS_S] },
  });
  const legacyDuration =
    semconv === 'dup'
      ? opts.meter.createHistogram('rpc.server.duration', {
          unit: 'ms',
          description: 'Duration of incoming gRPC calls (deprecated name; see rpc.server.call.duration)',
          advice: { explicitBucketBoundaries: RPC_DURATION_BUCKETS_S.map((s) => s * 1000) },
        })
      : undefined;
  const tracer = (): Tracer => opts.tracer ?? trace.getTracer('edge-gateway');
  const propagator = opts.propagator;

  return (call) => {
    const fullMethod = `${call.service}/${call.method}`;
    const serverError = SERVER_ERROR_CODES.has(call.codeName);
    const attrs: Attributes = {
      [ATTR_RPC_SYSTEM_NAME]: RPC_SYSTEM_NAME_VALUE_GRPC,
      [ATTR_RPC_METHOD]: fullMethod,
      [ATTR_RPC_STATUS_CODE]: call.codeName,
    };
    if (serverError) attrs[ATTR_ERROR_TYPE] = call.codeName;
    duration.record(call.durationMs / 1000, attrs);
    const legacy: Attributes = {};
    if (legacyDuration !== undefined) {
      legacy['rpc.system'] = 'grpc';
      legacy['rpc.service'] = call.service;
      legacy['rpc.grpc.status_code'] = call.code;
      legacyDuration.record(call.durationMs, { ...legacy, 'rpc.method': call.method });
    }

    const carrier: Record<string, string> = {};
    if (call.traceParent !== '') carrier.traceparent = call.traceParent;
    if (call.traceState !== '') carrier.tracestate = call.traceState;
    const parent =
      call.traceParent === ''
        ? ROOT_CONTEXT
        : (propagator ?? propagation).extract(ROOT_CONTEXT, carrier, {
            get: (c: Record<string, string>, k: string) => c[k],
            keys: (c: Record<string, string>) => Object.keys(c),
          });
    const peer = splitPeer(call.peer);
    const span = tracer().startSpan(
      fullMethod,
      {
        kind: SpanKind.SERVER,
        startTime: call.startTimeMs,
        attributes: {
          ...legacy,
          ...attrs,
          ...(peer === undefined
            ? {}
            : { [ATTR_NETWORK_PEER_ADDRESS]: peer.address, [ATTR_NETWORK_PEER_PORT]: peer.port }),
        },
      },
      parent,
    );
    if (serverError) span.setStatus({ code: SpanStatusCode.ERROR, message: call.details });
    span.end(call.startTimeMs + call.durationMs);
  };
}
