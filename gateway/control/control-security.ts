import * as grpc from '@grpc/grpc-js';
import type { AuthDecision, CallAuthorizer } from './auth.ts';
import { allowAll } from './auth.ts';
import { bearerTokenAuthorizer } from './bearer-token.ts';
import { InsecureListenError } from './errors.ts';

/**
 * TLS material of the control server, PEM text or bytes (not paths: the config layer reads the
 * files). With `clientCa` the server requires a client certificate signed by it (mTLS) and the
 * TLS handshake refuses any other; without it, TLS only encrypts and authenticates nobody.
 */
export interface ControlTls {
  /** Server certificate chain, PEM. */
  readonly cert: string | Buffer;
  /** Server private key, PEM. */
  readonly key: string | Buffer;
  /** CA certificate(s), PEM, that client certificates must chain to. Enables mTLS. */
  readonly clientCa?: string | Buffer | undefined;
}

/** How the control plane authenticates callers. */
export interface ControlAuthOptions {
  /** Bearer token every edgegw.v1 call must carry (`authorization: Bearer <token>`). */
  readonly token?: string | undefined;
  /** TLS, and mTLS when `clientCa` is set. */
  readonly tls?: ControlTls | undefined;
  /**
   * Allow listening off loopback with no authentication at all. Off by default: the server
   * refuses to start instead. When set and used, a loud warning is logged.
   */
  readonly insecure?: boolean | undefined;
}

/** What {@link resolveControlSecurity} hands the server. */
export interface ControlSecurity {
  readonly credentials: grpc.ServerCredentials;
  readonly authorize: CallAuthorizer;
  /** Summary for the start-up log line. */
  readonly mode: { readonly tls: boolean; readonly mtls: boolean; readonly token: boolean };
  /** True when nothing authenticates callers. */
  readonly unauthenticated: boolean;
}

/** 127.0.0.0/8, ::1 and "localhost" (RFC 6761 §6.3). Wildcards (0.0.0.0, ::) are not loopback. */
export function isLoopbackHost(host: string): boolean {
  return host === 'localhost' || host === '::1' || /^127\.\d+\.\d+\.\d+$/.test(host);
}

function toBuffer(pem: string | Buffer): Buffer {
  return typeof pem === 'string' ? Buffer.from(pem, 'utf8') : pem;
}

/** Both authorizers must allow; the first refusal wins. */
function both(a: CallAuthorizer, b: CallAuthorizer): CallAuthorizer {
  return async (call) => {
    const first: AuthDecision = await a(call);
    return first.allow ? b(call) : first;
  };
}

/**
 * Turns auth options into server credentials and an authorizer, and enforces secure-by-default:
 * on a host that is not loopback, with no token, no mTLS and no custom authorizer, it throws
 * {@link InsecureListenError} unless `insecure` is set.
 *
 * @param custom a caller-supplied authorizer (counts as authentication) and/or credentials
 *   (used as given when no `tls` is set; they do not count as authentication, since grpc-js
 *   does not say whether they check client certificates).
 *
 * @example
 * const sec = resolveControlSecurity('0.0.0.0', { token: 's3cret' }, {});
 * new grpc.Server({ interceptors: [authInterceptor(sec.authorize, logger)] });
 */
export function resolveControlSecurity(
  host: string,
  addr: string,
  auth: ControlAuthOptions,
  custom: { authorize?: CallAuthorizer | undefined; credentials?: grpc.ServerCredentials | undefined },
): ControlSecurity {
  const token = auth.token !== undefined && auth.token !== '' ? auth.token : undefined;
  const tls = auth.tls;
  const mtls = tls?.clientCa !== undefined;
  let credentials: grpc.ServerCredentials;
  if (tls !== undefined) {
    const ca = mtls && tls.clientCa !== undefined ? toBuffer(tls.clientCa) : null;
    credentials = grpc.ServerCredentials.createSsl(
      ca,
      [{ cert_chain: toBuffer(tls.cert), private_key: toBuffer(tls.key) }],
      // true: the handshake demands a client certificate and verifies it against `ca`.
      mtls,
    );
  } else {
    credentials = custom.credentials ?? grpc.ServerCredentials.createInsecure();
  }
  let authorize: CallAuthorizer = custom.authorize ?? allowAll;
  if (token !== undefined) {
    const bearer = bearerTokenAuthorizer(token);
    authorize = custom.authorize === undefined ? bearer : both(bearer, custom.authorize);
  }
  const unauthenticated = token === undefined && !mtls && custom.authorize === undefined;
  if (unauthenticated && !isLoopbackHost(host) && auth.insecure !== true) {
    throw new InsecureListenError(addr);
  }
  return {
    credentials,
    authorize,
    mode: { tls: tls !== undefined || custom.credentials !== undefined, mtls, token: token !== undefined },
    unauthenticated,
  };
}
