import { createHash, timingSafeEqual } from 'node:crypto';
import type { MiddlewareHandler } from 'hono';

/** SHA-256 both sides so timingSafeEqual compares equal lengths and the token's length leaks nothing. */
const sha256 = (s: string): Buffer => createHash('sha256').update(s, 'utf8').digest();

/** RFC 6750 §2.1: `Authorization: Bearer <b64token>` (the scheme is case-insensitive, RFC 9110 §11.1). */
const BEARER = /^Bearer[ \t]+(\S+)[ \t]*$/i;

/**
 * Hono middleware that lets a request through only with `Authorization: Bearer <token>` (compared in
 * constant time) on the `methods` given; others (OPTIONS for CORS preflight, which browsers send
 * without credentials) pass. A missing or wrong token gets 401 with `WWW-Authenticate: Bearer`
 * (RFC 6750 §3; `error="invalid_token"` when one was sent) and a problem+json body.
 *
 * @example
 * app.use('/whep/*', bearerAuth('s3cret', ['POST', 'PATCH', 'DELETE']));
 */
export function bearerAuth(token: string, methods: readonly string[]): MiddlewareHandler {
  if (token.length === 0) throw new RangeError('bearer token must not be empty');
  const expected = sha256(token);
  const guarded = new Set(methods.map((m) => m.toUpperCase()));
  return async (c, next) => {
    if (!guarded.has(c.req.method.toUpperCase())) return next();
    const header = c.req.header('authorization');
    const m = header === undefined ? null : BEARER.exec(header.trim());
    if (m?.[1] !== undefined && timingSafeEqual(sha256(m[1]), expected)) return next();
    const sent = header !== undefined;
    return c.body(
      JSON.stringify({ status: 401, detail: sent ? 'invalid bearer token' : 'a bearer token is required' }),
      401,
      {
        'content-type': 'application/problem+json',
        'www-authenticate': sent ? 'Bearer error="invalid_token"' : 'Bearer',
      },
    );
  };
}
