import * as grpc from '@grpc/grpc-js';
import type { ControlLogger } from './logger.ts';

/**
 * The auth seam of the control plane.
 *
 * Every call, before its handler sees the request, passes through
 * {@link authInterceptor}, which asks a {@link CallAuthorizer} whether to let it
 * through. Today the server uses {@link allowAll} with insecure credentials and
 * refuses nothing. Issue 6 plugs in here:
 *   - bearer token: an authorizer that reads `call.metadata.get('authorization')`
 *     and answers `{ allow: false, code: 'UNAUTHENTICATED', ... }` on a mismatch
 *     (compare with crypto.timingSafeEqual);
 *   - mTLS: `startControlServer({ credentials: grpc.ServerCredentials.createSsl(ca,
 *     [{ private_key, cert_chain }], true) })`, so the TLS handshake refuses unknown
 *     client certificates; an authorizer may then check `call.authContext.sslPeerCertificate`.
 * The authorizer sees the method path, so it can leave grpc.health.v1 open to
 * unauthenticated probes while guarding edgegw.v1.
 */

/** What an authorizer learns about a call. */
export interface CallInfo {
  /** The full method path, e.g. "/edgegw.v1.NodeService/GetInfo". */
  readonly method: string;
  /** The request metadata (headers), e.g. `authorization: Bearer …`. */
  readonly metadata: grpc.Metadata;
  /** The client's address as grpc-js reports it ("127.0.0.1:53412"). */
  readonly peer: string;
  /** TLS details of the connection (peer certificate under mTLS); empty when insecure. */
  readonly authContext: ReturnType<grpc.ServerInterceptingCallInterface['getAuthContext']>;
}

/** An authorizer's answer: let the call through, or end it with this status. */
export type AuthDecision =
  | { readonly allow: true }
  | {
      readonly allow: false;
      readonly code: 'UNAUTHENTICATED' | 'PERMISSION_DENIED';
      readonly message: string;
    };

/**
 * Decides per call. May be async. A throw or rejection denies the call with
 * INTERNAL (fail closed) and is logged.
 */
export type CallAuthorizer = (call: CallInfo) => AuthDecision | Promise<AuthDecision>;

/** The authorizer in force until issue 6: every call is allowed. */
export const allowAll: CallAuthorizer = () => ({ allow: true });

/**
 * A grpc-js server interceptor that runs `authorize` once per call, on the
 * request metadata, and ends denied calls before their handler runs.
 *
 * @example
 * new grpc.Server({ interceptors: [authInterceptor(allowAll, logger)] });
 */
export function authInterceptor(authorize: CallAuthorizer, logger: ControlLogger): grpc.ServerInterceptor {
  return (descriptor, call) => {
    const method = descriptor.path;
    const deny = (code: grpc.status, details: string): void => {
      call.sendStatus({ code, details, metadata: new grpc.Metadata() });
    };
    const decide = (
      decision: AuthDecision,
      metadata: grpc.Metadata,
      next: (m: grpc.Metadata) => void,
    ): void => {
      if (decision.allow) {
        next(metadata);
        return;
      }
      logger.debug({ method, peer: call.getPeer(), code: decision.code }, 'gRPC call refused');
      deny(grpc.status[decision.code], decision.message);
    };
    const failed = (err: unknown): void => {
      logger.error({ method, err }, 'gRPC authorizer failed; call refused');
      deny(grpc.status.INTERNAL, 'authorization failed');
    };
    const listener = new grpc.ServerListenerBuilder()
      .withOnReceiveMetadata((metadata, next) => {
        let result: AuthDecision | Promise<AuthDecision>;
        try {
          result = authorize({ method, metadata, peer: call.getPeer(), authContext: call.getAuthContext() });
        } catch (err) {
          failed(err);
          return;
        }
        if (result instanceof Promise) {
          result.then((d) => decide(d, metadata, next), failed);
        } else {
          decide(result, metadata, next);
        }
      })
      .build();
    const responder = new grpc.ResponderBuilder().withStart((next) => next(listener)).build();
    return new grpc.ServerInterceptingCall(call, responder);
  };
}
