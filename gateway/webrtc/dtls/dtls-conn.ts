/**
 * A DTLS 1.2 association over a DatagramConn (RFC 6347): the public conn (DatagramConn, what the
 * handshake learnt, the RFC 5705 exporter), the host the handshake logic runs on, its lifecycle
 * (handshake timeout, abort, close_notify per RFC 5246 §7.2.1) and failure. The parts live in their
 * own files: record-layer.ts (§4.1 epochs, sequence numbers, protection, replay), record-receiver.ts
 * (a datagram's records by content type), handshake-receiver.ts (§4.2.2 reassembly),
 * flight-sender.ts (§4.2.4 flights and retransmission), alert-handling.ts (RFC 5246 §7.2),
 * app-data-queue.ts, serial-inbox.ts (re-entry), client-/server-handshake.ts (the messages).
 */
import {
  addrKey,
  TransportClosedError,
  TransportSendError,
  type Addr,
  type CloseHandler,
  type DatagramConn,
  type DatagramHandler,
  type Timer,
} from '../transport/index.ts';
import { AlertDescriptions, AlertLevel, encodeAlert } from './alert.ts';
import { alertForFailure } from './alert-handling.ts';
import { AppDataQueue } from './app-data-queue.ts';
import { ClientHandshake } from './client-handshake.ts';
import { ContentType } from './content-type.ts';
import {
  DtlsAbortedError,
  DtlsClosedError,
  DtlsError,
  DtlsHandshakeTimeoutError,
  toDtlsError,
} from './errors.ts';
import { fingerprint } from './fingerprint.ts';
import type { FlightItem } from './flight.ts';
import { FlightSender } from './flight-sender.ts';
import { encodeHandshakeMessage } from './handshake-header.ts';
import type { HandshakeHost, HandshakeRole } from './handshake-host.ts';
import { HandshakeReceiver } from './handshake-receiver.ts';
import type { ResolvedOptions } from './options.ts';
import { MAX_PLAINTEXT_LENGTH } from './record.ts';
import { RecordLayer } from './record-layer.ts';
import { RecordReceiver } from './record-receiver.ts';
import { SerialInbox } from './serial-inbox.ts';
import { ServerHandshake } from './server-handshake.ts';
import { Session } from './session.ts';
import { newStats, type DtlsStats } from './stats.ts';

import { nextDtlsConnState, type DtlsConnState } from './conn-state.ts';

export type { DtlsConnState };

/**
 * A DTLS 1.2 association over a {@link DatagramConn} (RFC 6347). After the handshake it is itself a
 * `DatagramConn` carrying application data (what SCTP runs on in WebRTC), and it exports keying
 * material for DTLS-SRTP (RFC 5764 §4.2).
 *
 * Create it with {@link dtlsClient} or {@link dtlsServer}; they resolve once the handshake is done.
 * Closing it sends close_notify and closes the conn below.
 */
export class DtlsConn implements DatagramConn, HandshakeHost {
  readonly stats: DtlsStats = newStats();
  readonly session = new Session();
  readonly ready: Promise<DtlsConn>;

  private st: DtlsConnState = 'handshaking';
  private readonly role: HandshakeRole;
  private sendSeq = 0;
  private hsTimer: Timer | undefined;
  private readonly records: RecordLayer;
  private readonly flights: FlightSender;
  private readonly handshake: HandshakeReceiver;
  private readonly receiver: RecordReceiver;
  private readonly inbox: SerialInbox;
  private readonly appData: AppDataQueue;
  private readonly closeHandlers: CloseHandler[] = [];
  private closeErr: Error | undefined;
  private resolveReady!: (c: DtlsConn) => void;
  private rejectReady!: (e: Error) => void;
  private readonly onAbort = (): void => {
    const reason: unknown = this.options.signal?.reason;
    if (this.st === 'handshaking') this.fail(new DtlsAbortedError(reason));
    else this.close();
  };

  /** @internal use {@link dtlsClient} / {@link dtlsServer}. */
  constructor(
    private readonly conn: DatagramConn,
    readonly isClient: boolean,
    readonly options: ResolvedOptions,
  ) {
    this.records = new RecordLayer(this.stats);
    this.flights = new FlightSender(options, this.stats, {
      isClosed: () => this.st === 'closed',
      transmit: (items) => this.transmit(items),
      retransmit: (items) => this.guard(() => this.transmit(items)),
      runExclusive: (fn) => this.inbox.exclusive(fn),
    });
    this.handshake = new HandshakeReceiver(isClient, this.stats, {
      isClosed: () => this.st === 'closed',
      isConnected: () => this.st === 'connected',
      role: () => this.role,
      fail: (err) => this.fail(err),
    });
    const drop = () => void this.stats.droppedRecords++;
    this.inbox = new SerialInbox(
      (d, from) => this.guard(() => this.receiver.receive(d, from)),
      () => this.closed,
      drop,
    );
    this.appData = new AppDataQueue(drop);
    const { records, handshake, flights, appData, stats } = this;
    this.receiver = new RecordReceiver(records, handshake, flights, appData, stats, options, {
      isClosed: () => this.st === 'closed',
      isConnected: () => this.st === 'connected',
      close: (err, notify) => this.close(err, notify),
    });
    this.ready = new Promise<DtlsConn>((resolve, reject) => {
      this.resolveReady = resolve;
      this.rejectReady = reject;
    });
    // The caller awaits `ready`; this keeps a failure that nobody awaits from crashing the process.
    this.ready.catch(() => undefined);
    this.role = isClient ? new ClientHandshake(this) : new ServerHandshake(this);
  }

  /** Starts the handshake (attaches to the conn below, arms the handshake timer, sends flight 1 as client). */
  start(): Promise<DtlsConn> {
    const { signal, clock, handshakeTimeoutMs } = this.options;
    if (signal?.aborted) {
      this.fail(new DtlsAbortedError(signal.reason));
      return this.ready;
    }
    signal?.addEventListener('abort', this.onAbort, { once: true });
    this.conn.onData((d, from) => this.onDatagram(d, from));
    this.conn.onClose((err) =>
      this.close(
        this.st === 'handshaking' || err ? new DtlsClosedError('the conn below closed', err) : undefined,
        false,
      ),
    );
    this.hsTimer = clock.setTimer(handshakeTimeoutMs, () =>
      this.fail(new DtlsHandshakeTimeoutError(handshakeTimeoutMs, this.role.state)),
    );
    this.inbox.exclusive(() => this.guard(() => this.role.start()));
    return this.ready;
  }

  // ---- DatagramConn -------------------------------------------------------------------------

  get localAddr(): Addr {
    return this.conn.localAddr;
  }

  get remoteAddr(): Addr | undefined {
    return this.conn.remoteAddr;
  }

  get closed(): boolean {
    return this.st === 'closed';
  }

  get state(): DtlsConnState {
    return this.st;
  }

  /** Sends one application-data record (at most 2^14 bytes, RFC 5246 §6.2.1). */
  send(data: Uint8Array, _to?: Addr): void {
    if (this.st === 'closed') throw new TransportClosedError('DTLS conn');
    if (this.st !== 'connected') throw new TransportSendError('DTLS handshake not finished');
    if (data.length > MAX_PLAINTEXT_LENGTH)
      throw new TransportSendError(`${data.length} bytes exceed a DTLS record`);
    this.sendDatagram(this.records.seal(ContentType.applicationData, 1, data));
  }

  onData(handler: DatagramHandler): void {
    this.appData.setHandler(handler);
  }

  onClose(handler: CloseHandler): void {
    if (this.st === 'closed') handler(this.closeErr);
    else this.closeHandlers.push(handler);
  }

  /**
   * Closes: sends close_notify when connected and closing cleanly (RFC 5246 §7.2.1), then closes the
   * conn below. Idempotent.
   */
  close(err?: Error, notify = true): void {
    if (this.st === 'closed') return;
    if (notify && !err && this.st === 'connected') {
      this.sendAlert(AlertLevel.warning, AlertDescriptions.close_notify);
      // A conn below that delivers synchronously can have the peer's answer close us re-entrantly
      // (its close_notify, or its conn closing ours): that close has done everything already.
      if (this.closed) return;
    }
    const wasHandshaking = this.st === 'handshaking';
    this.st = nextDtlsConnState(this.st, 'closed');
    this.closeErr = err;
    this.flights.stop();
    this.hsTimer?.cancel();
    this.options.signal?.removeEventListener('abort', this.onAbort);
    this.conn.onData(() => undefined);
    if (!this.conn.closed) this.conn.close();
    if (wasHandshaking) this.rejectReady(err ?? new DtlsClosedError('closed during the handshake'));
    for (const h of this.closeHandlers.splice(0)) h(err);
  }

  // ---- what the handshake learnt --------------------------------------------------------------

  /** Name of the negotiated cipher suite, e.g. `'TLS_ECDHE_ECDSA_WITH_AES_128_GCM_SHA256'`. */
  get cipherSuite(): string | undefined {
    return this.session.suite?.name;
  }

  /** The SRTP protection profile chosen through use_srtp (RFC 5764 §4.1.2), e.g. 0x0007. */
  get selectedSrtpProfile(): number | undefined {
    return this.session.srtpProfile;
  }

  /** The peer's DER certificate. */
  get remoteCertificate(): Uint8Array | undefined {
    return this.session.remoteCertificate;
  }

  /** `'sha-256 AB:…'` of the peer's certificate, to compare with its SDP when not given up front. */
  get remoteFingerprint(): string | undefined {
    const c = this.session.remoteCertificate;
    return c ? fingerprint(c) : undefined;
  }

  /** The ECDHE group used (NamedGroup: 29 x25519, 23 secp256r1). */
  get namedGroup(): number | undefined {
    return this.session.group;
  }

  get extendedMasterSecret(): boolean {
    return this.session.extendedMasterSecret;
  }

  /**
   * RFC 5705 keying material exporter. For DTLS-SRTP: `exportKeyingMaterial('EXTRACTOR-dtls_srtp',
   * undefined, 2 * (keyLen + saltLen))` (RFC 5764 §4.2).
   */
  exportKeyingMaterial(label: string, context: Uint8Array | undefined, length: number): Uint8Array {
    if (this.st !== 'connected')
      throw new DtlsError('DTLS_NOT_CONNECTED', 'keying material exists only after the handshake');
    return this.session.exportKeyingMaterial(label, context, length);
  }

  // ---- HandshakeHost ---------------------------------------------------------------------------

  get remoteKey(): string {
    const a = this.conn.remoteAddr ?? this.receiver.lastFrom;
    return a ? addrKey(a) : '';
  }

  message(msgType: number, body: Uint8Array, epoch = 0): FlightItem {
    const messageSeq = this.sendSeq++;
    this.session.addTranscript(encodeHandshakeMessage(msgType, messageSeq, body));
    return { kind: 'handshake', msgType, messageSeq, body, epoch };
  }

  setSendSeq(seq: number): void {
    this.sendSeq = seq;
  }

  sendStateless(msgType: number, messageSeq: number, body: Uint8Array): void {
    this.transmit([{ kind: 'handshake', msgType, messageSeq, body, epoch: 0 }]);
  }

  sendFlight(items: FlightItem[], last: boolean): void {
    this.flights.send(items, last, this.handshake.nextSeq);
  }

  installKeys(): void {
    this.records.installKeys(this.session, this.isClient);
  }

  complete(): void {
    this.flights.finish();
    this.hsTimer?.cancel();
    this.st = nextDtlsConnState(this.st, 'connected');
    // The transcript served Finished and CertificateVerify; nothing needs it any more.
    this.session.resetTranscript();
    this.options.logger?.debug(
      { suite: this.cipherSuite, srtp: this.selectedSrtpProfile, ems: this.session.extendedMasterSecret },
      'dtls connected',
    );
    this.resolveReady(this);
    this.appData.release();
  }

  // ---- receiving -------------------------------------------------------------------------------

  private onDatagram(data: Uint8Array, from: Addr): void {
    if (this.st === 'closed') return;
    this.inbox.offer(data, from);
  }

  // ---- sending ---------------------------------------------------------------------------------

  private transmit(items: readonly FlightItem[]): void {
    for (const d of this.records.sealFlight(items, this.options.mtu)) this.sendDatagram(d);
    this.records.flightSent(items);
  }

  private sendDatagram(d: Uint8Array): void {
    if (this.conn.closed) return;
    try {
      this.conn.send(d);
      this.stats.datagramsSent++;
    } catch (err) {
      this.close(new DtlsClosedError('send on the conn below failed', err), false);
    }
  }

  private sendAlert(level: number, description: number): void {
    try {
      this.sendDatagram(
        this.records.seal(ContentType.alert, this.records.writeEpoch, encodeAlert({ level, description })),
      );
    } catch {
      // Best effort: we are closing anyway.
    }
  }

  // ---- failure ---------------------------------------------------------------------------------

  /** Runs handshake code; any error becomes a fatal alert and closes the conn. */
  private guard(fn: () => void): void {
    try {
      fn();
    } catch (err) {
      this.fail(toDtlsError(err));
    }
  }

  private fail(err: Error): void {
    if (this.st === 'closed') return;
    const alert = alertForFailure(err);
    if (alert !== undefined) this.sendAlert(AlertLevel.fatal, alert);
    this.options.logger?.warn({ code: (err as DtlsError).code, err: err.message }, 'dtls failed');
    this.close(err, false);
  }
}
