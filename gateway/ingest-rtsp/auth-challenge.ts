/**
 * A `WWW-Authenticate` challenge (RFC 2617 §1.2, §3.2.1):
 *
 * ```
 * challenge   = auth-scheme 1*SP 1#auth-param
 * auth-param  = token "=" ( token | quoted-string )
 * ```
 *
 * Cameras send one header per scheme (Digest and Basic), or several challenges in one header
 * separated by commas; both are accepted.
 */
export interface AuthChallenge {
  /** Lower-cased: `basic`, `digest`, … */
  scheme: string;
  /** Parameter names lower-cased; values unquoted. */
  params: Record<string, string>;
}

/**
 * Parses every challenge in the given header values. Total: unreadable parts are skipped.
 *
 * @example
 * parseChallenges(['Digest realm="cam", nonce="n1", qop="auth"', 'Basic realm="cam"']);
 * // [{ scheme: 'digest', params: { realm: 'cam', nonce: 'n1', qop: 'auth' } }, { scheme: 'basic', … }]
 */
export function parseChallenges(values: readonly string[]): AuthChallenge[] {
  const out: AuthChallenge[] = [];
  for (const value of values) {
    let i = 0;
    let current: AuthChallenge | undefined;
    const s = value;
    const skip = (re: RegExp): void => {
      while (i < s.length && re.test(s[i] as string)) i++;
    };
    while (i < s.length) {
      skip(/[\s,]/);
      const tokenStart = i;
      while (i < s.length && /[^\s,=]/.test(s[i] as string)) i++;
      const token = s.slice(tokenStart, i);
      if (token === '') {
        i++;
        continue;
      }
      skip(/[ \t]/);
      if (s[i] !== '=') {
        // A token not followed by '=' starts a new challenge (the auth-scheme).
        current = { scheme: token.toLowerCase(), params: {} };
        out.push(current);
        continue;
      }
      i++;
      skip(/[ \t]/);
      let v = '';
      if (s[i] === '"') {
        i++;
        while (i < s.length && s[i] !== '"') {
          if (s[i] === '\\' && i + 1 < s.length) i++;
          v += s[i];
          i++;
        }
        i++;
      } else {
        const vs = i;
        while (i < s.length && s[i] !== ',') i++;
        v = s.slice(vs, i).trim();
      }
      // Token68 padding (`Basic abc==`) or params before any scheme: ignore.
      if (current && token !== '') current.params[token.toLowerCase()] = v;
    }
  }
  return out;
}
