import { allocPacket, resolvePacketizerOptions } from './payload-sink.ts';
import type { PacketizerOptions, RtpPayloadSink } from './payload-sink.ts';

/** Counters of a packetizer. */
export interface PacketizerStats {
  accessUnits: number;
  packets: number;
  /** Payloads with one NAL unit. */
  single: number;
  /** STAP-A (H.264) / AP (H.265) payloads. */
  aggregated: number;
  /** FU-A (H.264) / FU (H.265) payloads. */
  fragments: number;
  /** Empty NAL units, or types the RTP format reserves for itself, skipped. */
  skippedNals: number;
}

/**
 * The packetization shared by H.264 (RFC 6184) and H.265 (RFC 7798): a NAL unit that fits the MTU
 * alone goes as a single-NAL payload, consecutive small ones are aggregated (STAP-A / AP: 16-bit
 * size + NAL each, behind an aggregation header), larger ones are fragmented (FU-A / FU: the NAL
 * header is replaced by a FU indicator/header and its payload split into near-equal pieces). The
 * marker bit is set on the last packet of the access unit (RFC 6184 §5.1, RFC 7798 §4.1).
 * Subclasses only write the codec's headers.
 *
 * The hot path allocates one buffer per output packet and nothing else: no arrays, no closures.
 */
export abstract class NalPacketizer {
  readonly mtu: number;
  readonly headroom: number;
  readonly stats: PacketizerStats = {
    accessUnits: 0,
    packets: 0,
    single: 0,
    aggregated: 0,
    fragments: 0,
    skippedNals: 0,
  };
  /** NAL header size: 1 for H.264, 2 for H.265. */
  protected abstract readonly nalHeaderSize: number;
  /** Aggregation header size: 1 (STAP-A type) for H.264, 2 (AP payload header) for H.265. */
  protected abstract readonly aggregationHeaderSize: number;
  /** FU header bytes before the fragment: 2 for H.264 (indicator + header), 3 for H.265. */
  protected abstract readonly fuHeaderSize: number;

  constructor(options?: PacketizerOptions) {
    const { mtu, headroom } = resolvePacketizerOptions(options);
    this.mtu = mtu;
    this.headroom = headroom;
  }

  /** False for NAL units that must not be sent as they are (empty, RTP-reserved types). */
  protected abstract sendable(nal: Uint8Array): boolean;
  /** Writes the aggregation header for nals[from..to) (only sendable ones count) at `out[at]`. */
  protected abstract writeAggregationHeader(
    out: Uint8Array,
    at: number,
    nals: readonly Uint8Array[],
    from: number,
    to: number,
  ): void;
  /** Writes the FU headers of one fragment of `nal` at `out[at]`. */
  protected abstract writeFuHeader(
    out: Uint8Array,
    at: number,
    nal: Uint8Array,
    start: boolean,
    end: boolean,
  ): void;

  /**
   * Packetizes one access unit given as NAL units without start codes, calling `into` once per RTP
   * packet in order. Returns the number of packets.
   *
   * @example
   * const p = new H264Packetizer({ mtu: 1200 });
   * p.packetize([sps, pps, idr], (pkt, marker) => hub.push(pkt, marker));
   */
  packetize(nals: readonly Uint8Array[], into: RtpPayloadSink): number {
    const n = nals.length;
    let last = -1;
    for (let k = n - 1; k >= 0; k--) {
      if (this.sendable(nals[k] as Uint8Array)) {
        last = k;
        break;
      }
    }
    let count = 0;
    const mtu = this.mtu;
    let i = 0;
    while (i < n) {
      const nal = nals[i] as Uint8Array;
      if (!this.sendable(nal)) {
        this.stats.skippedNals++;
        i++;
        continue;
      }
      if (nal.length > mtu) {
        count += this.fragment(nal, i === last, into);
        i++;
        continue;
      }
      // Aggregate as many following NAL units as fit the MTU (skipping unsendable ones).
      let total = this.aggregationHeaderSize;
      let members = 0;
      let j = i;
      let lastMember = i;
      while (j < n) {
        const m = nals[j] as Uint8Array;
        if (!this.sendable(m)) {
          j++;
          continue;
        }
        if (total + 2 + m.length > mtu) break;
        total += 2 + m.length;
        members++;
        lastMember = j;
        j++;
      }
      if (members >= 2) {
        const pkt = allocPacket(this.headroom, total, lastMember === last);
        this.writeAggregationHeader(pkt, this.headroom, nals, i, lastMember + 1);
        let at = this.headroom + this.aggregationHeaderSize;
        for (let k = i; k <= lastMember; k++) {
          const m = nals[k] as Uint8Array;
          if (!this.sendable(m)) continue;
          pkt[at] = m.length >>> 8;
          pkt[at + 1] = m.length & 0xff;
          pkt.set(m, at + 2);
          at += 2 + m.length;
        }
        this.stats.aggregated++;
        // unsendable NAL units inside the run were skipped as well
        for (let k = i; k <= lastMember; k++)
          if (!this.sendable(nals[k] as Uint8Array)) this.stats.skippedNals++;
        into(pkt, lastMember === last);
        count++;
        i = lastMember + 1;
      } else {
        const pkt = allocPacket(this.headroom, nal.length, i === last);
        pkt.set(nal, this.headroom);
        this.stats.single++;
        into(pkt, i === last);
        count++;
        i++;
      }
    }
    this.stats.accessUnits++;
    this.stats.packets += count;
    return count;
  }

  /** FU-A / FU: the NAL header goes into the FU headers; the rest is split into near-equal pieces. */
  private fragment(nal: Uint8Array, lastOfAu: boolean, into: RtpPayloadSink): number {
    const h = this.nalHeaderSize;
    const body = nal.length - h;
    const room = this.mtu - this.fuHeaderSize;
    const pieces = Math.ceil(body / room);
    const base = Math.floor(body / pieces);
    let extra = body - base * pieces; // the first `extra` pieces carry one more byte
    let src = h;
    for (let p = 0; p < pieces; p++) {
      const size = base + (extra > 0 ? 1 : 0);
      if (extra > 0) extra--;
      const end = p === pieces - 1;
      const marker = end && lastOfAu;
      const pkt = allocPacket(this.headroom, this.fuHeaderSize + size, marker);
      this.writeFuHeader(pkt, this.headroom, nal, p === 0, end);
      pkt.set(nal.subarray(src, src + size), this.headroom + this.fuHeaderSize);
      src += size;
      this.stats.fragments++;
      into(pkt, marker);
    }
    return pieces;
  }
}
