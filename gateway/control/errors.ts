/**
 * Error classes of the gRPC control plane. Each has a stable `code` callers can
 * switch on, a `cause` when one exists, and the offending value where it applies.
 * Nothing in this module throws or rejects anything else.
 */

/** Stable codes of every control-plane error. */
export type ControlErrorCode = 'CONTROL_INVALID_ADDR' | 'CONTROL_PROTO_LOAD' | 'CONTROL_BIND_FAILED';

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
