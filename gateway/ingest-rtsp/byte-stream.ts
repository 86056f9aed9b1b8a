/**
 * A reliable, ordered byte stream: what the RTSP connection needs from TCP. The gateway passes the
 * node:net one ({@link tcpDialer}); tests pass {@link createStreamPair} ends, so the protocol logic
 * never touches a socket.
 */
export interface ByteStream {
  readonly closed: boolean;
  /** Queues bytes; on a closed stream it does nothing (the close was reported already). */
  write(data: Uint8Array): void;
  /** Sets the receive handler. Chunks are the caller's from then on (never reused). */
  onData(handler: (chunk: Uint8Array) => void): void;
  /** Adds a close listener: `err` when the stream failed, none on an orderly EOF or `close()`. */
  onClose(handler: (err?: Error) => void): void;
  close(): void;
}

/** Opens a byte stream to `host:port`; rejects with an Error (the caller wraps it). */
export type Dialer = (host: string, port: number, signal?: AbortSignal) => Promise<ByteStream>;

/** One end of an in-memory stream pair. Delivery is asynchronous (a microtask), like a socket. */
class PairEnd implements ByteStream {
  peer: PairEnd | undefined;
  private dataHandler: ((chunk: Uint8Array) => void) | undefined;
  private readonly closeHandlers: Array<(err?: Error) => void> = [];
  private queue: Uint8Array[] = [];
  private isClosed = false;

  get closed(): boolean {
    return this.isClosed;
  }

  write(data: Uint8Array): void {
    if (this.isClosed || !this.peer || this.peer.isClosed) return;
    this.peer.deliver(data.slice());
  }

  onData(handler: (chunk: Uint8Array) => void): void {
    this.dataHandler = handler;
    const q = this.queue;
    this.queue = [];
    for (const c of q) handler(c);
  }

  onClose(handler: (err?: Error) => void): void {
    if (this.isClosed) handler();
    else this.closeHandlers.push(handler);
  }

  close(): void {
    if (this.isClosed) return;
    this.isClosed = true;
    for (const h of this.closeHandlers.splice(0)) h();
    const peer = this.peer;
    if (peer) queueMicrotask(() => peer.close());
  }

  private deliver(chunk: Uint8Array): void {
    queueMicrotask(() => {
      if (this.isClosed) return;
      if (this.dataHandler) this.dataHandler(chunk);
      else this.queue.push(chunk);
    });
  }
}

/**
 * Two connected in-memory byte streams (for tests and in-process fakes): what one writes, the
 * other receives; closing one ends the other.
 *
 * @example
 * const [client, server] = createStreamPair();
 * server.onData((c) => server.write(c)); // echo
 */
export function createStreamPair(): [ByteStream, ByteStream] {
  const a = new PairEnd();
  const b = new PairEnd();
  a.peer = b;
  b.peer = a;
  return [a, b];
}
