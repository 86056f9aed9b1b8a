import type { Addr } from './addr.ts';
import { addr } from './addr.ts';
import { BaseConn } from './base-conn.ts';
import { closeOnAbort } from './abort.ts';

/** Options of {@link createPipe}. */
export interface PipeOptions {
  /** Address of the first end. Default 192.0.2.1:50001 (RFC 5737 documentation range). */
  addrA?: Addr;
  /** Address of the second end. Default 192.0.2.2:50002. */
  addrB?: Addr;
  /** Largest datagram accepted. Default 65507 (the IPv4 UDP maximum), so code tested on a pipe fits UDP. */
  maxDatagram?: number;
  /**
   * Defers each delivery: called once per datagram with a function that delivers the oldest queued
   * one, e.g. `(fn) => clock.setTimer(0, fn)` or `queueMicrotask`. Without it delivery is synchronous.
   */
  schedule?: (deliverNext: () => void) => void;
  /** Datagrams in flight (both directions) before new ones are dropped and counted. Default 1024. */
  maxQueue?: number;
  /** Closes both ends (with a TransportAbortedError) when it fires. */
  signal?: AbortSignal;
}

interface InFlight {
  to: PipeConn;
  data: Uint8Array;
  from: Addr;
}

/**
 * The shared queue of a pipe. Synchronous mode is run-to-completion: a datagram sent from inside a
 * receive handler is queued and delivered after that handler returns, never re-entrantly, so a
 * handshake between two ends runs as a flat loop and every datagram has arrived when the outermost
 * send() returns. With `schedule`, each datagram waits for the scheduler instead.
 */
class PipeCore {
  private queue: (InFlight | undefined)[] = [];
  private head = 0;
  private draining = false;
  /** Datagrams dropped because `maxQueue` were already in flight. */
  queueDrops = 0;

  constructor(
    private readonly maxQueue: number,
    private readonly schedule: ((deliverNext: () => void) => void) | undefined,
  ) {}

  enqueue(to: PipeConn, data: Uint8Array, from: Addr): void {
    if (this.queue.length - this.head >= this.maxQueue) {
      this.queueDrops++;
      return;
    }
    this.queue.push({ to, data, from });
    if (this.schedule !== undefined) this.schedule(this.deliverNext);
    else if (!this.draining) this.drain();
  }

  private readonly deliverNext = (): void => {
    const item = this.take();
    if (item !== undefined) item.to.deliver(item.data, item.from);
  };

  private drain(): void {
    this.draining = true;
    try {
      for (let item = this.take(); item !== undefined; item = this.take()) {
        item.to.deliver(item.data, item.from);
      }
    } finally {
      // A handler that throws leaves later datagrams queued; the next send() delivers them.
      this.draining = false;
    }
  }

  private take(): InFlight | undefined {
    if (this.head >= this.queue.length) return undefined;
    const item = this.queue[this.head];
    this.queue[this.head++] = undefined;
    if (this.head === this.queue.length) {
      this.queue.length = 0;
      this.head = 0;
    }
    return item;
  }
}

/**
 * One end of an in-memory pipe: a connected {@link DatagramConn} whose `remoteAddr` is the other
 * end's `localAddr`. Closing one end does not close the other (datagram semantics, as with UDP):
 * what is sent to a closed end is dropped and counted in its `stats.dropped`.
 */
export class PipeConn extends BaseConn {
  /**
   * Test hook: sees each datagram this end sends (its own copy) and returns false to drop it, e.g.
   * to lose a handshake flight. Dropped datagrams are counted in {@link PipeConn.filtered}.
   */
  filter: ((data: Uint8Array) => boolean) | undefined = undefined;
  /** Datagrams from this end that {@link PipeConn.filter} dropped. */
  filtered = 0;
  private peer: PipeConn | undefined;

  constructor(
    private readonly core: PipeCore,
    localAddr: Addr,
    remoteAddr: Addr,
    maxDatagram: number,
  ) {
    super({ localAddr, remoteAddr, maxDatagram, what: 'pipe' });
  }

  /** Datagrams dropped on this pipe because its queue was full (both directions). */
  get queueDrops(): number {
    return this.core.queueDrops;
  }

  /** @internal */
  connect(peer: PipeConn): void {
    this.peer = peer;
  }

  protected transmit(data: Uint8Array): void {
    // The receiver gets its own copy; the sender may reuse `data` at once.
    const copy = data.slice();
    if (this.filter !== undefined && !this.filter(copy)) {
      this.filtered++;
      return;
    }
    this.core.enqueue(this.peer as PipeConn, copy, this.localAddr);
  }
}

/**
 * A connected pair of in-memory {@link DatagramConn}s for tests and for wiring layers together in
 * one process. Lossless and in order; each receiver gets its own copy of the bytes. Delivery is
 * synchronous (run-to-completion, see {@link PipeOptions.schedule}) unless a scheduler is given.
 *
 * @example
 * const [a, b] = createPipe();
 * b.onData((data, from) => b.send(data)); // echo
 * a.onData((data) => assert.deepEqual(data, new Uint8Array([1, 2, 3])));
 * a.send(new Uint8Array([1, 2, 3])); // both handlers have run when this returns
 *
 * @example
 * // Deliveries driven by a ManualClock, one per timer:
 * const clock = new ManualClock();
 * const [a, b] = createPipe({ schedule: (fn) => void clock.setTimer(0, fn) });
 */
export function createPipe(opts: PipeOptions = {}): [PipeConn, PipeConn] {
  const a0 = opts.addrA ?? addr('192.0.2.1', 50001);
  const b0 = opts.addrB ?? addr('192.0.2.2', 50002);
  const max = opts.maxDatagram ?? 65507;
  const core = new PipeCore(opts.maxQueue ?? 1024, opts.schedule);
  const a = new PipeConn(core, a0, b0, max);
  const b = new PipeConn(core, b0, a0, max);
  a.connect(b);
  b.connect(a);
  const detach = closeOnAbort(opts.signal, 'pipe', (err) => {
    a.close(err);
    b.close(err);
  });
  a.onClose(() => {
    if (b.closed) detach();
  });
  b.onClose(() => {
    if (a.closed) detach();
  });
  return [a, b];
}
