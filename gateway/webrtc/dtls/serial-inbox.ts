/**
 * One datagram at a time. A conn below that delivers synchronously (an in-memory pipe) would hand
 * the DTLS conn the peer's answer while it is still sending the flight that answer replies to;
 * datagrams that arrive while one is being handled wait here (bounded, the excess dropped and
 * counted) and are handled, in order, right after.
 */
import type { Addr } from '../transport/index.ts';

/** Datagrams kept while one is being handled. */
export const MAX_INBOX = 32;

export class SerialInbox {
  private busy = false;
  private inbox: [Uint8Array, Addr][] = [];

  constructor(
    /** Handles one datagram (errors already contained). */
    private readonly handle: (data: Uint8Array, from: Addr) => void,
    private readonly isClosed: () => boolean,
    private readonly onDrop: () => void,
  ) {}

  /** Runs `fn` with re-entry deferred, then the datagrams that arrived meanwhile. */
  exclusive(fn: () => void): void {
    this.busy = true;
    try {
      fn();
    } finally {
      this.busy = false;
    }
    const next = this.inbox.shift();
    if (next && !this.isClosed()) this.exclusive(() => this.handle(next[0], next[1]));
  }

  /** A datagram from the conn below: handled now, or queued when we are inside `exclusive`. */
  offer(data: Uint8Array, from: Addr): void {
    if (!this.busy) return this.exclusive(() => this.handle(data, from));
    if (this.inbox.length < MAX_INBOX) this.inbox.push([data, from]);
    else this.onDrop();
  }
}
