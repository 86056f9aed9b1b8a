import { RtpBadArgumentError } from './errors.ts';
import { seqDiff } from './sequence.ts';

/** Options of {@link RtpReorderBuffer}. */
export interface RtpReorderBufferOptions<T> {
  /** Receives items in sequence-number order. */
  onRelease: (item: T, seq: number) => void;
  /** Slots (a power of two, default 256): the furthest ahead of the oldest missing packet an item may be. */
  capacity?: number;
  /**
   * How many packets newer than a hole to wait for it before giving it up as lost (default 32).
   * Counting packets instead of time keeps the buffer sans-IO; at 300 packets/s 32 is ~100 ms.
   */
  maxWaitPackets?: number;
}

/**
 * A bounded, packet-count-driven reorder buffer for one RTP stream: items come out in sequence
 * order; a hole is waited for until `maxWaitPackets` newer packets have arrived, then skipped
 * (the depacketizer behind sees the gap as loss). Duplicates and packets older than what was
 * already released are dropped and counted. Memory is `capacity` slots, whatever arrives.
 *
 * @example
 * const rb = new RtpReorderBuffer<RtpPacket>({ onRelease: (p) => depacketizer.pushPacket(p) });
 * rb.push(pkt.sequenceNumber, pkt); // pkt must own its bytes (copy if the receive buffer is reused)
 */
export class RtpReorderBuffer<T> {
  readonly stats = { released: 0, duplicates: 0, late: 0, skipped: 0 };
  private readonly slots: (T | undefined)[];
  private readonly mask: number;
  private readonly onRelease: (item: T, seq: number) => void;
  private readonly maxWait: number;
  /** Next sequence number to release, or -1 before the first packet. */
  private next = -1;
  /** Newest sequence number held, as a distance from `next`. */
  private ahead = -1;
  private held = 0;

  constructor(options: RtpReorderBufferOptions<T>) {
    const capacity = options.capacity ?? 256;
    if (!Number.isInteger(capacity) || capacity < 2 || capacity > 0x8000 || (capacity & (capacity - 1)) !== 0)
      throw new RtpBadArgumentError(`capacity ${capacity} is not a power of two in 2..32768`);
    this.slots = new Array<T | undefined>(capacity).fill(undefined);
    this.mask = capacity - 1;
    this.onRelease = options.onRelease;
    this.maxWait = Math.min(options.maxWaitPackets ?? 32, capacity - 1);
  }

  /** Packets held, waiting for a hole before them. */
  get pending(): number {
    return this.held;
  }

  push(sequenceNumber: number, item: T): void {
    const seq = sequenceNumber & 0xffff;
    if (this.next < 0) this.next = seq;
    const d = seqDiff(seq, this.next);
    if (d < 0) {
      this.stats.late++;
      return;
    }
    // Too far ahead for the window: give up the oldest holes until it fits.
    while (seqDiff(seq, this.next) > this.mask) this.skipOne();
    const slot = seq & this.mask;
    if (this.slots[slot] !== undefined) {
      this.stats.duplicates++;
      return;
    }
    this.slots[slot] = item;
    this.held++;
    this.ahead = Math.max(this.ahead, seqDiff(seq, this.next));
    this.drain();
    while (this.held > 0 && this.ahead >= this.maxWait) {
      this.skipOne();
      this.drain();
    }
  }

  /** Releases everything held, skipping the holes (end of stream). */
  flush(): void {
    while (this.held > 0) {
      this.skipOne();
      this.drain();
    }
  }

  private drain(): void {
    while (this.releaseNext());
  }

  /** Gives up the sequence number at `next` when it is a hole (lost), else releases it. */
  private skipOne(): void {
    if (this.releaseNext()) return;
    this.stats.skipped++;
    this.advance();
  }

  /** Releases the item at `next`, if it is held. */
  private releaseNext(): boolean {
    const slot = this.next & this.mask;
    const item = this.slots[slot];
    if (item === undefined) return false;
    this.slots[slot] = undefined;
    this.held--;
    const seq = this.next;
    this.advance();
    this.stats.released++;
    this.onRelease(item, seq);
    return true;
  }

  private advance(): void {
    this.next = (this.next + 1) & 0xffff;
    this.ahead = this.held === 0 ? -1 : this.ahead - 1;
  }
}
