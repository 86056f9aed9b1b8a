import dgram from 'node:dgram';
import type { RemoteInfo, Socket } from 'node:dgram';
import type { Addr } from './addr.ts';
import { AddrMap } from './addr-map.ts';

/** Options of connected send lanes ({@link UdpLanes}). */
export interface UdpLaneOptions {
  /** Datagrams sent to one address before a lane is opened for it. Default 64 (a media flow, not a STUN check). */
  after?: number;
  /** Lanes open at most at once (each is a file descriptor). Default 1024. */
  max?: number;
  /** A lane (or an address's send count) with no send for this long is closed. Default 10 000 ms. */
  idleMs?: number;
}

/** Counters of the lanes of one socket. */
export interface UdpLaneStats {
  /** Lanes open now. */
  open: number;
  /** Lanes opened in all. */
  opened: number;
  /** Lanes that failed (bind/connect error, ICMP unreachable) and were closed; sends went back to the shared socket. */
  failed: number;
  /** Datagrams sent on a lane instead of the shared socket. */
  sends: number;
}

/** One address's send count and, once promoted, its connected socket. */
interface LaneEntry {
  count: number;
  /** Sends since the last idle sweep. */
  active: boolean;
  socket: Socket | undefined;
  /** Connect in progress, or failed: no (new) lane for this address until the entry is swept. */
  blocked: boolean;
}

/**
 * Connected "lanes" beside one shared, unconnected UDP socket: for an address that receives a steady
 * flow (a viewer's media), a second socket bound to the SAME local address and port (SO_REUSEADDR on
 * both) and connect()ed to that address carries the sends. Why: on Linux an unconnected sendto does a
 * route lookup and builds the flow for every datagram, a connected send reuses the cached route, which
 * measured 1.2-1.5 µs less CPU per 1200-byte datagram on loopback (bench/transport.ts) — 8-10 % of the
 * relay's whole per-packet cost. The peer sees the same source address and port, so ICE and DTLS are
 * unaffected. The kernel also delivers that peer's datagrams to the connected socket (a connected
 * match scores higher than the wildcard one), so a lane feeds the same receive handler.
 *
 * A lane that fails (ICMP port unreachable surfaces as ECONNREFUSED on a connected socket) is closed
 * and its address goes back to the shared socket; nothing a lane does can close the shared socket.
 * Linux only: other kernels do not promise connected-socket delivery with SO_REUSEADDR.
 */
export class UdpLanes {
  readonly stats: UdpLaneStats = { open: 0, opened: 0, failed: 0, sends: 0 };
  private readonly entries = new AddrMap<LaneEntry>();
  private readonly after: number;
  private readonly max: number;
  private readonly sweepTimer: NodeJS.Timeout;
  private closed = false;

  constructor(
    private readonly local: Addr,
    private readonly onMessage: (msg: Buffer, rinfo: RemoteInfo) => void,
    opts: UdpLaneOptions = {},
  ) {
    this.after = Math.max(1, opts.after ?? 64);
    this.max = Math.max(0, opts.max ?? 1024);
    this.sweepTimer = setInterval(this.sweep, opts.idleMs ?? 10_000);
    this.sweepTimer.unref();
  }

  /**
   * The connected socket for `to` when one is ready, else undefined (send on the shared socket);
   * counts the send towards opening one.
   */
  laneFor(to: Addr): Socket | undefined {
    let e = this.entries.get(to);
    if (e === undefined) {
      if (this.closed) return undefined;
      e = { count: 0, active: true, socket: undefined, blocked: false };
      this.entries.set(to, e);
    }
    e.active = true;
    if (e.socket !== undefined) {
      this.stats.sends++;
      return e.socket;
    }
    if (!e.blocked && ++e.count >= this.after && this.stats.open < this.max) this.open(to, e);
    return undefined;
  }

  /** Closes every lane; later laneFor() calls return undefined. */
  close(): void {
    this.closed = true;
    clearInterval(this.sweepTimer);
    this.entries.forEach((e) => this.drop(e));
    this.entries.clear();
  }

  private open(to: Addr, e: LaneEntry): void {
    e.blocked = true;
    const v6 = this.local.family === 'IPv6';
    const s = dgram.createSocket({ type: v6 ? 'udp6' : 'udp4', ipv6Only: v6, reuseAddr: true });
    s.unref();
    const fail = (): void => {
      this.stats.failed++;
      if (e.socket === s) {
        e.socket = undefined;
        this.stats.open--;
      }
      try {
        s.close();
      } catch {
        // never bound or already closed
      }
    };
    s.on('error', fail);
    s.bind({ address: this.local.address, port: this.local.port, exclusive: true }, () => {
      s.connect(to.port, to.address, () => {
        if (this.closed || this.entries.get(to) !== e) {
          s.close();
          return;
        }
        s.on('message', this.onMessage);
        e.socket = s;
        this.stats.open++;
        this.stats.opened++;
      });
    });
  }

  /** Closes lanes and forgets counts of addresses with no send since the last sweep. */
  private readonly sweep = (): void => {
    const idle: Addr[] = [];
    this.entries.forEach((e, a) => {
      if (e.active) e.active = false;
      else idle.push(a);
    });
    for (const a of idle) {
      const e = this.entries.get(a);
      if (e !== undefined) this.drop(e);
      this.entries.delete(a);
    }
  };

  private drop(e: LaneEntry): void {
    const s = e.socket;
    if (s === undefined) return;
    e.socket = undefined;
    this.stats.open--;
    s.off('message', this.onMessage);
    try {
      s.close();
    } catch {
      // already closed
    }
  }
}
