import {
  addr,
  TransportClosedError,
  type Addr,
  type CloseHandler,
  type DatagramConn,
  type DatagramHandler,
} from '../transport/index.ts';

/**
 * Test-only: a connected in-memory pair with a hook that can drop or inspect each datagram. Until
 * transport's createPipe() lands, DTLS tests use this one. Delivery is synchronous unless `deliver`
 * defers it.
 */
export class TestPipeEnd implements DatagramConn {
  readonly localAddr: Addr;
  readonly remoteAddr: Addr;
  closed = false;
  peer!: TestPipeEnd;
  handler: DatagramHandler | undefined;
  private closeHandlers: CloseHandler[] = [];
  /** Return false to drop the datagram. */
  filter: (d: Uint8Array) => boolean = () => true;
  /** How datagrams reach the peer; default: at once. */
  deliver: (fn: () => void) => void = (fn) => fn();
  sent: Uint8Array[] = [];

  constructor(local: Addr, remote: Addr) {
    this.localAddr = local;
    this.remoteAddr = remote;
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
    for (const h of this.closeHandlers.splice(0)) h(err);
  }
}

export function testPipe(): [TestPipeEnd, TestPipeEnd] {
  const a = new TestPipeEnd(addr('10.0.0.1', 1000), addr('10.0.0.2', 2000));
  const b = new TestPipeEnd(addr('10.0.0.2', 2000), addr('10.0.0.1', 1000));
  a.peer = b;
  b.peer = a;
  return [a, b];
}

/** The part of a `dgram.Socket` the loopback conn uses (structural, so this file needs no dgram). */
export interface UdpSocketLike {
  on(event: 'message', fn: (msg: Uint8Array, rinfo: { address: string; port: number }) => void): unknown;
  send(msg: Uint8Array, port: number, address: string): void;
  address(): { address: string; port: number };
  close(): void;
}

/**
 * Test-only: a DatagramConn on a real loopback UDP socket, connected to `remote`, or (server side)
 * to the first address that sends to it.
 */
export class LoopbackUdpConn implements DatagramConn {
  closed = false;
  remoteAddr: Addr | undefined;
  private handler: DatagramHandler | undefined;
  private closeHandlers: CloseHandler[] = [];

  constructor(
    readonly sock: UdpSocketLike,
    remote?: Addr,
  ) {
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
    this.sock.close();
    for (const h of this.closeHandlers.splice(0)) h(err);
  }
}
