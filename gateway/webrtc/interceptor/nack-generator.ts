import type { Clock } from '../transport/index.ts';

/** Counters of a {@link NackGenerator}. */
export interface NackGeneratorStats {
  /** Sequence numbers seen missing (a gap opened). */
  missing: number;
  /** Of those, arrived later (reordered or resent after our NACK). */
  recovered: number;
  /** Given up: too old or asked too often. */
  givenUp: number;
  /** Sequence numbers listed in NACKs sent (one per ask). */
  asked: number;
}

export interface NackGeneratorOptions {
  readonly clock: Clock;
  /** A missing packet is asked for again after this long (about an RTT). Default 40 ms. */
  readonly retryMs?: number;
  /** At most this many asks per missing packet. Default 4. */
  readonly maxAsks?: number;
  /** A packet missing longer than this is given up (the receiver's reorder window). Default 300 ms. */
  readonly maxAgeMs?: number;
  /** Missing packets tracked at most (a huge jump gives up the oldest). Default 256. */
  readonly maxMissing?: number;
}

interface Missing {
  since: number;
  lastAsk: number;
  asks: number;
}

/**
 * The receiving side of generic NACK (RFC 4585 §6.2.1; retransmission timing as RFC 4588 §3 and
 * libwebrtc's NackRequester do it): it watches one stream's sequence numbers, remembers the gaps,
 * and says which numbers to ask for now — at once when a gap opens, again every `retryMs` while the
 * packet is still missing, and never after `maxAsks` asks or `maxAgeMs` (then the receiver's reorder
 * buffer has given the packet up too and a keyframe request is the remedy). Sans-IO: the caller
 * sends the NACK (see rtcp's `nack` packet) and calls {@link due} as packets arrive or on a timer.
 *
 * @example
 * const ng = new NackGenerator({ clock });
 * ng.onPacket(pkt.sequenceNumber);
 * const lost = ng.due(); // → send { type: 'nack', senderSsrc, mediaSsrc, lost }
 */
export class NackGenerator {
  readonly stats: NackGeneratorStats = { missing: 0, recovered: 0, givenUp: 0, asked: 0 };
  private readonly clock: Clock;
  private readonly retryMs: number;
  private readonly maxAsks: number;
  private readonly maxAge: number;
  private readonly maxMissing: number;
  /** Highest sequence number seen, -1 before the first packet. */
  private highest = -1;
  private readonly missing = new Map<number, Missing>();

  constructor(o: NackGeneratorOptions) {
    this.clock = o.clock;
    this.retryMs = o.retryMs ?? 40;
    this.maxAsks = o.maxAsks ?? 4;
    this.maxAge = o.maxAgeMs ?? 300;
    this.maxMissing = o.maxMissing ?? 256;
  }

  /** Packets currently missing. */
  get pending(): number {
    return this.missing.size;
  }

  /** A packet with `sequenceNumber` arrived. */
  onPacket(sequenceNumber: number): void {
    const seq = sequenceNumber & 0xffff;
    if (this.highest < 0) {
      this.highest = seq;
      return;
    }
    const d = ((seq - this.highest + 0x8000) & 0xffff) - 0x8000;
    if (d <= 0) {
      // Older than the newest: a reordered or resent packet fills its gap.
      if (this.missing.delete(seq)) this.stats.recovered++;
      return;
    }
    const now = this.clock.now();
    // A jump larger than we track is a source restart or a burst beyond repair: keep the newest gaps.
    const from = d - 1 > this.maxMissing ? d - this.maxMissing : 1;
    if (from > 1) this.stats.givenUp += from - 1;
    for (let i = from; i < d; i++) {
      const s = (this.highest + i) & 0xffff;
      if (this.missing.size >= this.maxMissing) this.dropOldest();
      this.missing.set(s, { since: now, lastAsk: Number.NEGATIVE_INFINITY, asks: 0 });
      this.stats.missing++;
    }
    this.highest = seq;
  }

  /** The sequence numbers to ask for now (oldest first); empty when nothing is due. */
  due(): number[] {
    if (this.missing.size === 0) return [];
    const now = this.clock.now();
    const out: number[] = [];
    for (const [seq, m] of this.missing) {
      if (now - m.since > this.maxAge || m.asks >= this.maxAsks) {
        this.missing.delete(seq);
        this.stats.givenUp++;
        continue;
      }
      if (now - m.lastAsk < this.retryMs) continue;
      m.lastAsk = now;
      m.asks++;
      out.push(seq);
    }
    this.stats.asked += out.length;
    return out;
  }

  private dropOldest(): void {
    const first = this.missing.keys().next();
    if (!first.done) {
      this.missing.delete(first.value);
      this.stats.givenUp++;
    }
  }
}
