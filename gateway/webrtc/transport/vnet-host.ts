import type { Addr } from './addr.ts';
import { addr } from './addr.ts';
import { BaseConn } from './base-conn.ts';
import type { Net } from './net.ts';
import type { VNat } from './vnet-nat.ts';
import { TransportBindError, TransportClosedError } from './errors.ts';

/** What a host needs from its network (implemented by {@link VNet}). */
export interface VRouter {
  readonly closed: boolean;
  readonly maxDatagram: number;
  route(src: VHost, srcPort: number, data: Uint8Array, to: Addr): void;
}

/** A UDP socket on a virtual host: an unconnected {@link DatagramConn}. */
export class VConn extends BaseConn {
  constructor(
    private readonly host: VHost,
    localAddr: Addr,
    maxDatagram: number,
  ) {
    super({ localAddr, maxDatagram, what: 'vnet conn' });
  }

  protected transmit(data: Uint8Array, to: Addr): void {
    this.host.router.route(this.host, this.localAddr.port, data, to);
  }

  protected override teardown(): void {
    this.host.unbind(this);
  }
}

const FIRST_EPHEMERAL = 49152;

/**
 * A machine on a {@link VNet} with one IP: a {@link Net} whose sockets live on that network. Behind
 * a {@link VNat} when `nat` is set (its IP is then private to that NAT).
 *
 * @example
 * const alice = vnet.host('10.0.0.1');
 * const conn = await alice.listenUdp('0.0.0.0', 0); // localAddr 10.0.0.1:49152
 */
export class VHost implements Net {
  private readonly sockets = new Map<number, VConn>();
  private nextPort = FIRST_EPHEMERAL;

  constructor(
    /** @internal */ readonly router: VRouter,
    readonly ip: string,
    readonly nat: VNat | undefined,
  ) {}

  /** Binds `address:port`; `address` is the host's IP or a wildcard (0.0.0.0, ::); port 0 = ephemeral. */
  listenUdp(address: string, port: number): Promise<VConn> {
    if (this.router.closed) return Promise.reject(new TransportClosedError('vnet'));
    if (address !== this.ip && address !== '0.0.0.0' && address !== '::') {
      return Promise.reject(new TransportBindError(`${address} is not an address of host ${this.ip}`));
    }
    if (!Number.isInteger(port) || port < 0 || port > 65535) {
      return Promise.reject(new TransportBindError(`bad port ${port}`));
    }
    const p = port === 0 ? this.ephemeralPort() : port;
    if (p === undefined || this.sockets.has(p)) {
      return Promise.reject(new TransportBindError(`${this.ip}:${port} is in use`));
    }
    const conn = new VConn(this, addr(this.ip, p), this.router.maxDatagram);
    this.sockets.set(p, conn);
    return Promise.resolve(conn);
  }

  /** Open sockets on this host. */
  get socketCount(): number {
    return this.sockets.size;
  }

  /** @internal Hands a datagram to the socket on `port`; false when none is bound (no ICMP here). */
  deliver(port: number, data: Uint8Array, from: Addr): boolean {
    const c = this.sockets.get(port);
    if (c === undefined) return false;
    c.deliver(data, from); // no handler or closed: counted in the conn's own stats.dropped
    return true;
  }

  /** @internal */
  unbind(conn: VConn): void {
    if (this.sockets.get(conn.localAddr.port) === conn) this.sockets.delete(conn.localAddr.port);
  }

  /** Closes every socket on the host. */
  close(): void {
    for (const c of [...this.sockets.values()]) c.close();
  }

  private ephemeralPort(): number | undefined {
    for (let i = FIRST_EPHEMERAL; i <= 65535; i++) {
      const p = this.nextPort;
      this.nextPort = p >= 65535 ? FIRST_EPHEMERAL : p + 1;
      if (!this.sockets.has(p)) return p;
    }
    return undefined;
  }
}
