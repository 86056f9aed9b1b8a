import {
  addr,
  TransportClosedError,
  type Addr,
  type CloseHandler,
  type DatagramConn,
  type DatagramHandler,
} from '../transport/index.ts';

/** Test-only: handler and close bookkeeping shared by the test conns below. */
abstract class TestConn implements DatagramConn {
  closed = false;
  handler: DatagramHandler | undefined;
  private closeHandlers: CloseHandler[] = [];
  abstract readonly localAddr: Addr;
  abstract readonly remoteAddr: Addr | undefined;
  abstract send(data: Uint8Array): void;

  onData(h: DatagramHandler): void {
    this.handler = h;
  }

  onClose(h: CloseHandler): void {
    if (this.closed) h();
    else this.closeHandlers.push(h);
  }

  close(err?: Error): void {
    if (this.closed) return;
    this.closed = true;
    this.release();
    for (const h of this.closeHandlers.splice(0)) h(err);
  }

  protected release(): void {}
}

/**
 * Test-only: a connected in-memory pair with hooks to drop, inspect or delay each datagram (DTLS's
 * loss, retransmission and fragmentation tests). Delivery is synchronous and re-entrant unless
 * `deliver` defers it.
 */
export class TestPipeEnd extends TestConn {
  peer!: TestPipeEnd;
  /** Return false to drop the datagram. */
  filter: (d: Uint8Array) => boolean = () => true;
  /** How datagrams reach the peer; default: at once. */
  deliver: (fn: () => void) => void = (fn) => fn();
  sent: Uint8Array[] = [];

  constructor(
    readonly localAddr: Addr,
    readonly remoteAddr: Addr,
  ) {
    super();
  }

  send(data: Uint8Array): void {
    if (this.closed) throw new TransportClosedError('pipe');
    const copy = Uint8Array.from(data);
    this.sent.push(copy);
    if (!this.filter(copy)) return;
    const peer = this.peer;
    this.deliver(() => {
      if (!peer.closed) peer.handler?.(copy, this.localAddr);
    });
  }
}

export function testPipe(): [TestPipeEnd, TestPipeEnd] {
  const a = new TestPipeEnd(addr('10.0.0.1', 1000), addr('10.0.0.2', 2000));
  const b = new TestPipeEnd(addr('10.0.0.2', 2000), addr('10.0.0.1', 1000));
  a.peer = b;
  b.peer = a;
  return [a, b];
}

/** The part of a `dgram.Socket` the loopback helpers use (structural, so this file needs no dgram). */
export interface UdpSocketLike {
  on(event: 'message', fn: (msg: Buffer, rinfo: { address: string; port: number }) => void): unknown;
  send(msg: Uint8Array, port: number, address: string): void;
  address(): { address: string; family: string; port: number };
  close(): void;
}

/**
 * Test-only: a DatagramConn on a real loopback UDP socket, connected to `remote`, or (server side)
 * to the first address that sends to it.
 */
export class LoopbackUdpConn extends TestConn {
  remoteAddr: Addr | undefined;

  constructor(
    readonly sock: UdpSocketLike,
    remote?: Addr,
  ) {
    super();
    this.remoteAddr = remote;
    sock.on('message', (m, r) => {
      this.remoteAddr ??= addr(r.address, r.port);
      this.handler?.(new Uint8Array(m), addr(r.address, r.port));
    });
  }

  get localAddr(): Addr {
    const a = this.sock.address();
    return addr(a.address, a.port);
  }

  send(data: Uint8Array): void {
    if (this.closed) throw new TransportClosedError('udp');
    if (this.remoteAddr) this.sock.send(data, this.remoteAddr.port, this.remoteAddr.address);
  }

  protected override release(): void {
    this.sock.close();
  }
}

/** werift's DTLS `Transport` over a loopback socket aimed at one peer port (test-only). */
export function weriftTransport(sock: UdpSocketLike, port: number) {
  const tr = {
    type: 'udp',
    address: sock.address(),
    closed: false,
    onData: (_d: Buffer, _a: unknown): void => undefined,
    send: async (buf: Buffer): Promise<void> => {
      if (!tr.closed) sock.send(buf, port, '127.0.0.1');
    },
    close: async (): Promise<void> => {
      if (tr.closed) return;
      tr.closed = true;
      sock.close();
    },
  };
  sock.on('message', (m, r) => tr.onData(m, { address: r.address, port: r.port }));
  return tr;
}

/** A deterministic PRNG (mulberry32) for loss, delay and mutation in tests. */
export function prng(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let x = a;
    x = Math.imul(x ^ (x >>> 15), x | 1);
    x ^= x + Math.imul(x ^ (x >>> 7), x | 61);
    return ((x ^ (x >>> 14)) >>> 0) / 4294967296;
  };
}
