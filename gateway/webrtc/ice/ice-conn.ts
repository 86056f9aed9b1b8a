import {
  TransportClosedError,
  type Addr,
  type CloseHandler,
  type DatagramConn,
  type DatagramHandler,
} from '../transport/index.ts';

/** What the connected conn needs from its agent. */
export interface IceConnOwner {
  readonly localAddr: Addr;
  /** The selected pair's remote address (it may change if the controlling side renominates). */
  selectedRemote(): Addr | undefined;
  /** Sends application data on the selected pair. */
  sendData(data: Uint8Array): void;
  close(err?: Error): void;
}

/**
 * The connected {@link DatagramConn} an agent exposes once a pair is selected: `send` goes to the
 * selected remote address, the handler gets every non-STUN datagram from it (STUN stays inside ICE).
 * Datagrams that arrive before a handler is set wait in a bounded queue (the oldest are dropped).
 */
export class IceConn implements DatagramConn {
  private handler: DatagramHandler | undefined;
  private readonly closeHandlers: CloseHandler[] = [];
  private queue: { data: Uint8Array; from: Addr }[] = [];
  private isClosed = false;
  private closeErr: Error | undefined;
  /** Datagrams dropped because the pre-handler queue was full. */
  dropped = 0;

  constructor(
    private readonly owner: IceConnOwner,
    private readonly maxQueue: number,
  ) {}

  get localAddr(): Addr {
    return this.owner.localAddr;
  }

  get remoteAddr(): Addr | undefined {
    return this.owner.selectedRemote();
  }

  get closed(): boolean {
    return this.isClosed;
  }

  send(data: Uint8Array, _to?: Addr): void {
    if (this.isClosed) throw new TransportClosedError('ICE conn');
    this.owner.sendData(data);
  }

  onData(handler: DatagramHandler): void {
    this.handler = handler;
    const q = this.queue;
    this.queue = [];
    for (const d of q) handler(d.data, d.from);
  }

  onClose(handler: CloseHandler): void {
    if (this.isClosed) handler(this.closeErr);
    else this.closeHandlers.push(handler);
  }

  close(err?: Error): void {
    if (this.isClosed) return;
    this.owner.close(err);
  }

  /** Called by the agent for each application datagram from the selected pair. */
  deliver(data: Uint8Array, from: Addr): void {
    if (this.isClosed) return;
    if (this.handler) {
      this.handler(data, from);
      return;
    }
    if (this.queue.length >= this.maxQueue) {
      this.queue.shift();
      this.dropped++;
    }
    this.queue.push({ data, from });
  }

  /** Called by the agent when it closes or fails. */
  shutdown(err?: Error): void {
    if (this.isClosed) return;
    this.isClosed = true;
    this.closeErr = err;
    this.queue = [];
    for (const h of this.closeHandlers.splice(0)) h(err);
  }
}
