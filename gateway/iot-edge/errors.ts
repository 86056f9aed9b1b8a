/**
 * Error classes of the IoT Edge module-twin client. Each has a stable `code`, a `cause` when one
 * exists, and never carries a stream URL's password (messages go to logs and reported properties).
 */

/** Stable codes of every iot-edge error. */
export type IotEdgeErrorCode =
  | 'IOTEDGE_ENV_INCOMPLETE'
  | 'IOTEDGE_AUTH_SCHEME'
  | 'IOTEDGE_WORKLOAD_REQUEST'
  | 'IOTEDGE_WORKLOAD_RESPONSE'
  | 'IOTEDGE_TWIN_REQUEST'
  | 'IOTEDGE_TWIN_CLOSED'
  | 'IOTEDGE_STREAM_INVALID'
  | 'IOTEDGE_STREAM_READ_ONLY'
  | 'IOTEDGE_STREAM_REJECTED';

/** Base of every iot-edge error. */
export class IotEdgeError extends Error {
  readonly code: IotEdgeErrorCode;
  constructor(code: IotEdgeErrorCode, message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = new.target.name;
    this.code = code;
  }
}

/** Some IOTEDGE_* variables are set but not all the module client needs (names the missing ones). */
export class EdgeEnvError extends IotEdgeError {
  readonly missing: readonly string[];
  constructor(missing: readonly string[]) {
    super('IOTEDGE_ENV_INCOMPLETE', `IoT Edge environment incomplete: ${missing.join(', ')} not set`);
    this.missing = missing;
  }
}

/** IOTEDGE_AUTHSCHEME is not `sasToken` (the only scheme the workload API signs for modules). */
export class AuthSchemeError extends IotEdgeError {
  readonly scheme: string;
  constructor(scheme: string) {
    super(
      'IOTEDGE_AUTH_SCHEME',
      `IoT Edge auth scheme ${JSON.stringify(scheme.slice(0, 32))} not supported (sasToken only)`,
    );
    this.scheme = scheme;
  }
}

/** The workload API could not be reached or answered a non-2xx status. */
export class WorkloadRequestError extends IotEdgeError {
  /** HTTP status, when one came back. */
  readonly status: number | undefined;
  readonly path: string;
  constructor(path: string, status: number | undefined, detail: string, options?: { cause?: unknown }) {
    super('IOTEDGE_WORKLOAD_REQUEST', `workload API ${path}: ${detail}`, options);
    this.path = path;
    this.status = status;
  }
}

/** The workload API answered 2xx with a body that is not what its spec says. */
export class WorkloadResponseError extends IotEdgeError {
  readonly path: string;
  constructor(path: string, detail: string, options?: { cause?: unknown }) {
    super('IOTEDGE_WORKLOAD_RESPONSE', `workload API ${path}: ${detail}`, options);
    this.path = path;
  }
}

/** A twin request (GET or reported PATCH) got a non-2xx status or no answer in time. */
export class TwinRequestError extends IotEdgeError {
  /** `$iothub/twin/res/{status}` status; undefined on timeout. */
  readonly status: number | undefined;
  readonly rid: number;
  constructor(rid: number, status: number | undefined, detail: string) {
    super('IOTEDGE_TWIN_REQUEST', `twin request $rid=${rid}: ${detail}`);
    this.rid = rid;
    this.status = status;
  }
}

/** The twin client was closed while a request was pending. */
export class TwinClosedError extends IotEdgeError {
  constructor() {
    super('IOTEDGE_TWIN_CLOSED', 'twin client closed');
  }
}

/** A desired stream entry fails the gateway's config schema (`streams.<name>`). */
export class DesiredStreamError extends IotEdgeError {
  readonly stream: string;
  constructor(stream: string, detail: string) {
    super('IOTEDGE_STREAM_INVALID', `desired stream ${JSON.stringify(stream.slice(0, 80))}: ${detail}`);
    this.stream = stream;
  }
}

/** A desired stream names one from the config file or a built-in: the twin never changes those. */
export class ReadOnlyDesiredStreamError extends IotEdgeError {
  readonly stream: string;
  constructor(stream: string, origin: string) {
    super(
      'IOTEDGE_STREAM_READ_ONLY',
      `stream ${JSON.stringify(stream)} is defined by the ${origin === 'builtin' ? 'gateway (built in)' : 'config file'}; the twin cannot change it`,
    );
    this.stream = stream;
  }
}

/** The stream registry refused a change (its error is the cause; its message is kept). */
export class StreamRejectedError extends IotEdgeError {
  readonly stream: string;
  constructor(stream: string, detail: string, options?: { cause?: unknown }) {
    super('IOTEDGE_STREAM_REJECTED', `stream ${JSON.stringify(stream)}: ${detail}`, options);
    this.stream = stream;
  }
}
