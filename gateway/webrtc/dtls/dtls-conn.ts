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
import { AlertDescriptions, AlertLevel, alertName, decodeAlert, encodeAlert } from './alert.ts';
import { ClientHandshake } from './client-handshake.ts';
import { ContentType, DTLS1_0, DTLS1_2 } from './content-type.ts';
import {
  DtlsAbortedError,
  DtlsAlertError,
  DtlsClosedError,
  DtlsError,
  DtlsHandshakeError,
  DtlsHandshakeTimeoutError,
  DtlsParseError,
  DtlsStateError,
} from './errors.ts';
import { fingerprint } from './fingerprint.ts';
import { packFlight, type FlightItem } from './flight.ts';
import { flightTransition, type FlightEvent, type FlightState } from './flight-state.ts';
import { decodeHandshakeFragments, encodeHandshakeMessage, HandshakeType } from './handshake-header.ts';
import type { HandshakeHost, HandshakeRole } from './handshake-host.ts';
import { HandshakeReassembler } from './handshake-reassembler.ts';
import type { ResolvedOptions } from './options.ts';
import { encodeRecord, MAX_PLAINTEXT_LENGTH, MAX_SEQ, splitRecords, type DtlsRecord } from './record.ts';
import { RecordProtection } from './record-protection.ts';
import { ReplayWindow } from './replay-window.ts';
import { ServerHandshake } from './server-handshake.ts';
import { Session } from './session.ts';
import { newStats, type DtlsStats } from './stats.ts';

/** Conn lifecycle: handshaking → connected → closed (or handshaking → closed on failure). */
export type DtlsConnState = 'handshaking' | 'connected' | 'closed';

/** Epoch-1 records that arrive before their keys (reordering) wait here, bounded. */
const MAX_PENDING_RECORDS = 32;
/** Application data received before a handler is set, or before our side finished, bounded. */
const MAX_QUEUED_APP_DATA = 64;

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
  private readonly reassembler = new HandshakeReassembler();
  private sendSeq = 0;
  private flight: FlightState = 'preparing';
  private lastFlight: FlightItem[] = [];
  private lastFlightIsLast = false;
  private peerFlightStart = 0;
  private rto: number;
  private rtxTimer: Timer | undefined;
  private hsTimer: Timer | undefined;
  private lastPeerRetransmit = -Infinity;
  private retransmitWanted = false;

  private readonly writeSeq = [0, 0];
  private writeEpoch = 0;
  private writeProt: RecordProtection | undefined;
  private readProt: RecordProtection | undefined;
  private readonly window = new ReplayWindow(64);
  private pending: DtlsRecord[] = [];

  /** Datagrams that arrived while we were busy (a synchronous pipe re-entering us), handled after. */
  private inbox: [Uint8Array, Addr][] = [];
  private busy = false;
  private appQueue: { data: Uint8Array; from: Addr }[] = [];
  private dataHandler: DatagramHandler | undefined;
  private readonly closeHandlers: CloseHandler[] = [];
  private lastFrom: Addr | undefined;
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
    this.rto = options.retransmitInitialMs;
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
    this.exclusive(() => this.guard(() => this.role.start()));
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
    this.sendDatagram(this.seal(ContentType.applicationData, 1, data));
  }

  onData(handler: DatagramHandler): void {
    this.dataHandler = handler;
    const q = this.appQueue;
    this.appQueue = [];
    for (const { data, from } of q) handler(data, from);
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
    if (notify && !err && this.st === 'connected')
      this.sendAlert(AlertLevel.warning, AlertDescriptions.close_notify);
    const wasHandshaking = this.st === 'handshaking';
    this.st = 'closed';
    this.closeErr = err;
    this.rtxTimer?.cancel();
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
    const a = this.conn.remoteAddr ?? this.lastFrom;
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
    if (this.flight === 'waiting') this.step('received-flight');
    this.rtxTimer?.cancel();
    this.lastFlight = items;
    this.lastFlightIsLast = last;
    this.rto = this.options.retransmitInitialMs;
    this.peerFlightStart = this.reassembler.nextSeq;
    this.step('send');
    this.lastPeerRetransmit = this.options.clock.now();
    this.transmit(items);
    this.step(last ? 'sent-last' : 'sent');
    if (!last) this.armRetransmit();
  }

  installKeys(): void {
    const suite = this.session.suite;
    if (!suite) throw new DtlsHandshakeError('internal_error', 'keys before a cipher suite');
    const k = this.session.keys();
    const mine = this.isClient ? [k.clientWriteKey, k.clientWriteIv] : [k.serverWriteKey, k.serverWriteIv];
    const theirs = this.isClient ? [k.serverWriteKey, k.serverWriteIv] : [k.clientWriteKey, k.clientWriteIv];
    this.writeProt = new RecordProtection(suite, mine[0] ?? new Uint8Array(0), mine[1] ?? new Uint8Array(0));
    this.readProt = new RecordProtection(
      suite,
      theirs[0] ?? new Uint8Array(0),
      theirs[1] ?? new Uint8Array(0),
    );
  }

  complete(): void {
    if (this.flight === 'waiting') this.step('received-last-flight');
    this.rtxTimer?.cancel();
    this.hsTimer?.cancel();
    this.st = 'connected';
    // The transcript served Finished and CertificateVerify; nothing needs it any more.
    this.session.resetTranscript();
    this.options.logger?.debug(
      { suite: this.cipherSuite, srtp: this.selectedSrtpProfile, ems: this.session.extendedMasterSecret },
      'dtls connected',
    );
    this.resolveReady(this);
    if (this.dataHandler) this.onData(this.dataHandler);
  }

  // ---- receiving -------------------------------------------------------------------------------

  /**
   * Runs `fn` with re-entry deferred: a conn below that delivers synchronously (an in-memory pipe)
   * would otherwise hand us the peer's answer while we are still sending the flight it answers.
   */
  private exclusive(fn: () => void): void {
    this.busy = true;
    try {
      fn();
    } finally {
      this.busy = false;
    }
    const next = this.inbox.shift();
    if (next && !this.closed) this.exclusive(() => this.guard(() => this.handleDatagram(next[0], next[1])));
  }

  private onDatagram(data: Uint8Array, from: Addr): void {
    if (this.st === 'closed') return;
    if (!this.busy) return this.exclusive(() => this.guard(() => this.handleDatagram(data, from)));
    if (this.inbox.length < MAX_PENDING_RECORDS) this.inbox.push([data, from]);
    else this.stats.droppedRecords++;
  }

  private handleDatagram(data: Uint8Array, from: Addr): void {
    this.stats.datagramsReceived++;
    this.lastFrom = from;
    const { records, malformed } = splitRecords(data);
    if (malformed) this.stats.malformedRecords++;
    this.retransmitWanted = false;
    for (const rec of records) {
      if (this.closed) return;
      this.onRecord(rec, from);
    }
    // Keys may have been installed while handling this datagram: retry records that waited for them.
    if (this.readProt && this.pending.length > 0) {
      const p = this.pending;
      this.pending = [];
      for (const rec of p) if (!this.closed) this.onRecord(rec, from);
    }
    if (this.retransmitWanted && !this.closed) this.onPeerRetransmit();
  }

  private onRecord(rec: DtlsRecord, from: Addr): void {
    this.stats.recordsReceived++;
    if (rec.version !== DTLS1_2 && rec.version !== DTLS1_0) return void this.stats.droppedRecords++;
    let payload: Uint8Array;
    if (rec.epoch === 0) {
      payload = rec.fragment;
    } else if (rec.epoch === 1) {
      if (!this.readProt) {
        if (this.pending.length < MAX_PENDING_RECORDS) this.pending.push(rec);
        else this.stats.droppedRecords++;
        return;
      }
      if (!this.window.check(rec.seq)) return void this.stats.replayedRecords++;
      const opened = this.readProt.open(rec.epoch, rec.seq, rec.type, rec.fragment);
      if (!opened) return void this.stats.badMacRecords++;
      this.window.mark(rec.seq);
      payload = opened;
    } else {
      return void this.stats.droppedRecords++;
    }
    if (payload.length > MAX_PLAINTEXT_LENGTH) return void this.stats.malformedRecords++;
    // Once connected, unauthenticated epoch-0 records can only be handshake retransmissions; a
    // plaintext alert or CCS there is ignored, so a spoofed alert cannot tear the association down.
    if (rec.epoch === 0 && this.st === 'connected' && rec.type !== ContentType.handshake) {
      return void this.stats.droppedRecords++;
    }

    switch (rec.type) {
      case ContentType.handshake:
        return this.onHandshakeRecord(payload, rec.epoch);
      case ContentType.changeCipherSpec:
        // The epoch in each record header says which keys apply (RFC 6347 §4.1), so CCS is only checked.
        if (payload.length !== 1 || payload[0] !== 1) this.stats.malformedRecords++;
        return;
      case ContentType.alert:
        return this.onAlert(payload);
      case ContentType.applicationData:
        if (rec.epoch === 0) return void this.stats.droppedRecords++;
        return this.deliver(payload, from);
      default:
        this.stats.droppedRecords++;
    }
  }

  private onHandshakeRecord(payload: Uint8Array, epoch: number): void {
    let frags;
    try {
      frags = decodeHandshakeFragments(payload);
    } catch (err) {
      if (err instanceof DtlsParseError) return void this.stats.malformedRecords++;
      throw err;
    }
    for (const f of frags) {
      // A stateless server has not committed to a message_seq: a repeated or restarted first
      // ClientHello is taken afresh (RFC 6347 §4.2.1).
      if (
        !this.isClient &&
        this.role.state === 'wait-client-hello' &&
        f.msgType === HandshakeType.clientHello &&
        f.messageSeq < this.reassembler.nextSeq
      ) {
        this.reassembler.reset(f.messageSeq);
      }
      const verdict = this.reassembler.push(f, epoch);
      if (verdict === 'dropped') this.stats.droppedHandshakeFragments++;
      // A message of the peer's previous flight: ours was lost (RFC 6347 §4.2.4).
      else if (verdict === 'old' && f.messageSeq < this.peerFlightStart) this.retransmitWanted = true;
    }
    for (;;) {
      if (this.st === 'closed') return;
      const msg = this.reassembler.pop();
      if (!msg) return;
      if (this.st === 'connected') {
        // Renegotiation is not supported: a new handshake after ours is dropped.
        this.stats.droppedHandshakeFragments++;
        continue;
      }
      try {
        this.role.handle(msg);
      } catch (err) {
        if (err instanceof DtlsParseError && msg.epoch === 0) {
          // Epoch 0 is unauthenticated: a corrupted or forged message that does not parse is
          // dropped and its message_seq expected again, so the genuine retransmission still counts.
          this.reassembler.rewind(msg.messageSeq);
          this.stats.malformedRecords++;
          return;
        }
        return this.fail(toDtlsError(err));
      }
    }
  }

  private onAlert(payload: Uint8Array): void {
    let alert;
    try {
      alert = decodeAlert(payload);
    } catch {
      return void this.stats.malformedRecords++;
    }
    const name = alertName(alert.description);
    if (alert.description === AlertDescriptions.close_notify) {
      if (this.st === 'handshaking')
        return this.close(new DtlsAlertError(alert.level, alert.description, name), false);
      this.options.logger?.debug({}, 'dtls close_notify received');
      return this.close(undefined, true);
    }
    if (alert.level === AlertLevel.fatal) {
      return this.close(new DtlsAlertError(alert.level, alert.description, name), false);
    }
    this.options.logger?.warn({ alert: name }, 'dtls warning alert ignored');
  }

  private deliver(data: Uint8Array, from: Addr): void {
    if (this.st === 'connected' && this.dataHandler) return this.dataHandler(data, from);
    if (this.appQueue.length < MAX_QUEUED_APP_DATA) this.appQueue.push({ data, from });
    else this.stats.droppedRecords++;
  }

  // ---- sending ---------------------------------------------------------------------------------

  private seal(type: number, epoch: number, payload: Uint8Array): Uint8Array {
    const seq = this.writeSeq[epoch] ?? 0;
    if (seq > MAX_SEQ) throw new DtlsError('DTLS_SEQ_EXHAUSTED', 'record sequence numbers exhausted');
    this.writeSeq[epoch] = seq + 1;
    let fragment = payload;
    if (epoch > 0) {
      if (!this.writeProt) throw new DtlsHandshakeError('internal_error', 'epoch 1 record before keys');
      fragment = this.writeProt.seal(epoch, seq, type, payload);
    }
    this.stats.recordsSent++;
    return encodeRecord({ type, version: DTLS1_2, epoch, seq, fragment });
  }

  private transmit(items: readonly FlightItem[]): void {
    const overhead = (epoch: number): number => (epoch > 0 ? (this.writeProt?.overhead ?? 0) : 0);
    for (const d of packFlight(items, this.options.mtu, overhead, (t, e, p) => this.seal(t, e, p)))
      this.sendDatagram(d);
    if (items.some((i) => i.kind === 'ccs')) this.writeEpoch = 1;
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
      this.sendDatagram(this.seal(ContentType.alert, this.writeEpoch, encodeAlert({ level, description })));
    } catch {
      // Best effort: we are closing anyway.
    }
  }

  // ---- flights and timers ----------------------------------------------------------------------

  private step(event: FlightEvent): void {
    this.flight = flightTransition(this.flight, event);
  }

  private armRetransmit(): void {
    this.rtxTimer?.cancel();
    this.rtxTimer = this.options.clock.setTimer(this.rto, () =>
      this.exclusive(() => this.onRetransmitTimer()),
    );
  }

  /** RFC 6347 §4.2.4.1: on expiry retransmit and double the timer, up to the maximum. */
  private onRetransmitTimer(): void {
    if (this.st === 'closed' || this.flight !== 'waiting') return;
    this.step('timeout');
    this.stats.retransmissions++;
    this.lastPeerRetransmit = this.options.clock.now();
    this.guard(() => this.transmit(this.lastFlight));
    this.step('sent');
    this.rto = Math.min(this.rto * 2, this.options.retransmitMaxMs);
    this.armRetransmit();
  }

  /** The peer repeated its previous flight: ours was lost, send it again (at most once per quarter RTO). */
  private onPeerRetransmit(): void {
    if (this.flight !== 'waiting' && !(this.flight === 'finished' && this.lastFlightIsLast)) return;
    const now = this.options.clock.now();
    if (now - this.lastPeerRetransmit < this.options.retransmitInitialMs / 4) return;
    this.lastPeerRetransmit = now;
    this.step('peer-retransmit');
    this.stats.retransmissions++;
    this.guard(() => this.transmit(this.lastFlight));
    this.step(this.lastFlightIsLast ? 'sent-last' : 'sent');
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
    if (err instanceof DtlsHandshakeError) {
      this.sendAlert(AlertLevel.fatal, AlertDescriptions[err.alert]);
    } else if (!(
      err instanceof DtlsHandshakeTimeoutError ||
      err instanceof DtlsClosedError ||
      err instanceof DtlsAbortedError
    )) {
      this.sendAlert(AlertLevel.fatal, AlertDescriptions.internal_error);
    }
    this.options.logger?.warn({ code: (err as DtlsError).code, err: err.message }, 'dtls failed');
    this.close(err, false);
  }
}

function toDtlsError(err: unknown): Error {
  if (err instanceof DtlsError && !(err instanceof DtlsParseError) && !(err instanceof DtlsStateError))
    return err;
  if (err instanceof DtlsParseError) {
    return new DtlsHandshakeError('decode_error', err.message, { cause: err, code: 'DTLS_DECODE_ERROR' });
  }
  if (err instanceof DtlsStateError) {
    return new DtlsHandshakeError('unexpected_message', err.message, {
      cause: err,
      code: 'DTLS_UNEXPECTED_MESSAGE',
    });
  }
  return new DtlsHandshakeError('internal_error', err instanceof Error ? err.message : 'internal error', {
    cause: err,
    code: 'DTLS_INTERNAL',
  });
}
