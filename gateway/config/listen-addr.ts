import { isIP } from 'node:net';

/** A parsed `host:port` listen address; port 0 asks the OS for an ephemeral port. */
export interface ListenAddr {
  readonly host: string;
  readonly port: number;
}

/**
 * Parses `host:port`, `[v6]:port` or `:port` (all interfaces). Returns a problem string instead of
 * throwing so the schema can report it against the right key.
 *
 * @example
 * parseListenAddr('0.0.0.0:8080'); // { host: '0.0.0.0', port: 8080 }
 */
export function parseListenAddr(s: string): ListenAddr | string {
  const m = /^(?:\[([^\]]+)\]|([^:[\]]*)):(\d{1,5})$/.exec(s.trim());
  if (!m) return `"${s}" is not host:port`;
  const host = m[1] ?? (m[2] || '0.0.0.0');
  const port = Number(m[3]);
  if (port > 65535) return `port ${port} is out of range 0-65535`;
  if (m[1] !== undefined && isIP(host) !== 6) return `"${host}" is not an IPv6 address`;
  if (m[2] && isIP(host) === 0 && !/^[a-zA-Z0-9.-]+$/.test(host)) return `"${host}" is not a host name or IP`;
  return { host, port };
}

/** Formats a listen address back to `host:port` (brackets for IPv6). */
export function formatListenAddr(a: ListenAddr): string {
  return isIP(a.host) === 6 ? `[${a.host}]:${a.port}` : `${a.host}:${a.port}`;
}

/** True for the wildcard addresses that bind every interface. */
export function isWildcard(host: string): boolean {
  return host === '0.0.0.0' || host === '::' || host === '';
}
