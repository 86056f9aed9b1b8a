import * as grpc from '@grpc/grpc-js';
import {
  InvalidFieldError,
  NotFoundError,
  ReadOnlyStreamError,
  SourceProbeError,
  StreamExistsError,
  UnimplementedError,
} from './errors.ts';
import type { ControlLogger } from './logger.ts';

/** A status to end a call with. */
export interface CallStatus {
  readonly code: grpc.status;
  readonly details: string;
  /** Trailing metadata, when the status carries more than a message. */
  readonly metadata?: grpc.Metadata;
}

/** Trailing metadata key of ProbeSource errors: the source's RTSP status code ("401"). */
export const SOURCE_STATUS_METADATA = 'edgegw-camera-status';

/** ProbeSource's failure reasons as gRPC codes (documented in stream_service.proto). */
function probeStatus(err: SourceProbeError): CallStatus {
  const status = err.sourceStatus;
  let code: grpc.status;
  switch (err.reason) {
    case 'timeout':
      code = grpc.status.DEADLINE_EXCEEDED;
      break;
    case 'not_found':
      code = grpc.status.NOT_FOUND;
      break;
    case 'auth':
      code = grpc.status.FAILED_PRECONDITION;
      break;
    case 'refused':
      // A 5xx is the camera's trouble and may pass; a 4xx needs the request or camera fixed.
      code =
        status !== undefined && status >= 500 ? grpc.status.UNAVAILABLE : grpc.status.FAILED_PRECONDITION;
      break;
    default:
      code = grpc.status.UNAVAILABLE;
  }
  if (status === undefined) return { code, details: err.message };
  const metadata = new grpc.Metadata();
  metadata.set(SOURCE_STATUS_METADATA, String(status));
  return { code, details: err.message, metadata };
}

/**
 * Maps an error from a registry or prober to a gRPC status: the control errors to their codes
 * (messages are safe to show: they name fields and ids, never credentials); anything else is a
 * bug or an I/O failure, logged with the method, and INTERNAL without details.
 */
export function callStatus(err: unknown, method: string, logger: ControlLogger): CallStatus {
  if (err instanceof InvalidFieldError) return { code: grpc.status.INVALID_ARGUMENT, details: err.message };
  if (err instanceof NotFoundError) return { code: grpc.status.NOT_FOUND, details: err.message };
  if (err instanceof StreamExistsError) return { code: grpc.status.ALREADY_EXISTS, details: err.message };
  if (err instanceof ReadOnlyStreamError)
    return { code: grpc.status.FAILED_PRECONDITION, details: err.message };
  if (err instanceof UnimplementedError) return { code: grpc.status.UNIMPLEMENTED, details: err.message };
  if (err instanceof SourceProbeError) return probeStatus(err);
  logger.error({ err, method }, 'gRPC handler failed');
  return { code: grpc.status.INTERNAL, details: `${method} failed; see the gateway log` };
}

/**
 * Runs an async unary handler body and answers with its result or the mapped status.
 *
 * @example
 * GetStream: unaryHandler('GetStream', logger, async (req) => ({ stream: ... }))
 */
export function unaryHandler<Req, Res>(
  method: string,
  logger: ControlLogger,
  body: (request: Req, call: grpc.ServerUnaryCall<Req, Res>) => Promise<Res> | Res,
): grpc.handleUnaryCall<Req, Res> {
  return (call, callback) => {
    Promise.resolve()
      .then(() => body(call.request, call))
      .then(
        (res) => callback(null, res),
        (err: unknown) => callback(callStatus(err, method, logger)),
      );
  };
}
