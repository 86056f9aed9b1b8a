import dgram from 'node:dgram';
import type { RemoteInfo, Socket } from 'node:dgram';
import type { Addr } from './addr.ts';
import { addr } from './addr.ts';
import type { ConnStats } from './base-conn.ts';
import { BaseConn } from './base-conn.ts';
import type { Net } from './net.ts';
import { TransportAbortedError, TransportBindError, TransportSocketError } from './errors.ts';
import { closeOnAbort } from './abort.ts';
import { UdpLanes, type UdpLaneOptions, type UdpLaneStats } from './udp-lanes.ts';

/** Distinct datagram lengths whose scratch views are kept (a video stream uses a few dozen). */
const MAX_VIEWS = 256;

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
  /** Closes every conn of this net (with a TransportAbortedError) when it fires; later binds reject. */
  signal?: AbortSignal;
  /**
   * Send steady flows on connected sockets sharing the local port ({@link UdpLanes}; Linux only,
   * ignored elsewhere). The port is still bound exclusively first, so a port in use fails as before.
   * Default off.
   */
  lanes?: boolean | UdpLaneOptions;
}

/** {@link ConnStats} plus what only a real socket has. */
export interface UdpConnStats extends ConnStats {
  /** Sends the OS refused (EHOSTUNREACH, ENETUNREACH, EPERM…): dropped, as UDP drops. */
  sendErrors: number;
  /** Sends copied into a fresh buffer because a queued send still held the scratch (backpressure). */
  scratchBypass: number;
  /** Connected send lanes, when enabled ({@link UdpNetOptions.lanes}). */
  lanes?: UdpLaneStats;
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
 * bytes are copied into a per-conn scratch buffer and that is sent. Why copy at all: libuv first
 * tries a synchronous sendto, but when the kernel queue is full it queues the request and keeps a
 * reference to the bytes until it completes; the DTLS/SRTP layers above write each packet into a
 * reused scratch buffer, so sending their buffer by reference would corrupt queued packets. The
 * conn's scratch is used only while none of its sockets (shared or lane) holds a queued send, so a
 * datagram always starts at its offset 0, and the exact-length view of it is kept per length: a
 * send then passes a whole Buffer (no slice made per datagram) and allocates nothing in the common
 * case. Under backpressure each datagram gets a fresh copy instead (`stats.scratchBypass`).
 *
 * A socket error closes the conn with a {@link TransportSocketError} whose `cause` is the OS error.
 */
export class UdpConn extends BaseConn {
  declare readonly stats: UdpConnStats;
  private readonly scratch: Buffer;
  /** Views scratch[0, n) by length n (bounded: cleared past {@link MAX_VIEWS} lengths). */
  private readonly views = new Map<number, Buffer>();
  /** Sockets (shared or lane) whose last send was queued: the scratch is off while any still holds one. */
  private readonly queued = new Set<Socket>();
  private readonly lanes: UdpLanes | undefined;

  constructor(
    private readonly socket: Socket,
    localAddr: Addr,
    lanes?: UdpLaneOptions,
  ) {
    const max = localAddr.family === 'IPv6' ? UDP6_MAX_DATAGRAM : UDP4_MAX_DATAGRAM;
    super({ localAddr, maxDatagram: max, what: 'udp conn' });
    this.stats.sendErrors = 0;
    this.stats.scratchBypass = 0;
    this.scratch = Buffer.allocUnsafeSlow(max);
    if (lanes !== undefined) {
      this.lanes = new UdpLanes(localAddr, this.onMessage, lanes);
      this.stats.lanes = this.lanes.stats;
    }
    socket.on('message', this.onMessage);
    socket.on('error', this.onError);
    socket.on('close', this.onSocketClose);
  }

  protected transmit(data: Uint8Array, to: Addr): void {
    const n = data.byteLength;
    const lane = this.lanes?.laneFor(to);
    let buf: Buffer;
    if (this.queued.size === 0 || this.drained()) {
      buf = this.viewOf(n);
      buf.set(data);
    } else {
      this.stats.scratchBypass++;
      buf = Buffer.from(data);
    }
    if (lane !== undefined) {
      // No completion callback: each costs a nextTick per datagram (~5 % of the relay's CPU), and a
      // connected socket reports a gone peer (ICMP) as a socket error anyway, which fails the lane.
      lane.send(buf);
      if (lane.getSendQueueCount() !== 0) this.queued.add(lane);
    } else {
      this.socket.send(buf, to.port, to.address, this.onSent);
      if (this.socket.getSendQueueCount() !== 0) this.queued.add(this.socket);
    }
  }

  /** scratch[0, n) as a Buffer of its own, made once per distinct length. */
  private viewOf(n: number): Buffer {
    let v = this.views.get(n);
    if (v === undefined) {
      if (this.views.size >= MAX_VIEWS) this.views.clear();
      v = this.scratch.subarray(0, n);
      this.views.set(n, v);
    }
    return v;
  }

  /** Forgets sockets whose queued sends completed; true when none is left holding the scratch. */
  private drained(): boolean {
    for (const s of this.queued) {
      let count = 0;
      try {
        count = s.getSendQueueCount();
      } catch {
        // a closed lane holds nothing any more
      }
      if (count === 0) this.queued.delete(s);
    }
    return this.queued.size === 0;
  }

  protected override teardown(): void {
    this.lanes?.close();
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
  const laneOpts: UdpLaneOptions | undefined =
    opts.lanes === undefined || opts.lanes === false || process.platform !== 'linux'
      ? undefined
      : opts.lanes === true
        ? {}
        : opts.lanes;
  return {
    listenUdp(address: string, port: number): Promise<UdpConn> {
      if (opts.signal?.aborted) {
        return Promise.reject(new TransportAbortedError('udp net', { cause: opts.signal.reason }));
      }
      const v6 = address.includes(':');
      const create = (reuseAddr: boolean): Socket =>
        dgram.createSocket({
          type: v6 ? 'udp6' : 'udp4',
          // Keep families apart: a '::' socket must not see IPv4 as '::ffff:a.b.c.d'.
          ipv6Only: v6,
          lookup: literalLookup,
          reuseAddr,
          ...(opts.recvBufferSize !== undefined && { recvBufferSize: opts.recvBufferSize }),
          ...(opts.sendBufferSize !== undefined && { sendBufferSize: opts.sendBufferSize }),
        });
      const bind = (socket: Socket, p: number): Promise<Socket> =>
        new Promise((resolve, reject) => {
          const onBindError = (err: Error): void => {
            try {
              socket.close();
            } catch {
              // never bound: nothing to close
            }
            reject(new TransportBindError(`cannot bind udp ${address}:${port}`, { cause: err }));
          };
          socket.once('error', onBindError);
          socket.bind({ address, port: p, exclusive: true }, () => {
            socket.off('error', onBindError);
            resolve(socket);
          });
        });
      const open = async (): Promise<UdpConn> => {
        let socket: Socket;
        if (laneOpts === undefined) {
          socket = await bind(create(false), port);
        } else {
          // SO_REUSEADDR would let a second bind of the port succeed silently; binding once without
          // it first keeps "port in use" an error (and resolves port 0 to the port we then share).
          const probe = await bind(create(false), port);
          const p = probe.address().port;
          await new Promise<void>((r) => probe.close(() => r()));
          socket = await bind(create(true), p);
        }
        if (unref) socket.unref();
        const a = socket.address();
        const conn = new UdpConn(socket, addr(a.address, a.port), laneOpts);
        conn.onClose(closeOnAbort(opts.signal, 'udp net', (err) => conn.close(err)));
        return conn;
      };
      return open();
    },
  };
}

/** The default real-UDP {@link Net} (sockets unref()'d; see {@link UdpNetOptions}). */
export const udpNet: UdpNet = createUdpNet();
