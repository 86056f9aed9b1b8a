import type { Clock } from '../transport/index.ts';

const SLOTS = 256;

/** Counters of a {@link NackResponder}. */
export interface NackResponderStats {
  /** Sequence numbers the receiver asked for (generic NACK, RFC 4585 §6.2.1). */
  requested: number;
  /** Of those, handed on to be resent. */
  resent: number;
  /** Asked again within the resend interval: not resent twice (a NACK and its repeats). */
  suppressed: number;
  /** Over the per-NACK cap: dropped. */
  capped: number;
}

export interface NackResponderOptions {
  readonly clock: Clock;
  /**
   * A sequence number resent less than this long ago is not resent again. Receivers repeat a NACK
   * until the packet arrives (libwebrtc about once per RTT), and a resend still in flight answers
   * them all; answering each would multiply a loss burst on a lossy link. Default 100 ms.
   */
  readonly minResendIntervalMs?: number;
  /** At most this many sequence numbers resent per NACK packet (a hostile NACK lists 17 per FCI). Default 128. */
  readonly maxPerNack?: number;
}

/**
 * Generic NACK responder (RFC 4585 §6.2.1; RFC 4588 §3 on retransmission timing) for one sent stream:
 * it decides which of the sequence numbers a receiver lists are resent now, from the sender's
 * history elsewhere (the stream hub keeps the packets). Sequence numbers are the receiver's; the
 * caller maps them to its history. Sans-IO: the clock is injected and nothing is sent here.
 *
 * @example
 * const nr = new NackResponder({ clock });
 * const seqs = nr.filter(nack.lost); // then resend those from the history
 */
export class NackResponder {
  readonly stats: NackResponderStats = { requested: 0, resent: 0, suppressed: 0, capped: 0 };
  private readonly clock: Clock;
  private readonly minInterval: number;
  private readonly maxPerNack: number;
  /*
   * Last resend time of recent sequence numbers, in a small table indexed by the low bits (a
   * receiver only asks for packets of the last few hundred milliseconds; a slot taken by another
   * number just means no suppression). 256 slots: 2.5 KB per sent stream, not 512 KB for all 65536.
   */
  private readonly slotSeq = new Int32Array(SLOTS).fill(-1);
  private readonly slotTime = new Float64Array(SLOTS);

  constructor(o: NackResponderOptions) {
    this.clock = o.clock;
    this.minInterval = o.minResendIntervalMs ?? 100;
    this.maxPerNack = o.maxPerNack ?? 128;
  }

  /** The sequence numbers of one NACK to resend now, in the order asked, each at most once. */
  filter(lost: readonly number[]): number[] {
    const now = this.clock.now();
    const out: number[] = [];
    for (const raw of lost) {
      const seq = raw & 0xffff;
      this.stats.requested++;
      const slot = seq & (SLOTS - 1);
      if (this.slotSeq[slot] === seq && now - (this.slotTime[slot] as number) < this.minInterval) {
        this.stats.suppressed++;
        continue;
      }
      if (out.length >= this.maxPerNack) {
        this.stats.capped++;
        continue;
      }
      this.slotSeq[slot] = seq;
      this.slotTime[slot] = now;
      out.push(seq);
    }
    this.stats.resent += out.length;
    return out;
  }
}
