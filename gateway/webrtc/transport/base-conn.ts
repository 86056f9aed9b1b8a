import type { Addr } from './addr.ts';
import { sameAddr } from './addr.ts';
import type { CloseHandler, DatagramConn, DatagramHandler } from './datagram-conn.ts';
import { TransportClosedError, TransportSendError } from './errors.ts';

/** Counters every conn keeps; implementations may add their own beside them. */
export interface ConnStats {
  /** Datagrams accepted by send(). */
  sent: number;
  /** Datagrams handed to the receive handler. */
  received: number;
  /** Datagrams that arrived while closed or with no handler set (dropped, as UDP would). */
  dropped: number;
}

/** What a {@link BaseConn} subclass passes up. */
export interface BaseConnInit {
  localAddr: Addr;
  /** Set for a connected conn: send() without `to` goes there, and `to` must equal it. */
  remoteAddr?: Addr | undefined;
  /** Largest datagram send() accepts (bytes); larger throws `TransportSendError`. Default: unlimited. */
  maxDatagram?: number;
  /** Name used in error messages (`'udp conn'`, `'pipe'`). */
  what?: string;
  /** Datagrams kept while no handler has been set yet (oldest dropped first). Default 32; 0 drops. */
  maxPending?: number;
}

/**
 * The shared half of every {@link DatagramConn} in this module (pipe, UDP, demux class, mux endpoint,
 * virtual network), so that the contract the conformance suite checks lives in one place: one data
 * handler (replaced by a new call), close listeners that run once (at once when already closed),
 * idempotent close, `TransportClosedError` on send after close, destination and size checks.
 *
 * A subclass implements {@link BaseConn.transmit} (the datagram is valid and the conn open) and
 * may override {@link BaseConn.teardown}; its producer calls {@link BaseConn.deliver} per datagram.
 * Other modules may extend it too (a DTLS or ICE conn), it is exported for that.
 *
 * @example
 * class LoopConn extends BaseConn {
 *   constructor() { super({ localAddr: addr('127.0.0.1', 1), remoteAddr: addr('127.0.0.1', 1) }); }
 *   protected transmit(data: Uint8Array, to: Addr) { this.deliver(data.slice(), to); }
 * }
 */
export abstract class BaseConn implements DatagramConn {
  readonly localAddr: Addr;
  readonly remoteAddr: Addr | undefined;
  readonly stats: ConnStats = { sent: 0, received: 0, dropped: 0 };
  protected readonly maxDatagram: number;
  protected readonly what: string;
  private handler: DatagramHandler | undefined;
  /**
   * Datagrams that arrived before the first handler was set. A layer is often wired a moment after
   * its conn exists (DTLS starts on a demux class after ICE selects a pair), and the peer's first
   * flight must not be lost in that gap: dropping it costs a full retransmission timeout (1 s in DTLS).
   */
  private pending: { data: Uint8Array; from: Addr }[] | undefined = [];
  private readonly maxPending: number;
  private closeHandlers: CloseHandler[] = [];
  private isClosed = false;
  private closeError: Error | undefined;

  constructor(init: BaseConnInit) {
    this.localAddr = init.localAddr;
    this.remoteAddr = init.remoteAddr;
    this.maxDatagram = init.maxDatagram ?? Number.POSITIVE_INFINITY;
    this.what = init.what ?? 'conn';
    this.maxPending = init.maxPending ?? 32;
  }

  get closed(): boolean {
    return this.isClosed;
  }

  /** The error the conn closed with, if any. */
  get error(): Error | undefined {
    return this.closeError;
  }

  send(data: Uint8Array, to?: Addr): void {
    if (this.isClosed) throw new TransportClosedError(this.what);
    let dest = this.remoteAddr;
    if (dest === undefined) {
      if (to === undefined)
        throw new TransportSendError(`${this.what} is unconnected: send() needs a destination`);
      dest = to;
    } else if (to !== undefined && !sameAddr(to, dest)) {
      throw new TransportSendError(`${this.what} is connected to another address than the one given`);
    }
    if (data.byteLength > this.maxDatagram) {
      throw new TransportSendError(`datagram of ${data.byteLength} bytes exceeds ${this.maxDatagram}`);
    }
    this.stats.sent++;
    this.transmit(data, dest);
  }

  onData(handler: DatagramHandler): void {
    this.handler = handler;
    const pending = this.pending;
    this.pending = undefined;
    if (pending) for (const p of pending) if (this.handler === handler) this.deliver(p.data, p.from);
  }

  onClose(handler: CloseHandler): void {
    if (this.isClosed) handler(this.closeError);
    else this.closeHandlers.push(handler);
  }

  close(err?: Error): void {
    if (this.isClosed) return;
    this.isClosed = true;
    this.closeError = err;
    this.handler = undefined;
    this.pending = undefined;
    const handlers = this.closeHandlers;
    this.closeHandlers = [];
    let first: unknown;
    let threw = false;
    try {
      this.teardown(err);
    } catch (e) {
      threw = true;
      first = e;
    }
    // Every listener runs even if one throws; the first failure is rethrown afterwards.
    for (const h of handlers) {
      try {
        h(err);
      } catch (e) {
        if (!threw) {
          threw = true;
          first = e;
        }
      }
    }
    if (threw) throw first;
  }

  /**
   * Hands one received datagram to the handler (the producer gives up `data`); before the first
   * handler is set it waits in a small bounded queue. Returns false and counts a drop when the conn
   * is closed or its handler was removed.
   */
  deliver(data: Uint8Array, from: Addr): boolean {
    const h = this.handler;
    if (h === undefined) {
      // Before the first handler (never after close): keep a few, dropping the oldest.
      if (this.pending && !this.isClosed && this.maxPending > 0) {
        if (this.pending.length >= this.maxPending) {
          this.pending.shift();
          this.stats.dropped++;
        }
        this.pending.push({ data, from });
        return true;
      }
      this.stats.dropped++;
      return false;
    }
    this.stats.received++;
    h(data, from);
    return true;
  }

  /** Sends one checked datagram to `to`; the caller may reuse `data` once this returns. */
  protected abstract transmit(data: Uint8Array, to: Addr): void;

  /** Releases what the conn holds; runs once, from close(), before the close listeners. */
  protected teardown(_err?: Error): void {}
}
