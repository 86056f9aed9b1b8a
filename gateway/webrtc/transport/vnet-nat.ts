import type { Addr } from './addr.ts';
import { addrKey } from './addr.ts';
import type { Clock } from './clock.ts';

/**
 * Inbound filtering of a NAT, in RFC 4787 §5 terms: who may send to a mapping once it exists.
 * - `endpoint-independent`: anyone (a "full cone").
 * - `address-dependent`: only IPs the inside host has sent to ("restricted cone").
 * - `address-and-port-dependent`: only IP:ports the inside host has sent to ("port restricted").
 */
export type NatFiltering = 'endpoint-independent' | 'address-dependent' | 'address-and-port-dependent';

/** Options of a virtual NAT (see {@link VNat}). */
export interface NatOptions {
  /** The NAT's public (outside) IP; must be unique on the network. */
  publicIp: string;
  /** Default `address-dependent`, the most common home-router behaviour. */
  filtering?: NatFiltering;
  /**
   * A mapping unused outbound for this long expires (RFC 4787 REQ-5 asks ≥ 2 min; outbound traffic
   * refreshes it, REQ-6). Default 120000 ms.
   */
  mappingLifetimeMs?: number;
  /** First public port handed out. Default 40000. */
  firstPort?: number;
  /** Mappings at most; new flows beyond it are dropped and counted. Default 4096. */
  maxMappings?: number;
}

/** Counters of a {@link VNat}. */
export interface NatStats {
  mappings: number;
  /** Inbound datagrams refused by the filter or with no (live) mapping. */
  filtered: number;
  expired: number;
  /** Outbound datagrams dropped because `maxMappings` were in use. */
  exhausted: number;
}

interface Mapping {
  readonly insideIp: string;
  readonly insidePort: number;
  readonly publicPort: number;
  lastOut: number;
  readonly permits: Set<string>;
}

/**
 * A NAT with endpoint-independent mapping (RFC 4787 REQ-1: one public port per inside ip:port,
 * whatever the destination; what ICE's server-reflexive candidates rely on) and configurable
 * filtering. It only translates; the network ({@link VNet}) moves the datagrams.
 *
 * @example
 * const nat = vnet.nat({ publicIp: '203.0.113.1', filtering: 'address-dependent' });
 * const phone = vnet.host('192.168.1.10', { behind: nat });
 */
export class VNat {
  readonly publicIp: string;
  readonly stats: NatStats = { mappings: 0, filtered: 0, expired: 0, exhausted: 0 };
  private readonly filtering: NatFiltering;
  private readonly lifetime: number;
  private readonly maxMappings: number;
  private nextPort: number;
  private readonly byInside = new Map<string, Mapping>();
  private readonly byPort = new Map<number, Mapping>();

  constructor(
    opts: NatOptions,
    private readonly clock: Clock,
  ) {
    this.publicIp = opts.publicIp;
    this.filtering = opts.filtering ?? 'address-dependent';
    this.lifetime = opts.mappingLifetimeMs ?? 120_000;
    // Below the 64512 ports 1024..65535 so that allocatePort always finds a free one.
    this.maxMappings = Math.min(opts.maxMappings ?? 4096, 60_000);
    this.nextPort = opts.firstPort ?? 40000;
  }

  /** Live mappings. */
  get size(): number {
    return this.byPort.size;
  }

  /** Translates an outbound datagram: the public port it leaves from, or undefined (dropped). */
  outbound(insideIp: string, insidePort: number, to: Addr): number | undefined {
    const key = `${insideIp}:${insidePort}`;
    let m = this.byInside.get(key);
    if (m !== undefined && this.expired(m)) m = undefined;
    if (m === undefined) {
      if (this.byPort.size >= this.maxMappings) {
        this.stats.exhausted++;
        return undefined;
      }
      const publicPort = this.allocatePort();
      m = { insideIp, insidePort, publicPort, lastOut: 0, permits: new Set() };
      this.byInside.set(key, m);
      this.byPort.set(publicPort, m);
      this.stats.mappings++;
    }
    m.lastOut = this.clock.now();
    if (this.filtering !== 'endpoint-independent') m.permits.add(this.permitKey(to));
    return m.publicPort;
  }

  /** Translates an inbound datagram to `publicPort`: the inside ip and port, or undefined (filtered). */
  inbound(from: Addr, publicPort: number): { ip: string; port: number } | undefined {
    const m = this.byPort.get(publicPort);
    if (m === undefined || this.expired(m)) {
      this.stats.filtered++;
      return undefined;
    }
    if (this.filtering !== 'endpoint-independent' && !m.permits.has(this.permitKey(from))) {
      this.stats.filtered++;
      return undefined;
    }
    return { ip: m.insideIp, port: m.insidePort };
  }

  private permitKey(a: Addr): string {
    return this.filtering === 'address-dependent' ? a.address : addrKey(a);
  }

  private expired(m: Mapping): boolean {
    if (this.clock.now() - m.lastOut <= this.lifetime) return false;
    this.byInside.delete(`${m.insideIp}:${m.insidePort}`);
    this.byPort.delete(m.publicPort);
    this.stats.expired++;
    return true;
  }

  private allocatePort(): number {
    for (;;) {
      const p = this.nextPort;
      this.nextPort = p >= 65535 ? 1024 : p + 1;
      if (!this.byPort.has(p)) return p;
    }
  }
}
