/**
 * A lossy UDP relay for media tests: listens on `listenHost:port`, forwards each client's datagrams
 * to `target` from a socket of its own, and relays the replies back, dropping a fraction of the
 * datagrams that travel towards the client (`loss`) and, with `lossToTarget`, of those towards the
 * target (a publisher's media on its way to the gateway). Only RTP/RTCP (first byte 128-191, RFC 7983) is
 * dropped, so ICE and DTLS still come up and the loss lands on media, where NACK must recover it.
 * Loopback only; a seeded PRNG makes the losses repeatable.
 */
import { createSocket, type Socket } from 'node:dgram';
import type { Teardown } from './process.ts';

export interface LossyProxy {
  readonly host: string;
  readonly port: number;
  readonly stats: { forwarded: number; dropped: number };
  close(): Promise<void>;
}

export async function startLossyProxy(
  t: Teardown,
  opts: {
    listenHost: string;
    port: number;
    target: { host: string; port: number };
    loss: number;
    /** Fraction of the client's media dropped on its way to the target (default 0). */
    lossToTarget?: number;
    seed?: number;
  },
): Promise<LossyProxy> {
  let s = (opts.seed ?? 1) >>> 0;
  const random = () => {
    s = (s + 0x6d2b79f5) >>> 0;
    let x = Math.imul(s ^ (s >>> 15), 1 | s);
    x = (x + Math.imul(x ^ (x >>> 7), 61 | x)) ^ x;
    return ((x ^ (x >>> 14)) >>> 0) / 4294967296;
  };
  const stats = { forwarded: 0, dropped: 0 };
  const front = createSocket('udp4');
  await new Promise<void>((resolve, reject) => {
    front.once('error', reject);
    front.bind(opts.port, opts.listenHost, () => resolve());
  });
  const backs = new Map<string, Socket>();
  front.on('message', (msg, rinfo) => {
    const key = `${rinfo.address}:${rinfo.port}`;
    let back = backs.get(key);
    if (!back) {
      const b = createSocket('udp4');
      b.bind(0, '127.0.0.1');
      b.on('message', (reply) => {
        const media = reply[0]! >= 128 && reply[0]! <= 191;
        if (media && random() < opts.loss) {
          stats.dropped++;
          return;
        }
        stats.forwarded++;
        front.send(reply, rinfo.port, rinfo.address);
      });
      backs.set(key, b);
      back = b;
    }
    if ((opts.lossToTarget ?? 0) > 0 && msg[0]! >= 128 && msg[0]! <= 191 && random() < opts.lossToTarget!) {
      stats.dropped++;
      return;
    }
    back.send(msg, opts.target.port, opts.target.host);
  });
  const proxy: LossyProxy = {
    host: opts.listenHost,
    port: opts.port,
    stats,
    async close() {
      for (const b of backs.values()) b.close();
      backs.clear();
      await new Promise<void>((r) => front.close(() => r()));
    },
  };
  t.teardown(() => proxy.close());
  return proxy;
}
