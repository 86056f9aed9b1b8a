import { connect, type Socket } from 'node:net';
import type { ByteStream, Dialer } from './byte-stream.ts';

/**
 * The one place where ingest-rtsp touches TCP: node:net behind the {@link ByteStream} interface.
 * No protocol logic lives here. Nagle is off (requests are small and latency matters).
 */
class TcpStream implements ByteStream {
  private readonly socket: Socket;
  private isClosed = false;
  private readonly closeHandlers: Array<(err?: Error) => void> = [];
  private failure: Error | undefined;

  constructor(socket: Socket) {
    this.socket = socket;
    socket.setNoDelay(true);
    socket.on('error', (err) => {
      this.failure = err;
    });
    socket.on('close', () => this.finish(this.failure));
  }

  get closed(): boolean {
    return this.isClosed;
  }

  write(data: Uint8Array): void {
    if (!this.isClosed && this.socket.writable) this.socket.write(data);
  }

  onData(handler: (chunk: Uint8Array) => void): void {
    this.socket.removeAllListeners('data');
    this.socket.on('data', handler);
  }

  onClose(handler: (err?: Error) => void): void {
    if (this.isClosed) handler(this.failure);
    else this.closeHandlers.push(handler);
  }

  close(): void {
    this.socket.destroy();
    this.finish(undefined);
  }

  private finish(err: Error | undefined): void {
    if (this.isClosed) return;
    this.isClosed = true;
    for (const h of this.closeHandlers.splice(0)) h(err);
  }
}

/**
 * Dials TCP with node:net. Rejects on connection errors and on abort (the socket is destroyed).
 *
 * @example
 * const stream = await tcpDialer('127.0.0.1', 8554);
 */
export const tcpDialer: Dialer = (host, port, signal) =>
  new Promise<ByteStream>((resolve, reject) => {
    const socket = connect({ host, port });
    const onAbort = (): void => {
      socket.destroy();
      reject(signal?.reason instanceof Error ? signal.reason : new Error('aborted'));
    };
    if (signal?.aborted) return onAbort();
    signal?.addEventListener('abort', onAbort, { once: true });
    socket.once('connect', () => {
      signal?.removeEventListener('abort', onAbort);
      socket.removeAllListeners('error');
      resolve(new TcpStream(socket));
    });
    socket.once('error', (err) => {
      signal?.removeEventListener('abort', onAbort);
      socket.destroy();
      reject(err);
    });
  });
