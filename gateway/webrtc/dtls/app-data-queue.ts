/**
 * Application data (RFC 6347 §4.1, content type 23) on its way to the conn's user. Records that
 * arrive before a handler is set, or before our side of the handshake finished (the peer's first
 * data may overtake its last flight's processing here), wait in a bounded queue; beyond the bound
 * they are dropped and counted, so a slow reader never grows memory.
 */
import type { Addr, DatagramHandler } from '../transport/index.ts';

/** Application data received before a handler is set, or before our side finished, bounded. */
export const MAX_QUEUED_APP_DATA = 64;

export class AppDataQueue {
  private handler: DatagramHandler | undefined;
  private queue: { data: Uint8Array; from: Addr }[] = [];

  /** `onDrop` counts a record dropped because the queue is full. */
  constructor(private readonly onDrop: () => void) {}

  /** Sets the handler and hands it what has waited. */
  setHandler(handler: DatagramHandler): void {
    this.handler = handler;
    const q = this.queue;
    this.queue = [];
    for (const { data, from } of q) handler(data, from);
  }

  /** A decrypted record: to the handler once connected, else into the queue. */
  deliver(data: Uint8Array, from: Addr, connected: boolean): void {
    if (connected && this.handler) return this.handler(data, from);
    if (this.queue.length < MAX_QUEUED_APP_DATA) this.queue.push({ data, from });
    else this.onDrop();
  }

  /** Our side finished the handshake: what waited goes to the handler, if there is one. */
  release(): void {
    if (this.handler) this.setHandler(this.handler);
  }
}
