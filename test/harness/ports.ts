/**
 * Free loopback ports for peers that cannot pick their own (coturn's listening port and relay range).
 * Prefer letting a program bind port 0 and parsing what it chose: a port found here is free only
 * until someone else takes it.
 */
import { createSocket } from 'node:dgram';
import { createServer } from 'node:net';
import { HarnessError } from './errors.ts';

export const LOOPBACK = '127.0.0.1';

export type PortProtocol = 'tcp' | 'udp';

function tryBind(proto: PortProtocol, port: number, host: string): Promise<number | undefined> {
  return new Promise((resolve) => {
    if (proto === 'tcp') {
      const server = createServer();
      server.unref();
      server.once('error', () => resolve(undefined));
      server.listen({ port, host, exclusive: true }, () => {
        const address = server.address();
        const bound = typeof address === 'object' && address ? address.port : undefined;
        server.close(() => resolve(bound));
      });
    } else {
      const socket = createSocket('udp4');
      socket.unref();
      socket.once('error', () => {
        socket.close();
        resolve(undefined);
      });
      socket.bind({ port, address: host, exclusive: true }, () => {
        const bound = socket.address().port;
        socket.close(() => resolve(bound));
      });
    }
  });
}

/**
 * A port that was free on `host` for every protocol in `protos` a moment ago.
 * @example const port = await freePort(['tcp', 'udp']);
 */
export async function freePort(protos: PortProtocol[] = ['tcp'], host = LOOPBACK): Promise<number> {
  for (let attempt = 0; attempt < 50; attempt++) {
    const [first, ...rest] = protos;
    const port = await tryBind(first ?? 'tcp', 0, host);
    if (port === undefined) continue;
    let ok = true;
    for (const proto of rest) if ((await tryBind(proto, port, host)) === undefined) ok = false;
    if (ok) return port;
  }
  throw new HarnessError('HARNESS_NO_FREE_PORT', `no free ${protos.join('+')} port on ${host}`);
}

/**
 * `count` consecutive UDP ports, free a moment ago, below Linux's ephemeral range (32768–60999) so
 * that ports the kernel hands out to other sockets do not land in them.
 * @example const { min, max } = await freeUdpPortRange(16);
 */
export async function freeUdpPortRange(
  count: number,
  host = LOOPBACK,
): Promise<{ min: number; max: number }> {
  const low = 20000;
  const high = 32000 - count;
  for (let attempt = 0; attempt < 50; attempt++) {
    const min = low + Math.floor(Math.random() * (high - low));
    let ok = true;
    for (let port = min; port < min + count && ok; port++) {
      ok = (await tryBind('udp', port, host)) !== undefined;
    }
    if (ok) return { min, max: min + count - 1 };
  }
  throw new HarnessError('HARNESS_NO_FREE_PORT', `no ${count} consecutive free UDP ports on ${host}`);
}
