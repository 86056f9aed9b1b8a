/**
 * Sequence-number arithmetic for 16-bit RTP sequence numbers (RFC 3550 §5.1, Appendix A.1).
 * Serial-number style: a is "after" b when (a - b) mod 2^16 is in 1..32767.
 */

/**
 * Signed distance from `b` to `a` modulo 2^16, in -32768..32767: 1 means a directly follows b.
 *
 * @example
 * seqDiff(2, 65534) === 4; seqDiff(65534, 2) === -4
 */
export function seqDiff(a: number, b: number): number {
  return (((a - b) & 0xffff) ^ 0x8000) - 0x8000;
}

/** True when `a` comes after `b` (wrap-aware, RFC 1982 serial comparison on 16 bits). */
export function seqNewer(a: number, b: number): boolean {
  return seqDiff(a, b) > 0;
}

/** `seq + n` modulo 2^16. */
export function seqAdd(seq: number, n: number): number {
  return (seq + n) & 0xffff;
}

/**
 * Turns 16-bit sequence numbers into monotonic extended ones (cycles * 2^16 + seq) by choosing,
 * for each input, the extension closest to the last one seen; works under reordering and loss of
 * less than 2^15 packets. The first value maps to itself (cycle 0) plus `2^16` of headroom so a
 * packet reordered just before the first stays positive.
 *
 * @example
 * const u = new SeqUnwrapper(); u.unwrap(65535); u.unwrap(0) - u.unwrap(65535) === 1
 */
export class SeqUnwrapper {
  private last = -1;

  /** The extended sequence number of `seq`. */
  unwrap(seq: number): number {
    const s = seq & 0xffff;
    if (this.last < 0) {
      this.last = 0x10000 + s;
      return this.last;
    }
    const ext = this.last + seqDiff(s, this.last & 0xffff);
    if (ext > this.last) this.last = ext;
    return ext;
  }

  /** Forgets the history (a new source). */
  reset(): void {
    this.last = -1;
  }
}

/** RFC 3550 Appendix A.1 constants. */
const MAX_DROPOUT = 3000;
const MAX_MISORDER = 100;
const MIN_SEQUENTIAL = 2;
const RTP_SEQ_MOD = 0x10000;

/**
 * Per-source sequence state of RFC 3550 Appendix A.1 (`init_seq` / `update_seq`): probation of a
 * new source, cycle counting, large jumps treated as a restarted sender after two sequential
 * packets. Feeds the "extended highest sequence number received" and the loss figures of receiver
 * reports (A.3).
 *
 * @example
 * const s = new RtpSourceSequence(firstSeq);
 * if (!s.update(pkt.sequenceNumber)) return; // in probation or a bad jump: not counted
 * block.highestSeq = s.extendedMax; block.cumulativeLost = s.expected - s.received;
 */
export class RtpSourceSequence {
  /** Highest sequence number seen (16 bits). */
  maxSeq = 0;
  /** Shifted count of sequence-number cycles (a multiple of 2^16). */
  cycles = 0;
  /** Base sequence number. */
  baseSeq = 0;
  /** Last 'bad' sequence number + 1. */
  badSeq = RTP_SEQ_MOD + 1;
  /** Sequential packets still needed till the source is valid. */
  probation = MIN_SEQUENTIAL;
  /** Packets received (valid ones). */
  received = 0;
  /** Packet expected at last interval (A.3). */
  expectedPrior = 0;
  /** Packets received at last interval (A.3). */
  receivedPrior = 0;

  constructor(seq: number) {
    this.init(seq);
    this.maxSeq = (seq - 1) & 0xffff;
    this.probation = MIN_SEQUENTIAL;
  }

  /** `init_seq` of A.1. */
  init(seq: number): void {
    this.baseSeq = seq;
    this.maxSeq = seq;
    this.badSeq = RTP_SEQ_MOD + 1;
    this.cycles = 0;
    this.received = 0;
    this.receivedPrior = 0;
    this.expectedPrior = 0;
  }

  /** `update_seq` of A.1: false when the packet must not be counted (probation, bad jump, too old). */
  update(seq: number): boolean {
    const udelta = (seq - this.maxSeq) & 0xffff;
    if (this.probation > 0) {
      // A.1: the source is not valid until MIN_SEQUENTIAL packets in sequence have been received.
      if (seq === ((this.maxSeq + 1) & 0xffff)) {
        this.probation--;
        this.maxSeq = seq;
        if (this.probation === 0) {
          this.init(seq);
          this.received++;
          return true;
        }
      } else {
        this.probation = MIN_SEQUENTIAL - 1;
        this.maxSeq = seq;
      }
      return false;
    } else if (udelta < MAX_DROPOUT) {
      // in order, with permissible gap
      if (seq < this.maxSeq) this.cycles += RTP_SEQ_MOD; // wrapped
      this.maxSeq = seq;
    } else if (udelta <= RTP_SEQ_MOD - MAX_MISORDER) {
      // the sequence number made a very large jump
      if (seq === this.badSeq) {
        // two sequential packets: assume the other side restarted without telling us
        this.init(seq);
      } else {
        this.badSeq = (seq + 1) & (RTP_SEQ_MOD - 1);
        return false;
      }
    } else {
      // duplicate or reordered packet
    }
    this.received++;
    return true;
  }

  /** Extended highest sequence number received (A.3). */
  get extendedMax(): number {
    return this.cycles + this.maxSeq;
  }

  /** Packets expected so far: extended max - base + 1 (A.3). */
  get expected(): number {
    return this.extendedMax - this.baseSeq + 1;
  }

  /** Cumulative number of packets lost, clamped to the 24-bit signed field of a report block (A.3). */
  get cumulativeLost(): number {
    const lost = this.expected - this.received;
    return Math.max(-0x800000, Math.min(0x7fffff, lost));
  }

  /** Fraction lost since the previous call, as the 8-bit fixed-point value of a report block (A.3). */
  takeFractionLost(): number {
    const expected = this.expected;
    const expectedInterval = expected - this.expectedPrior;
    this.expectedPrior = expected;
    const receivedInterval = this.received - this.receivedPrior;
    this.receivedPrior = this.received;
    const lostInterval = expectedInterval - receivedInterval;
    if (expectedInterval === 0 || lostInterval <= 0) return 0;
    return Math.floor((lostInterval << 8) / expectedInterval);
  }
}

/**
 * Gap detection for a receiver without a jitter buffer: tells, for each arriving sequence number,
 * whether it is late (not newer than the newest seen; returns -1), in order (0) or follows a gap of
 * n lost packets (n > 0). The newest sequence number only moves forward.
 *
 * @example
 * const g = new SeqGapDetector(); g.check(10) === 0; g.check(13) === 2; g.check(12) === -1
 */
export class SeqGapDetector {
  private last = -1;

  /** The newest sequence number seen, or -1. */
  get newest(): number {
    return this.last;
  }

  check(seq: number): number {
    const s = seq & 0xffff;
    if (this.last < 0) {
      this.last = s;
      return 0;
    }
    const d = seqDiff(s, this.last);
    if (d <= 0) return -1;
    this.last = s;
    return d - 1;
  }

  reset(): void {
    this.last = -1;
  }
}
