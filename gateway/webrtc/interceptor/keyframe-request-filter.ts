import type { Clock } from '../transport/index.ts';

/** Counters of a {@link KeyframeRequestFilter}. */
export interface KeyframeRequestStats {
  pli: number;
  fir: number;
  /** Requests acted on. */
  answered: number;
  /** FIRs repeating a sequence number already answered (RFC 5104 §4.3.1.2). */
  firRepeats: number;
  /** Requests inside the minimum interval after an answered one. */
  throttled: number;
}

export interface KeyframeRequestFilterOptions {
  readonly clock: Clock;
  /**
   * Requests less than this long after an answered one are not answered again: the keyframe just
   * sent is on its way, and a receiver that lost its decoder state asks repeatedly until it has it
   * (a PLI storm would otherwise make the sender resend its keyframe in a loop). Default 250 ms.
   */
  readonly minIntervalMs?: number;
}

/**
 * Decides whether a Picture Loss Indication (RFC 4585 §6.3.1) or Full Intra Request (RFC 5104
 * §4.3.1) from one receiver is answered with a keyframe. A FIR carries a sequence number per request:
 * "a FIR with the same sequence number as a previous one is a retransmission" and must not trigger
 * another decoder refresh (§4.3.1.2). Both kinds are also throttled to one answer per interval.
 *
 * @example
 * const kf = new KeyframeRequestFilter({ clock });
 * if (p.type === 'pli' ? kf.pli() : kf.fir(entry.seqNr)) hub.requestKeyframe();
 */
export class KeyframeRequestFilter {
  readonly stats: KeyframeRequestStats = { pli: 0, fir: 0, answered: 0, firRepeats: 0, throttled: 0 };
  private readonly clock: Clock;
  private readonly minInterval: number;
  private lastAnswered = Number.NEGATIVE_INFINITY;
  private lastFirSeq: number | undefined;

  constructor(o: KeyframeRequestFilterOptions) {
    this.clock = o.clock;
    this.minInterval = o.minIntervalMs ?? 250;
  }

  /** A PLI arrived: true when it is to be answered. */
  pli(): boolean {
    this.stats.pli++;
    return this.answer();
  }

  /** A FIR entry for our SSRC arrived with `seqNr` (8 bits): true when it is to be answered. */
  fir(seqNr: number): boolean {
    this.stats.fir++;
    const seq = seqNr & 0xff;
    if (seq === this.lastFirSeq) {
      this.stats.firRepeats++;
      return false;
    }
    const ok = this.answer();
    // Only an answered request consumes its number; a throttled one may be repeated and answered.
    if (ok) this.lastFirSeq = seq;
    return ok;
  }

  private answer(): boolean {
    const now = this.clock.now();
    if (now - this.lastAnswered < this.minInterval) {
      this.stats.throttled++;
      return false;
    }
    this.lastAnswered = now;
    this.stats.answered++;
    return true;
  }
}
