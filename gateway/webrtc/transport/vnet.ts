import type { Addr } from './addr.ts';
import { addr } from './addr.ts';
import type { Clock } from './clock.ts';
import type { LinkConditions } from './link-conditions.ts';
import { planDelivery } from './link-conditions.ts';
import { Prng } from './prng.ts';
import type { VRouter } from './vnet-host.ts';
import { VHost } from './vnet-host.ts';
import type { NatOptions } from './vnet-nat.ts';
import { VNat } from './vnet-nat.ts';
import { TransportError } from './errors.ts';
import { closeOnAbort } from './abort.ts';

/** Options of {@link VNet}. */
export interface VNetOptions {
  /** Drives every delay; a ManualClock in tests (nothing moves until it advances). */
  clock: Clock;
  /** PRNG seed: the same seed, configuration and traffic give the same losses and delays. Default 1. */
  seed?: number;
  /** Conditions of every link without its own {@link VNet.link}. Default: perfect (no loss, 0 ms). */
  defaults?: LinkConditions;
  /** Datagrams in flight at most; beyond it they are dropped and counted in `queueFull`. Default 65536. */
  maxInFlight?: number;
  /** Largest datagram a conn accepts. Default 65507 (IPv4 UDP). */
  maxDatagram?: number;
  /** Closes the network (every socket) when it fires. */
  signal?: AbortSignal;
}

/** Counters of a {@link VNet}: what it did to the traffic. */
export interface VNetStats {
  sent: number;
  delivered: number;
  lost: number;
  duplicated: number;
  reordered: number;
  /** No host at the destination IP, or no socket on the port when the datagram arrived. */
  unreachable: number;
  /** Refused by a NAT (filter, no or expired mapping, mappings exhausted). */
  filtered: number;
  queueFull: number;
}

/**
 * A virtual IP network for deterministic tests of ICE, DTLS and SCTP: hosts with IPs (each host is a
 * {@link Net}), per-link loss, delay, jitter, reordering and duplication drawn from a seeded PRNG,
 * and NATs with endpoint-independent mapping and configurable filtering. Time is the injected
 * {@link Clock}: with a ManualClock, every datagram, even with 0 ms delay, waits for `advance()`.
 * Each receiver gets its own copy of the bytes.
 *
 * @example
 * const clock = new ManualClock();
 * const vnet = new VNet({ clock, seed: 7, defaults: { delayMs: 20, loss: 0.01 } });
 * const server = vnet.host('198.51.100.1');
 * const nat = vnet.nat({ publicIp: '203.0.113.1', filtering: 'address-dependent' });
 * const client = vnet.host('192.168.0.2', { behind: nat });
 * const s = await server.listenUdp('0.0.0.0', 3478);
 * const c = await client.listenUdp('0.0.0.0', 0);
 * s.onData((data, from) => s.send(data, from)); // from = 203.0.113.1:40000, the NAT's mapping
 * c.send(new Uint8Array([1]), s.localAddr);
 * clock.advance(50);
 */
export class VNet implements VRouter {
  readonly stats: VNetStats = {
    sent: 0,
    delivered: 0,
    lost: 0,
    duplicated: 0,
    reordered: 0,
    unreachable: 0,
    filtered: 0,
    queueFull: 0,
  };
  readonly maxDatagram: number;
  private readonly clock: Clock;
  private readonly rng: Prng;
  private readonly maxInFlight: number;
  private inFlight = 0;
  private defaults: LinkConditions;
  private readonly links = new Map<VHost, Map<VHost, LinkConditions>>();
  /** Hosts on the public side and NATs, by IP. */
  private readonly publics = new Map<string, VHost | VNat>();
  /** Hosts behind each NAT, by private IP. */
  private readonly insides = new Map<VNat, Map<string, VHost>>();
  private readonly hosts: VHost[] = [];
  private isClosed = false;
  private readonly detachSignal: () => void;

  constructor(opts: VNetOptions) {
    this.clock = opts.clock;
    this.rng = new Prng(opts.seed ?? 1);
    this.defaults = { ...opts.defaults };
    this.maxInFlight = opts.maxInFlight ?? 65536;
    this.maxDatagram = opts.maxDatagram ?? 65507;
    this.detachSignal = closeOnAbort(opts.signal, 'vnet', () => this.close());
  }

  get closed(): boolean {
    return this.isClosed;
  }

  /** Datagrams scheduled and not yet delivered. */
  get pending(): number {
    return this.inFlight;
  }

  /** Adds a host with `ip`, on the public side or behind a NAT. Throws if the IP is taken there. */
  host(ip: string, opts: { behind?: VNat } = {}): VHost {
    const nat = opts.behind;
    const space = nat === undefined ? this.publics : this.insides.get(nat);
    if (space === undefined)
      throw new TransportError('TRANSPORT_VNET_CONFIG', 'that NAT is not on this network');
    if (space.has(ip)) throw new TransportError('TRANSPORT_VNET_CONFIG', `IP ${ip} is taken`);
    const h = new VHost(this, ip, nat);
    space.set(ip, h);
    this.hosts.push(h);
    return h;
  }

  /** Adds a NAT whose public IP is on the public side; put hosts behind it with `host(ip, { behind })`. */
  nat(opts: NatOptions): VNat {
    if (this.publics.has(opts.publicIp)) {
      throw new TransportError('TRANSPORT_VNET_CONFIG', `IP ${opts.publicIp} is taken`);
    }
    const n = new VNat(opts, this.clock);
    this.publics.set(opts.publicIp, n);
    this.insides.set(n, new Map());
    return n;
  }

  /** Sets the conditions between two hosts, both directions (replacing earlier ones for the pair). */
  link(a: VHost, b: VHost, conditions: LinkConditions): void {
    for (const [x, y] of [
      [a, b],
      [b, a],
    ] as const) {
      let m = this.links.get(x);
      if (m === undefined) this.links.set(x, (m = new Map()));
      m.set(y, { ...conditions });
    }
  }

  /** Replaces the conditions of every link without its own. */
  setDefaults(conditions: LinkConditions): void {
    this.defaults = { ...conditions };
  }

  /** Closes every socket; datagrams still in flight are dropped. */
  close(): void {
    if (this.isClosed) return;
    this.isClosed = true;
    this.detachSignal();
    for (const h of this.hosts) h.close();
  }

  /** @internal Moves one datagram from a socket on `src` towards `to`. */
  route(src: VHost, srcPort: number, data: Uint8Array, to: Addr): void {
    this.stats.sent++;
    let from = addr(src.ip, srcPort);
    let dst: VHost | undefined;
    let dstPort = to.port;
    const inside = src.nat;
    if (inside !== undefined) {
      dst = this.insides.get(inside)?.get(to.address);
      if (dst === undefined) {
        const port = inside.outbound(src.ip, srcPort, to);
        if (port === undefined) {
          this.stats.filtered++;
          return;
        }
        from = addr(inside.publicIp, port);
      }
    }
    if (dst === undefined) {
      const target = this.publics.get(to.address);
      if (target instanceof VNat) {
        const t = target.inbound(from, to.port);
        if (t === undefined) {
          this.stats.filtered++;
          return;
        }
        dst = this.insides.get(target)?.get(t.ip);
        dstPort = t.port;
      } else {
        dst = target;
      }
    }
    if (dst === undefined) {
      this.stats.unreachable++;
      return;
    }
    const plan = planDelivery(this.links.get(src)?.get(dst) ?? this.defaults, this.rng);
    if (plan.lost) {
      this.stats.lost++;
      return;
    }
    if (plan.duplicated) this.stats.duplicated++;
    this.stats.reordered += plan.reordered;
    for (const delay of plan.delays) this.schedule(dst, dstPort, data.slice(), from, delay);
  }

  private schedule(dst: VHost, port: number, bytes: Uint8Array, from: Addr, delay: number): void {
    if (this.inFlight >= this.maxInFlight) {
      this.stats.queueFull++;
      return;
    }
    this.inFlight++;
    this.clock.setTimer(delay, () => {
      this.inFlight--;
      if (this.isClosed) return;
      if (dst.deliver(port, bytes, from)) this.stats.delivered++;
      else this.stats.unreachable++;
    });
  }
}
