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
  if (err instanceof SourceProbeError) {
    const code = err.reason === 'timeout' ? grpc.status.DEADLINE_EXCEEDED : grpc.status.UNAVAILABLE;
    return { code, details: err.message };
  }
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
