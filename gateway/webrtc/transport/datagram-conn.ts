import type { Addr } from './addr.ts';

/**
 * Called for every datagram received. `data` belongs to the receiver from then on: the producer
 * never reuses it. `from` is the remote transport address it came from.
 */
export type DatagramHandler = (data: Uint8Array, from: Addr) => void;

/** Called once when a conn closes; `err` is set when it closed because of a failure. */
export type CloseHandler = (err?: Error) => void;

/**
 * The one interface where the layers of the WebRTC stack meet: the TypeScript cousin of Go's
 * `net.Conn`/`net.PacketConn`. ICE produces one, DTLS consumes one and produces one, SRTP and SCTP
 * consume one. A conn is either connected (`remoteAddr` set; `send` without `to` goes there) or a
 * packet conn (`remoteAddr` undefined; `send` needs `to`).
 *
 * Receiving is push-based (one handler) because the media path cannot afford a promise per packet.
 * Sending copies or finishes with `data` before it returns, so a caller may reuse its buffer.
 *
 * @example
 * const [a, b] = createPipe();
 * b.onData((d) => console.log('got', d.length));
 * a.send(new Uint8Array([1, 2, 3]));
 */
export interface DatagramConn {
  readonly localAddr: Addr;
  readonly remoteAddr: Addr | undefined;
  readonly closed: boolean;
  /**
   * Sends one datagram. On a closed conn it throws a `TransportClosedError`; a datagram that the
   * layer below must drop (full queue, unreachable) is dropped silently and counted there, as UDP does.
   */
  send(data: Uint8Array, to?: Addr): void;
  /** Sets the receive handler (one per conn; a new call replaces the old one). */
  onData(handler: DatagramHandler): void;
  /** Adds a close listener; it runs at once if the conn is already closed. */
  onClose(handler: CloseHandler): void;
  /** Closes the conn; idempotent. Pending datagrams are dropped. */
  close(err?: Error): void;
}
