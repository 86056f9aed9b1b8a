import { createHash, timingSafeEqual } from 'node:crypto';
import type { AuthDecision, CallAuthorizer } from './auth.ts';

/**
 * Method path prefixes that stay open without credentials, so load balancers, kubelet probes
 * and `grpcurl list` work: grpc.health.v1 (Check/Watch/List) and server reflection (v1, v1alpha).
 * They reveal service health and the public schema, nothing of the node's state.
 */
export const OPEN_METHOD_PREFIXES: readonly string[] = ['/grpc.health.v1.Health/', '/grpc.reflection.'];

/** True for a method path that {@link bearerTokenAuthorizer} lets through without a token. */
export function isOpenMethod(method: string): boolean {
  return OPEN_METHOD_PREFIXES.some((p) => method.startsWith(p));
}

/** SHA-256 both sides first so timingSafeEqual sees equal lengths and the length leaks nothing. */
function digest(s: string): Buffer {
  return createHash('sha256').update(s, 'utf8').digest();
}

const BEARER = /^Bearer[ \t]+(\S.*)$/i;

/**
 * An authorizer that requires `authorization: Bearer <token>` metadata (RFC 6750 §2.1) on every
 * call except the open ones ({@link isOpenMethod}). The comparison is constant-time. A missing,
 * malformed or wrong token ends the call with UNAUTHENTICATED before its handler runs.
 *
 * @example
 * startControlServer({ addr, node, logger, authorize: bearerTokenAuthorizer(process.env.TOKEN!) });
 * // client: md.set('authorization', `Bearer ${token}`)
 */
export function bearerTokenAuthorizer(token: string): CallAuthorizer {
  if (token.length === 0) throw new RangeError('bearer token must not be empty');
  const expected = digest(token);
  const missing: AuthDecision = {
    allow: false,
    code: 'UNAUTHENTICATED',
    message: 'missing bearer token (metadata "authorization: Bearer <token>")',
  };
  const wrong: AuthDecision = { allow: false, code: 'UNAUTHENTICATED', message: 'invalid bearer token' };
  return ({ method, metadata }) => {
    if (isOpenMethod(method)) return { allow: true };
    const values = metadata.get('authorization');
    const header = values.length === 1 && typeof values[0] === 'string' ? values[0] : undefined;
    if (header === undefined) return missing;
    const m = BEARER.exec(header.trim());
    if (m === null || m[1] === undefined) return missing;
    return timingSafeEqual(digest(m[1]), expected) ? { allow: true } : wrong;
  };
}
