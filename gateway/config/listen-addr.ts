import { isIP } from 'node:net';
import { ListenAddrError } from './errors.ts';

/**
 * A parsed listen address (HTTP, gRPC, WebRTC UDP). `host` is bare (no brackets); `port` 0 asks the
 * OS for an ephemeral port.
 */
export interface ListenAddr {
  readonly host: string;
  readonly port: number;
}

/** DNS name: labels of letters, digits and hyphens (RFC 1123 §2.1), dot-separated. */
const HOSTNAME =
  /^(?=.{1,253}$)[A-Za-z0-9](?:[A-Za-z0-9-]{0,61}[A-Za-z0-9])?(?:\.[A-Za-z0-9](?:[A-Za-z0-9-]{0,61}[A-Za-z0-9])?)*$/;

/**
 * Parses `host:port` (IPv6 as `[addr]:port`; `:port` means every interface). Throws {@link ListenAddrError}
 * naming the value and the problem; never anything else.
 *
 * @example
 * parseListenAddr('127.0.0.1:50051'); // { host: '127.0.0.1', port: 50051 }
 * parseListenAddr('[::1]:0');         // { host: '::1', port: 0 }
 */
export function parseListenAddr(value: string): ListenAddr {
  let host: string;
  let portText: string;
  if (value.startsWith('[')) {
    const close = value.indexOf(']');
    if (close < 0) throw new ListenAddrError(value, 'missing "]" after IPv6 address');
    host = value.slice(1, close);
    if (value[close + 1] !== ':') throw new ListenAddrError(value, 'expected ":port" after "]"');
    portText = value.slice(close + 2);
    if (isIP(host) !== 6) throw new ListenAddrError(value, `"${host}" is not an IPv6 address`);
  } else {
    const colon = value.lastIndexOf(':');
    if (colon < 0) throw new ListenAddrError(value, 'expected host:port');
    host = value.slice(0, colon);
    portText = value.slice(colon + 1);
    if (host.includes(':')) throw new ListenAddrError(value, 'IPv6 addresses must be written as [addr]:port');
    // `:port` binds every interface, as in Go's net.Listen.
    if (host === '') host = '0.0.0.0';
    if (isIP(host) !== 4 && !HOSTNAME.test(host)) {
      throw new ListenAddrError(value, `"${host}" is not an IPv4 address or host name`);
    }
  }
  if (!/^\d{1,5}$/.test(portText)) throw new ListenAddrError(value, `port "${portText}" is not a number`);
  const port = Number(portText);
  if (port > 65535) throw new ListenAddrError(value, `port ${port} is out of range 0-65535`);
  return { host, port };
}

/** Formats `host:port`, bracketing IPv6 literals. Inverse of {@link parseListenAddr}. */
export function formatListenAddr(a: ListenAddr): string {
  return a.host.includes(':') ? `[${a.host}]:${a.port}` : `${a.host}:${a.port}`;
}

/** True for the wildcard addresses that bind every interface. */
export function isWildcard(host: string): boolean {
  return host === '0.0.0.0' || host === '::' || host === '';
}
