import { networkInterfaces } from 'node:os';
import type { Config } from './schema.ts';
import { isWildcard } from './listen-addr.ts';

/**
 * The addresses the gateway advertises in its ICE host candidates: `webrtc.publicIps` when set;
 * else the bind address when it is specific; else every IPv4 address of the machine's interfaces
 * (loopback last, so a browser on the same box still connects).
 */
export function advertisedIps(config: Config, ifaces = networkInterfaces()): string[] {
  if (config.webrtc.publicIps.length > 0) return [...config.webrtc.publicIps];
  const host = config.webrtc.addr.host;
  if (!isWildcard(host)) return [host];
  const external: string[] = [];
  const internal: string[] = [];
  for (const list of Object.values(ifaces)) {
    for (const i of list ?? []) {
      if (i.family !== 'IPv4') continue;
      (i.internal ? internal : external).push(i.address);
    }
  }
  return [...external, ...internal];
}
