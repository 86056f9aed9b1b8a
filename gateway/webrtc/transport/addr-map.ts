import type { Addr } from './addr.ts';
import { addr } from './addr.ts';

/**
 * A map keyed by transport address without building a key string per lookup: IP literal first,
 * then port. The receive path looks an address up for every datagram, and concatenating
 * `ip:port` would allocate a string each time; dgram already hands us the IP as a string.
 *
 * @example
 * const m = new AddrMap<string>();
 * m.set(addr('192.0.2.1', 5000), 'session-a');
 * m.get({ address: '192.0.2.1', port: 5000, family: 'IPv4' }); // 'session-a'
 */
export class AddrMap<V> {
  private readonly byIp = new Map<string, Map<number, V>>();
  private count = 0;

  get size(): number {
    return this.count;
  }

  get(a: Addr): V | undefined {
    return this.byIp.get(a.address)?.get(a.port);
  }

  set(a: Addr, v: V): void {
    let ports = this.byIp.get(a.address);
    if (ports === undefined) {
      ports = new Map();
      this.byIp.set(a.address, ports);
    }
    if (!ports.has(a.port)) this.count++;
    ports.set(a.port, v);
  }

  delete(a: Addr): boolean {
    const ports = this.byIp.get(a.address);
    if (ports === undefined || !ports.delete(a.port)) return false;
    if (ports.size === 0) this.byIp.delete(a.address);
    this.count--;
    return true;
  }

  /** Calls `fn` for every entry; the map must not be changed during the walk. */
  forEach(fn: (value: V, a: Addr) => void): void {
    for (const [ip, ports] of this.byIp) for (const [port, v] of ports) fn(v, addr(ip, port));
  }

  clear(): void {
    this.byIp.clear();
    this.count = 0;
  }
}
