/**
 * The data path of the agent (RFC 8445 §12): application datagrams (DTLS, SRTP: whatever is not
 * STUN, RFC 7983) are sent and accepted on the selected pair only, through the connected
 * {@link IceConn}. Data that overtakes the nominating check under loss or reordering waits in a
 * bounded queue until a pair is selected; anything else is dropped and counted.
 */
import { addrKey, sameAddr, type Addr, type DatagramConn } from '../transport/index.ts';
import type { IceAgentStats, IceLogger } from './agent-options.ts';
import type { CandidatePair } from './candidate-pair.ts';
import type { Checklist } from './checklist.ts';
import { IceConn } from './ice-conn.ts';
import type { RemoteCandidates } from './remote-candidates.ts';

export interface DataPathHost {
  selected(): CandidatePair | undefined;
  /** The peer sends its data on another pair it nominated: that pair becomes the selected one. */
  follow(p: CandidatePair): void;
  close(err?: Error): void;
}

export class DataPath {
  private early: { data: Uint8Array; from: Addr }[] = [];
  private iceConn: IceConn | undefined;

  constructor(
    private readonly io: DatagramConn,
    private readonly stats: IceAgentStats,
    private readonly maxEarly: number,
    private readonly checklist: Checklist,
    private readonly remotes: RemoteCandidates,
    private readonly log: IceLogger,
    private readonly host: DataPathHost,
  ) {}

  /** The connected conn, once a pair is selected. */
  get conn(): IceConn | undefined {
    return this.iceConn;
  }

  /** An application datagram from the wire. */
  receive(data: Uint8Array, from: Addr): void {
    let sel = this.host.selected();
    if (sel && !sameAddr(from, sel.remoteAddr)) {
      // The peer nominated more than one pair (werift nominates equal-priority pairs; browsers may
      // renominate) and sends its data on another nominated one: follow it there, so its DTLS and
      // media are not dropped (RFC 8445 §8.1.1 leaves the tie to the controlling side's traffic).
      const other = this.checklist.get(addrKey(from));
      if (other?.nominated) {
        this.log.debug({ remote: other.key, previous: sel.key }, 'following the peer to its nominated pair');
        this.host.follow(other);
        sel = other;
      }
    }
    if (sel && sameAddr(from, sel.remoteAddr)) {
      this.stats.dataReceived++;
      this.stats.bytesReceived += data.byteLength;
      this.iceConn?.deliver(data, from);
    } else if (!sel && (this.checklist.has(addrKey(from)) || this.remotes.find(from))) {
      // Data may overtake the nominating check under loss/reordering: keep a few until selection.
      if (this.early.length >= this.maxEarly) {
        this.early.shift();
        this.stats.dataDropped++;
      }
      this.early.push({ data, from });
    } else this.stats.dataDropped++;
  }

  /** The first pair is selected: creates the connected conn. */
  open(): IceConn {
    const conn = new IceConn(
      {
        localAddr: this.io.localAddr,
        selectedRemote: () => this.host.selected()?.remoteAddr,
        sendData: (d) => this.send(d),
        close: (err) => this.host.close(err),
      },
      this.maxEarly,
    );
    this.iceConn = conn;
    return conn;
  }

  /** Delivers the datagrams that came early from `p`; drops those from elsewhere. */
  flushEarly(p: CandidatePair): void {
    const early = this.early;
    this.early = [];
    for (const e of early) {
      if (sameAddr(e.from, p.remoteAddr)) {
        this.stats.dataReceived++;
        this.stats.bytesReceived += e.data.byteLength;
        this.iceConn?.deliver(e.data, e.from);
      } else this.stats.dataDropped++;
    }
  }

  /** Closes the connected conn (the agent failed or closed) and forgets queued data. */
  shutdown(err?: Error): void {
    this.iceConn?.shutdown(err);
    this.early = [];
  }

  private send(data: Uint8Array): void {
    const p = this.host.selected();
    if (!p) return;
    this.stats.dataSent++;
    this.stats.bytesSent += data.byteLength;
    this.io.send(data, p.remoteAddr);
  }
}
