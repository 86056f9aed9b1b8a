/**
 * What an agent's users observe of its life: the state machine of agent-state.ts (RTCIceTransportState
 * names over RFC 8445 §6.1.2.1's Running/Completed/Failed), the state listeners, and the `connected`
 * promise that resolves on selection (§8.1.2) or rejects when the agent fails or closes first.
 */
import type { DatagramConn } from '../transport/index.ts';
import type { IceLogger } from './agent-options.ts';
import { nextIceState, type IceState } from './agent-state.ts';
import type { IceError } from './errors.ts';

export type IceStateListener = (state: IceState, err?: IceError) => void;

export class AgentLifecycle {
  readonly connected: Promise<DatagramConn>;
  private value: IceState = 'new';
  /** Whether `completed` was reached: a return from `disconnected` goes back there (RFC 7675). */
  private wasCompleted = false;
  private readonly listeners = new Set<IceStateListener>();
  private resolveConnected!: (c: DatagramConn) => void;
  private rejectConnected!: (e: IceError) => void;

  constructor(private readonly log: IceLogger) {
    this.connected = new Promise<DatagramConn>((resolve, reject) => {
      this.resolveConnected = resolve;
      this.rejectConnected = reject;
    });
    // Nobody may be awaiting yet; the rejection is still delivered to those who do.
    this.connected.catch(() => undefined);
  }

  get state(): IceState {
    return this.value;
  }

  /** `failed` or `closed`: nothing happens any more. */
  get ended(): boolean {
    return this.value === 'closed' || this.value === 'failed';
  }

  onChange(fn: IceStateListener): () => void {
    this.listeners.add(fn);
    return () => this.listeners.delete(fn);
  }

  /** The one way the state changes: through {@link nextIceState}, then every listener is told. */
  set(to: IceState, err?: IceError): void {
    this.value = nextIceState(this.value, to);
    for (const fn of [...this.listeners]) {
      // A listener's bug must not break the state machine or the datagram handler that got here.
      try {
        fn(to, err);
      } catch (e) {
        this.log.warn({ err: e }, 'ICE state listener threw');
      }
    }
  }

  /** A pair is selected (§8.1.2): `connected` resolves with the conn on it. */
  resolve(conn: DatagramConn): void {
    this.resolveConnected(conn);
  }

  /** The agent failed or closed: `connected` rejects, unless it resolved already. */
  reject(err: IceError): void {
    this.rejectConnected(err);
  }

  complete(): void {
    this.wasCompleted = true;
    this.set('completed');
  }

  /** No consent for a while (RFC 7675): `disconnected`, if connected. */
  disconnect(): void {
    if (this.value === 'connected' || this.value === 'completed') this.set('disconnected');
  }

  /** Consent is back: from `disconnected` to where the agent was. */
  reconnect(): void {
    if (this.value === 'disconnected') this.set(this.wasCompleted ? 'completed' : 'connected');
  }

  /** Calls `close` when `signal` aborts (DESIGN: every resource accepts an AbortSignal), until `closed`. */
  closeOn(signal: AbortSignal, close: (err?: Error) => void): void {
    const onAbort = () => close(signal.reason instanceof Error ? signal.reason : undefined);
    if (signal.aborted) onAbort();
    else {
      signal.addEventListener('abort', onAbort, { once: true });
      this.onChange((s) => s === 'closed' && signal.removeEventListener('abort', onAbort));
    }
  }
}
