/**
 * Error classes of the gRPC control plane. Each has a stable `code` callers can
 * switch on, a `cause` when one exists, and the offending value where it applies.
 * Nothing in this module throws or rejects anything else.
 */

/** Stable codes of every control-plane error. */
export type ControlErrorCode =
  | 'CONTROL_INVALID_ADDR'
  | 'CONTROL_PROTO_LOAD'
  | 'CONTROL_BIND_FAILED'
  | 'CONTROL_INSECURE_LISTEN'
  | 'CONTROL_INVALID_FIELD'
  | 'CONTROL_NOT_FOUND'
  | 'CONTROL_ALREADY_EXISTS'
  | 'CONTROL_READ_ONLY'
  | 'CONTROL_PROBE_FAILED'
  | 'CONTROL_UNIMPLEMENTED';

/** Base of every control-plane error: a stable `code` and an optional `cause`. */
export class ControlError extends Error {
  readonly code: ControlErrorCode;
  constructor(code: ControlErrorCode, message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = new.target.name;
    this.code = code;
  }
}

/** A listen address that is not `host:port` (IPv6 as `[addr]:port`, port 0–65535). */
export class InvalidAddrError extends ControlError {
  /** The address exactly as given. */
  readonly value: string;
  /** What is wrong with it. */
  readonly reason: string;
  constructor(value: string, reason: string) {
    super('CONTROL_INVALID_ADDR', `invalid gRPC listen address ${JSON.stringify(value)}: ${reason}`);
    this.value = value;
    this.reason = reason;
  }
}

/** The edgegw.v1 .proto files could not be found or parsed. */
export class ProtoLoadError extends ControlError {
  /** The proto directory (or directories) searched. */
  readonly protoDir: string;
  constructor(protoDir: string, message: string, options?: { cause?: unknown }) {
    super('CONTROL_PROTO_LOAD', message, options);
    this.protoDir = protoDir;
  }
}

/** The server could not bind its listen address (in use, no permission, unknown host). */
export class BindError extends ControlError {
  /** The listen address as given. */
  readonly addr: string;
  constructor(addr: string, options?: { cause?: unknown }) {
    const detail = options?.cause instanceof Error ? `: ${options.cause.message}` : '';
    super('CONTROL_BIND_FAILED', `cannot listen for gRPC on ${addr}${detail}`, options);
    this.addr = addr;
  }
}

/**
 * Refusal to listen off loopback with no authentication (no bearer token, no mTLS) when
 * `insecure` was not set: anyone who reaches the port could add streams and kick viewers.
 */
export class InsecureListenError extends ControlError {
  /** The listen address as given. */
  readonly addr: string;
  constructor(addr: string) {
    super(
      'CONTROL_INSECURE_LISTEN',
      `refusing to listen for gRPC on ${addr} without authentication: it is not a loopback address. ` +
        'Set a bearer token (grpc.token / EDGEGW_GRPC_TOKEN or EDGEGW_GRPC_TOKEN_FILE), or mTLS ' +
        '(grpc.tls.cert, grpc.tls.key and grpc.tls.clientCa / EDGEGW_GRPC_TLS_CERT, EDGEGW_GRPC_TLS_KEY, ' +
        'EDGEGW_GRPC_TLS_CLIENT_CA), or bind 127.0.0.1, or set grpc.insecure: true (EDGEGW_GRPC_INSECURE=1) ' +
        'to accept unauthenticated control from the network',
    );
    this.addr = addr;
  }
}

/** A request field with a bad value; becomes INVALID_ARGUMENT `<field>: <reason>`. */
export class InvalidFieldError extends ControlError {
  /** The field as the proto names it (`source_url`). */
  readonly field: string;
  readonly reason: string;
  constructor(field: string, reason: string) {
    super('CONTROL_INVALID_FIELD', `${field}: ${reason}`);
    this.field = field;
    this.reason = reason;
  }
}

/** No stream or session with that name/id; becomes NOT_FOUND. */
export class NotFoundError extends ControlError {
  readonly kind: 'stream' | 'session';
  readonly id: string;
  constructor(kind: 'stream' | 'session', id: string) {
    super('CONTROL_NOT_FOUND', `${kind} ${JSON.stringify(id)} not found`);
    this.kind = kind;
    this.id = id;
  }
}

/** A stream with that name exists already; becomes ALREADY_EXISTS. */
export class StreamExistsError extends ControlError {
  readonly streamName: string;
  constructor(streamName: string) {
    super('CONTROL_ALREADY_EXISTS', `stream ${JSON.stringify(streamName)} already exists`);
    this.streamName = streamName;
  }
}

/** The stream comes from the config file (or is built in) and cannot change over gRPC; FAILED_PRECONDITION. */
export class ReadOnlyStreamError extends ControlError {
  readonly streamName: string;
  readonly origin: string;
  constructor(streamName: string, origin: string) {
    super(
      'CONTROL_READ_ONLY',
      `stream ${JSON.stringify(streamName)} comes from the ${origin === 'config' ? 'config file' : 'gateway itself'} ` +
        'and cannot be changed over gRPC; edit the config instead',
    );
    this.streamName = streamName;
    this.origin = origin;
  }
}

/**
 * Why a probe failed, and the gRPC code it becomes (see call-status.ts and the proto):
 * - `unreachable`: connection refused, no route, DNS, EOF → UNAVAILABLE
 * - `protocol`: the source broke RTSP or sent unusable SDP → UNAVAILABLE
 * - `timeout`: no answer in time → DEADLINE_EXCEEDED
 * - `auth`: the source refused the credentials (401) → FAILED_PRECONDITION
 * - `refused`: another 4xx → FAILED_PRECONDITION; 5xx → UNAVAILABLE
 * - `not_found`: 404, no stream at that path → NOT_FOUND
 */
export type ProbeFailure = 'unreachable' | 'protocol' | 'timeout' | 'auth' | 'refused' | 'not_found';

/** A source could not be probed. The message must not carry the URL's password. */
export class SourceProbeError extends ControlError {
  readonly reason: ProbeFailure;
  /** The source's RTSP status code when it answered with an error (401, 404, 503). */
  readonly sourceStatus: number | undefined;
  constructor(
    reason: ProbeFailure,
    message: string,
    options?: { cause?: unknown; sourceStatus?: number | undefined },
  ) {
    super('CONTROL_PROBE_FAILED', message, options);
    this.reason = reason;
    this.sourceStatus = options?.sourceStatus;
  }
}

/** The node lacks what an RPC needs (e.g. no source prober); becomes UNIMPLEMENTED. */
export class UnimplementedError extends ControlError {
  readonly method: string;
  constructor(method: string, message: string) {
    super('CONTROL_UNIMPLEMENTED', message);
    this.method = method;
  }
}
