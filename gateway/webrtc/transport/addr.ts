/**
 * A transport address: IP literal and port. Plain data so it can be compared,
 * logged and used as a map key without a class instance.
 *
 * @example
 * const a: Addr = { address: '127.0.0.1', port: 8189, family: 'IPv4' };
 * addrKey(a); // '127.0.0.1:8189'
 */
export interface Addr {
  readonly address: string;
  readonly port: number;
  readonly family: 'IPv4' | 'IPv6';
}

/** A stable string key for an address (`ip:port`, IPv6 in brackets). */
export function addrKey(a: Addr): string {
  return a.family === 'IPv6' ? `[${a.address}]:${a.port}` : `${a.address}:${a.port}`;
}

/** Builds an {@link Addr}, deriving the family from the literal. */
export function addr(address: string, port: number): Addr {
  return { address, port, family: address.includes(':') ? 'IPv6' : 'IPv4' };
}

export function sameAddr(a: Addr, b: Addr): boolean {
  return a.port === b.port && a.address === b.address;
}
