import type { Addr } from './addr.ts';
import { AddrMap } from './addr-map.ts';
import { BaseConn } from './base-conn.ts';
import type { DatagramConn } from './datagram-conn.ts';
import { TransportClosedError, TransportMuxError } from './errors.ts';
import { closeOnAbort } from './abort.ts';

/** Options of {@link UdpMux}. */
export interface UdpMuxOptions {
  /**
   * The session key of a STUN datagram, injected by ICE (transport does not parse STUN): the local
   * ICE ufrag from a Binding request's USERNAME `local:remote`, or undefined when there is none
   * (responses, indications, garbage). Called only for datagrams whose first byte is 0..3 (STUN
   * in RFC 7983 §7). It must not throw; if it does, the datagram is dropped and counted.
   */
  routeKey(data: Uint8Array): string | undefined;
  /**
   * Remote addresses one endpoint may learn; beyond it the least recently confirmed (by STUN) is
   * forgotten. Default 8.
   */
  maxAddrsPerEndpoint?: number;
  /** Closes the mux (endpoints and shared conn, with a TransportAbortedError) when it fires. */
  signal?: AbortSignal;
}

/** Counters of a {@link UdpMux}. */
export interface UdpMuxStats {
  received: number;
  /** STUN datagrams routed by their key. */
  routedByKey: number;
  /** Datagrams routed by their source address. */
  routedByAddr: number;
  /** Datagrams from an address no endpoint knows, without a known key: dropped. */
  unknown: number;
  /** Datagrams dropped because routeKey threw. */
  routeKeyErrors: number;
  /** Addresses learned (from keyed STUN received, or STUN sent by an endpoint). */
  learned: number;
  /** Addresses forgotten because an endpoint reached `maxAddrsPerEndpoint`. */
  evicted: number;
  /** Addresses another endpoint tried to claim while one owned them (the first owner keeps them). */
  conflicts: number;
}

/**
 * One session's view of the shared socket: an unconnected {@link DatagramConn} whose `localAddr`
 * is the shared socket's. Closing it forgets the addresses it learned.
 */
export class MuxEndpoint extends BaseConn {
  /** @internal Learned remote addresses, oldest first (bounded by the mux). */
  readonly addrs: Addr[] = [];

  constructor(
    private readonly mux: UdpMux,
    readonly key: string,
  ) {
    super({ localAddr: mux.localAddr, what: `mux endpoint ${key}` });
    this.keys = [key];
  }

  /** Every key that routes to this endpoint: its first, and those added by {@link addKey}. */
  readonly keys: string[];

  /**
   * Routes a further key here as well: after an ICE restart (RFC 8445 §9) the session's checks carry
   * its new ufrag, and a peer that moved networks reaches the port from an address nobody learned
   * yet. Throws `TransportMuxError` if another endpoint holds the key.
   */
  addKey(key: string): void {
    this.mux.addKey(this, key);
  }

  protected transmit(data: Uint8Array, to: Addr): void {
    // A STUN request we send (a connectivity check) is answered by a response without USERNAME, so
    // the address we check claims the route back to us; RFC 7983 §7: first byte 0..3 is STUN.
    if (data.length !== 0 && (data[0] as number) < 4) this.mux.learn(this, to);
    this.mux.shared.send(data, to);
  }

  protected override teardown(): void {
    this.mux.forget(this);
  }
}

/**
 * The single-port mux (DESIGN: "one UDP port carries every session"): many ICE sessions share one
 * socket. A STUN datagram whose {@link UdpMuxOptions.routeKey} names an open endpoint goes to it and
 * teaches the mux its source address; any later datagram (DTLS, SRTP, STUN) from a known address
 * goes to that address's endpoint; everything else is dropped and counted in {@link UdpMux.stats}.
 * An address belongs to the first endpoint that learned it until that endpoint closes or evicts it,
 * so an unauthenticated Binding request (routeKey does not check MESSAGE-INTEGRITY) cannot steal a
 * live session's media. The mux owns the shared conn: closing either closes both and all endpoints.
 *
 * The receive path costs one first-byte test, two Map lookups and no allocation per datagram.
 *
 * @example
 * const mux = new UdpMux(await udpNet.listenUdp('0.0.0.0', 8189), { routeKey: stunLocalUfrag });
 * const conn = mux.endpoint(localUfrag); // hand this to the session's ICE agent
 * conn.onData((data, from) => agent.handle(data, from));
 */
export class UdpMux {
  readonly stats: UdpMuxStats = {
    received: 0,
    routedByKey: 0,
    routedByAddr: 0,
    unknown: 0,
    routeKeyErrors: 0,
    learned: 0,
    evicted: 0,
    conflicts: 0,
  };
  readonly localAddr: Addr;
  /** @internal */
  readonly shared: DatagramConn;
  private readonly routeKey: (data: Uint8Array) => string | undefined;
  private readonly maxAddrs: number;
  private readonly byKey = new Map<string, MuxEndpoint>();
  private readonly byAddr = new AddrMap<MuxEndpoint>();
  private isClosed = false;

  constructor(conn: DatagramConn, opts: UdpMuxOptions) {
    this.shared = conn;
    this.localAddr = conn.localAddr;
    this.routeKey = opts.routeKey;
    this.maxAddrs = Math.max(1, opts.maxAddrsPerEndpoint ?? 8);
    conn.onData(this.onPacket);
    conn.onClose((err) => this.close(err));
    conn.onClose(closeOnAbort(opts.signal, 'udp mux', (err) => this.close(err)));
  }

  get closed(): boolean {
    return this.isClosed;
  }

  /** Open endpoints. */
  get size(): number {
    return this.byKey.size;
  }

  /** Addresses currently learned, over all endpoints. */
  get addressCount(): number {
    return this.byAddr.size;
  }

  /** Opens the endpoint for `key` (the local ICE ufrag). Throws if one is open for it already. */
  endpoint(key: string): MuxEndpoint {
    if (this.isClosed) throw new TransportClosedError('udp mux');
    if (this.byKey.has(key))
      throw new TransportMuxError(`an endpoint for key ${JSON.stringify(key)} is open`);
    const ep = new MuxEndpoint(this, key);
    this.byKey.set(key, ep);
    return ep;
  }

  /** Closes every endpoint and the shared conn; idempotent. */
  close(err?: Error): void {
    if (this.isClosed) return;
    this.isClosed = true;
    for (const ep of [...this.byKey.values()]) ep.close(err);
    this.shared.close(err);
  }

  /** @internal Binds `from` to `ep` unless another endpoint owns it; bounded per endpoint. */
  learn(ep: MuxEndpoint, from: Addr): void {
    const owner = this.byAddr.get(from);
    if (owner === ep) {
      // Seen again (consent checks every few seconds, RFC 7675): make it the newest so that a burst of
      // requests from other addresses evicts stale candidates before the live one.
      const i = ep.addrs.findIndex((a) => a.port === from.port && a.address === from.address);
      if (i >= 0 && i < ep.addrs.length - 1) ep.addrs.push(...ep.addrs.splice(i, 1));
      return;
    }
    if (owner !== undefined) {
      this.stats.conflicts++;
      return;
    }
    if (ep.addrs.length >= this.maxAddrs) {
      const old = ep.addrs.shift() as Addr;
      this.byAddr.delete(old);
      this.stats.evicted++;
    }
    // Our own copy: `from` may be dgram's rinfo or a caller's object.
    const a: Addr = { address: from.address, port: from.port, family: from.family };
    ep.addrs.push(a);
    this.byAddr.set(a, ep);
    this.stats.learned++;
  }

  /** @internal See {@link MuxEndpoint.addKey}. */
  addKey(ep: MuxEndpoint, key: string): void {
    if (this.isClosed || ep.closed) throw new TransportClosedError('udp mux');
    const holder = this.byKey.get(key);
    if (holder === ep) return;
    if (holder !== undefined)
      throw new TransportMuxError(`an endpoint for key ${JSON.stringify(key)} is open`);
    this.byKey.set(key, ep);
    ep.keys.push(key);
  }

  /** @internal Drops a closing endpoint, its keys and its addresses. */
  forget(ep: MuxEndpoint): void {
    for (const k of ep.keys) if (this.byKey.get(k) === ep) this.byKey.delete(k);
    for (const a of ep.addrs) this.byAddr.delete(a);
    ep.addrs.length = 0;
  }

  private readonly onPacket = (data: Uint8Array, from: Addr): void => {
    this.stats.received++;
    if (data.length !== 0 && (data[0] as number) < 4) {
      let key: string | undefined;
      try {
        key = this.routeKey(data);
      } catch {
        this.stats.routeKeyErrors++;
        return;
      }
      const ep = key === undefined ? undefined : this.byKey.get(key);
      if (ep !== undefined) {
        this.learn(ep, from);
        this.stats.routedByKey++;
        ep.deliver(data, from);
        return;
      }
    }
    const ep = this.byAddr.get(from);
    if (ep === undefined) {
      this.stats.unknown++;
      return;
    }
    this.stats.routedByAddr++;
    ep.deliver(data, from);
  };
}
