import dgram from 'node:dgram';
import type { RemoteInfo, Socket } from 'node:dgram';
import type { Addr } from './addr.ts';
import { addr } from './addr.ts';
import type { ConnStats } from './base-conn.ts';
import { BaseConn } from './base-conn.ts';
import type { Net } from './net.ts';
import { TransportAbortedError, TransportBindError, TransportSocketError } from './errors.ts';
import { closeOnAbort } from './abort.ts';

/** Largest UDP payload: 65535 − 8 (UDP header) − 20 (IPv4 header); IPv6 has no header in the length. */
export const UDP4_MAX_DATAGRAM = 65507;
export const UDP6_MAX_DATAGRAM = 65527;

/** Options of {@link createUdpNet}. */
export interface UdpNetOptions {
  /**
   * unref() every socket so an open conn never keeps the process alive (as real timers are). Default
   * true: the gateway is held up by its HTTP server and signals, not by protocol sockets. Set false
   * for a process whose only work is the UDP socket.
   */
  unref?: boolean;
  /** SO_RCVBUF in bytes (the media port wants a few MB to ride out bursts). Default: the OS's. */
  recvBufferSize?: number;
  /** SO_SNDBUF in bytes. Default: the OS's. */
  sendBufferSize?: number;
  /** Size of each conn's send copy ring (see {@link UdpConn}). Default 1 MiB. */
  sendRingBytes?: number;
  /** Closes every conn of this net (with a TransportAbortedError) when it fires; later binds reject. */
  signal?: AbortSignal;
}

/** {@link ConnStats} plus what only a real socket has. */
export interface UdpConnStats extends ConnStats {
  /** Sends the OS refused (EHOSTUNREACH, ENETUNREACH, EPERM…): dropped, as UDP drops. */
  sendErrors: number;
  /** Sends copied into a fresh buffer because the ring was busy with queued sends (backpressure). */
  ringBypass: number;
}

/*
 * dgram resolves the destination with `lookup` even for an IP literal, and the default (dns.lookup)
 * answers on the next tick, so a plain `socket.send(buf)` still reads `buf` after send() returned.
 * Every Addr holds an IP literal already, so this lookup answers synchronously and the send reaches
 * libuv before send() returns. An unresolvable string fails in libuv and counts as a send error.
 */
function literalLookup(
  hostname: string,
  options: unknown,
  callback: (err: NodeJS.ErrnoException | null, address: string, family: number) => void,
): void {
  callback(null, hostname, typeof options === 'number' ? options : hostname.includes(':') ? 6 : 4);
}

/**
 * A bound, unconnected UDP socket as a {@link DatagramConn}. Received datagrams are dgram's own
 * Buffers (fresh per datagram, so the handler owns them); `from` is dgram's rinfo object (an Addr).
 *
 * Sending is fire-and-forget and the caller may reuse its buffer as soon as send() returns: the
 * bytes are copied into a per-conn ring buffer and that region is sent. Why copy at all: libuv first
 * tries a synchronous sendto, but when the kernel queue is full it queues the request and keeps a
 * reference to the bytes until it completes; the DTLS/SRTP layers above write each packet into a
 * reused scratch buffer, so sending their buffer by reference would corrupt queued packets. Copying
 * ~1200 bytes into the ring costs far less than the send itself, allocates nothing, and the ring is
 * only reused where no queued send can still point (checked against getSendQueueSize(); under heavy
 * backpressure a fresh copy is made instead and counted in `stats.ringBypass`).
 *
 * A socket error closes the conn with a {@link TransportSocketError} whose `cause` is the OS error.
 */
export class UdpConn extends BaseConn {
  declare readonly stats: UdpConnStats;
  private readonly ring: Buffer;
  private ringPos = 0;
  /** Queued-bytes ceiling below which the ring region we write cannot overlap a queued send. */
  private readonly ringSafeQueue: number;

  constructor(
    private readonly socket: Socket,
    localAddr: Addr,
    ringBytes: number,
  ) {
    const max = localAddr.family === 'IPv6' ? UDP6_MAX_DATAGRAM : UDP4_MAX_DATAGRAM;
    super({ localAddr, maxDatagram: max, what: 'udp conn' });
    this.stats.sendErrors = 0;
    this.stats.ringBypass = 0;
    this.ring = Buffer.allocUnsafeSlow(ringBytes);
    // Queued sends occupy at most (queued bytes + one wrap gap < max) behind the write position;
    // the next datagram needs `max` more, so the ring is safe while queued + 2·max ≤ ring size.
    this.ringSafeQueue = ringBytes - 2 * max;
    socket.on('message', this.onMessage);
    socket.on('error', this.onError);
    socket.on('close', this.onSocketClose);
  }

  protected transmit(data: Uint8Array, to: Addr): void {
    const n = data.byteLength;
    if (this.socket.getSendQueueSize() <= this.ringSafeQueue) {
      if (this.ringPos + n > this.ring.length) this.ringPos = 0;
      const off = this.ringPos;
      this.ring.set(data, off);
      this.ringPos = off + n;
      this.socket.send(this.ring, off, n, to.port, to.address, this.onSent);
    } else {
      this.stats.ringBypass++;
      this.socket.send(Buffer.from(data), 0, n, to.port, to.address, this.onSent);
    }
  }

  protected override teardown(): void {
    this.socket.off('message', this.onMessage);
    try {
      this.socket.close();
    } catch {
      // Already closed underneath us (the 'close' event path): nothing left to release.
    }
  }

  private readonly onMessage = (msg: Buffer, rinfo: RemoteInfo): void => {
    this.deliver(msg, rinfo);
  };

  private readonly onSent = (err: Error | null): void => {
    if (err) this.stats.sendErrors++;
  };

  private readonly onError = (err: Error): void => {
    this.close(
      new TransportSocketError(`udp socket ${this.localAddr.address}:${this.localAddr.port} failed`, {
        cause: err,
      }),
    );
  };

  private readonly onSocketClose = (): void => {
    this.close();
  };
}

/** A {@link Net} whose conns are {@link UdpConn}s (so their `stats` are typed). */
export interface UdpNet extends Net {
  listenUdp(address: string, port: number): Promise<UdpConn>;
}

/**
 * A {@link Net} on real UDP sockets.
 *
 * @example
 * const net = createUdpNet({ recvBufferSize: 4 << 20 });
 * const conn = await net.listenUdp('0.0.0.0', 8189);
 * conn.onData((data, from) => conn.send(data, from)); // echo
 */
export function createUdpNet(opts: UdpNetOptions = {}): UdpNet {
  const unref = opts.unref ?? true;
  const ringBytes = opts.sendRingBytes ?? 1 << 20;
  return {
    listenUdp(address: string, port: number): Promise<UdpConn> {
      if (opts.signal?.aborted) {
        return Promise.reject(new TransportAbortedError('udp net', { cause: opts.signal.reason }));
      }
      const v6 = address.includes(':');
      const socket = dgram.createSocket({
        type: v6 ? 'udp6' : 'udp4',
        // Keep families apart: a '::' socket must not see IPv4 as '::ffff:a.b.c.d'.
        ipv6Only: v6,
        lookup: literalLookup,
        ...(opts.recvBufferSize !== undefined && { recvBufferSize: opts.recvBufferSize }),
        ...(opts.sendBufferSize !== undefined && { sendBufferSize: opts.sendBufferSize }),
      });
      return new Promise((resolve, reject) => {
        const onBindError = (err: Error): void => {
          try {
            socket.close();
          } catch {
            // never bound: nothing to close
          }
          reject(new TransportBindError(`cannot bind udp ${address}:${port}`, { cause: err }));
        };
        socket.once('error', onBindError);
        socket.bind({ address, port, exclusive: true }, () => {
          socket.off('error', onBindError);
          if (unref) socket.unref();
          const a = socket.address();
          const conn = new UdpConn(socket, addr(a.address, a.port), ringBytes);
          conn.onClose(closeOnAbort(opts.signal, 'udp net', (err) => conn.close(err)));
          resolve(conn);
        });
      });
    },
  };
}

/** The default real-UDP {@link Net} (sockets unref()'d; see {@link UdpNetOptions}). */
export const udpNet: UdpNet = createUdpNet();
