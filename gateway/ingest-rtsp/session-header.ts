/**
 * The `Session` header (RFC 2326 §12.37):
 *
 * ```
 * Session = "Session" ":" session-id [ ";" "timeout" "=" delta-seconds ]
 * ```
 *
 * The server expires a session that sees no request for `timeout` seconds (default 60).
 */
export interface SessionHeader {
  id: string;
  /** Seconds; 60 when absent or unreadable (§12.37). */
  timeoutSec: number;
  /** Whether the server sent an explicit timeout. */
  explicitTimeout: boolean;
}

export const DEFAULT_SESSION_TIMEOUT_SEC = 60;

/**
 * Parses a Session header value; undefined when there is no id. Tolerant: spaces, other
 * parameters, case of `timeout`.
 *
 * @example
 * parseSessionHeader('12345678;timeout=30'); // { id: '12345678', timeoutSec: 30, explicitTimeout: true }
 */
export function parseSessionHeader(value: string | undefined): SessionHeader | undefined {
  if (value === undefined) return undefined;
  const [idPart, ...params] = value.split(';');
  const id = (idPart ?? '').trim();
  if (id === '') return undefined;
  for (const p of params) {
    const m = /^\s*timeout\s*=\s*(\d{1,6})\s*$/i.exec(p);
    const sec = m ? Number(m[1]) : 0;
    if (sec > 0) return { id, timeoutSec: sec, explicitTimeout: true };
  }
  return { id, timeoutSec: DEFAULT_SESSION_TIMEOUT_SEC, explicitTimeout: false };
}
