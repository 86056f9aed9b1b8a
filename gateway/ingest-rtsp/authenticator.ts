import { createHash, randomBytes } from 'node:crypto';
import { parseChallenges, type AuthChallenge } from './auth-challenge.ts';
import type { RtspCredentials } from './rtsp-url.ts';

const md5 = (s: string): string => createHash('md5').update(s).digest('hex');

/** Quotes a value for an auth-param (RFC 2616 §2.2 quoted-string). */
const q = (s: string): string => `"${s.replace(/(["\\])/g, '\\$1')}"`;

/** What to do after a 401. */
export type ChallengeVerdict =
  /** Retry the request with the Authorization header `authorization()` now returns. */
  | { retry: true }
  /** Give up: wrong or missing credentials, or an unsupported scheme; `reason` is safe to log. */
  | { retry: false; reason: string };

export interface AuthenticatorOptions {
  /** cnonce source (tests pass a fixed one); default 16 random bytes, hex. */
  cnonce?: () => string;
}

/**
 * HTTP authentication for RTSP (RFC 2326 §D.2 → RFC 2617): Basic (§2) and Digest (§3) with MD5 or
 * MD5-sess, with `qop=auth` (nc/cnonce) or without qop (RFC 2069 compatibility). One per connection.
 *
 * Flow: send a request; on 401 call {@link challenge} with the reply's `WWW-Authenticate` values;
 * if it says retry, resend with {@link authorization}. A 401 to an authorized request means the
 * credentials are wrong, unless the server marked the nonce `stale=true` (§3.2.1) and sent a new one.
 *
 * @example
 * const auth = new Authenticator({ username: 'admin', password: 'secret' });
 * const v = auth.challenge(res.headers.getAll('WWW-Authenticate'), req.headers.has('Authorization'));
 * if (v.retry) headers.set('Authorization', auth.authorization('DESCRIBE', url)!);
 */
export class Authenticator {
  private readonly credentials: RtspCredentials | undefined;
  private readonly makeCnonce: () => string;
  private active: AuthChallenge | undefined;
  private nc = 0;

  constructor(credentials: RtspCredentials | undefined, options: AuthenticatorOptions = {}) {
    this.credentials = credentials;
    this.makeCnonce = options.cnonce ?? (() => randomBytes(16).toString('hex'));
  }

  /** The scheme in use after a challenge (`basic`/`digest`), for diagnostics. */
  get scheme(): string | undefined {
    return this.active?.scheme;
  }

  /**
   * Takes the `WWW-Authenticate` values of a 401 and decides whether a retry can succeed.
   * `wasAuthorized`: the refused request already carried our Authorization header, so the
   * credentials were wrong, unless Digest says the nonce was merely stale (RFC 2617 §3.2.1).
   */
  challenge(wwwAuthenticate: readonly string[], wasAuthorized = false): ChallengeVerdict {
    const all = parseChallenges(wwwAuthenticate);
    // Prefer Digest: Basic sends the password in the clear (RFC 2617 §4.1).
    const digest = all.find(
      (c) =>
        c.scheme === 'digest' &&
        c.params.nonce !== undefined &&
        /^(md5(-sess)?)?$/i.test(c.params.algorithm ?? ''),
    );
    const basic = all.find((c) => c.scheme === 'basic');
    if (!this.credentials) {
      return { retry: false, reason: 'the camera requires credentials and none were given' };
    }
    if (digest) {
      const stale = /^true$/i.test(digest.params.stale ?? '');
      if (wasAuthorized && !(stale && digest.params.nonce !== this.active?.params.nonce)) {
        return { retry: false, reason: 'the camera rejected the credentials (Digest)' };
      }
      this.active = digest;
      this.nc = 0;
      return { retry: true };
    }
    if (basic) {
      if (wasAuthorized) return { retry: false, reason: 'the camera rejected the credentials (Basic)' };
      this.active = basic;
      return { retry: true };
    }
    const schemes = all.map((c) => c.scheme).join(', ') || 'none';
    return { retry: false, reason: `no supported authentication scheme offered (${schemes})` };
  }

  /**
   * The `Authorization` value for a request, or undefined before any challenge. Digest answers are
   * bound to `method` and `uri` (RFC 2617 §3.2.2: digest-uri is the Request-URI).
   */
  authorization(method: string, uri: string): string | undefined {
    const c = this.active;
    const cred = this.credentials;
    if (!c || !cred) return undefined;
    if (c.scheme === 'basic') {
      // RFC 2617 §2: base64(userid ":" password).
      return `Basic ${Buffer.from(`${cred.username}:${cred.password}`, 'utf8').toString('base64')}`;
    }
    const p = c.params;
    const realm = p.realm ?? '';
    const nonce = p.nonce ?? '';
    const qops = (p.qop ?? '').split(',').map((s) => s.trim().toLowerCase());
    const qop = qops.includes('auth') ? 'auth' : undefined;
    const sess = /^md5-sess$/i.test(p.algorithm ?? '');
    const cnonce = qop || sess ? this.makeCnonce() : '';
    // RFC 2617 §3.2.2.2: A1 = user:realm:pass (MD5-sess: H(A1):nonce:cnonce).
    let ha1 = md5(`${cred.username}:${realm}:${cred.password}`);
    if (sess) ha1 = md5(`${ha1}:${nonce}:${cnonce}`);
    // §3.2.2.3: A2 = method:digest-uri (qop=auth).
    const ha2 = md5(`${method}:${uri}`);
    let response: string;
    let nc = '';
    if (qop) {
      nc = (++this.nc).toString(16).padStart(8, '0');
      response = md5(`${ha1}:${nonce}:${nc}:${cnonce}:${qop}:${ha2}`); // §3.2.2.1
    } else {
      response = md5(`${ha1}:${nonce}:${ha2}`); // RFC 2069 compatibility
    }
    const parts = [
      `username=${q(cred.username)}`,
      `realm=${q(realm)}`,
      `nonce=${q(nonce)}`,
      `uri=${q(uri)}`,
      `response=${q(response)}`,
    ];
    if (p.algorithm) parts.push(`algorithm=${p.algorithm}`);
    if (p.opaque !== undefined) parts.push(`opaque=${q(p.opaque)}`);
    if (qop) parts.push(`qop=${qop}`, `nc=${nc}`, `cnonce=${q(cnonce)}`);
    return `Digest ${parts.join(', ')}`;
  }
}
