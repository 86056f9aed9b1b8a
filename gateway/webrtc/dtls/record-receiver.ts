/**
 * One received datagram, record by record (RFC 6347 §4.1): several records may share it (§4.1.1),
 * each is opened by the record layer and dispatched by content type (RFC 5246 §6.2.1): handshake to
 * the reassembly, ChangeCipherSpec only checked (the epoch in each record header says which keys
 * apply, §4.1), alerts to alert-handling.ts, application data to the conn's queue. Once connected,
 * plaintext records other than handshake retransmissions are dropped, so a spoofed alert cannot tear
 * the association down. Records that waited for epoch-1 keys are retried after the datagram, and a
 * peer that repeated its previous flight gets ours again (§4.2.4).
 */
import type { Addr } from '../transport/index.ts';
import { receivedAlert } from './alert-handling.ts';
import type { AppDataQueue } from './app-data-queue.ts';
import { ContentType } from './content-type.ts';
import type { FlightSender } from './flight-sender.ts';
import type { HandshakeReceiver } from './handshake-receiver.ts';
import type { ResolvedOptions } from './options.ts';
import { splitRecords, type DtlsRecord } from './record.ts';
import type { RecordLayer } from './record-layer.ts';
import type { DtlsStats } from './stats.ts';

export interface RecordReceiverHost {
  isClosed(): boolean;
  isConnected(): boolean;
  /** A received alert ends the conn (see alert-handling.ts). */
  close(err: Error | undefined, notify: boolean): void;
}

export class RecordReceiver {
  /** Where the last datagram came from (the peer's address when the conn below has none). */
  lastFrom: Addr | undefined;
  /** Set while handling a datagram when the peer repeated its previous flight (RFC 6347 §4.2.4). */
  private retransmitWanted = false;

  constructor(
    private readonly records: RecordLayer,
    private readonly handshake: HandshakeReceiver,
    private readonly flights: FlightSender,
    private readonly appData: AppDataQueue,
    private readonly stats: DtlsStats,
    private readonly options: ResolvedOptions,
    private readonly host: RecordReceiverHost,
  ) {}

  receive(data: Uint8Array, from: Addr): void {
    this.stats.datagramsReceived++;
    this.lastFrom = from;
    const { records, malformed } = splitRecords(data);
    if (malformed) this.stats.malformedRecords++;
    this.retransmitWanted = false;
    for (const rec of records) {
      if (this.host.isClosed()) return;
      this.onRecord(rec, from);
    }
    // Keys may have been installed while handling this datagram: retry records that waited for them.
    for (const rec of this.records.takePending()) if (!this.host.isClosed()) this.onRecord(rec, from);
    if (this.retransmitWanted && !this.host.isClosed()) this.flights.onPeerRetransmit();
  }

  private onRecord(rec: DtlsRecord, from: Addr): void {
    const payload = this.records.open(rec);
    if (!payload) return;
    const connected = this.host.isConnected();
    // Once connected, unauthenticated epoch-0 records can only be handshake retransmissions; a
    // plaintext alert or CCS there is ignored, so a spoofed alert cannot tear the association down.
    if (rec.epoch === 0 && connected && rec.type !== ContentType.handshake) {
      return void this.stats.droppedRecords++;
    }
    switch (rec.type) {
      case ContentType.handshake:
        if (this.handshake.receive(payload, rec.epoch, this.flights.peerFlightStart))
          this.retransmitWanted = true;
        return;
      case ContentType.changeCipherSpec:
        // The epoch in each record header says which keys apply (RFC 6347 §4.1), so CCS is only checked.
        if (payload.length !== 1 || payload[0] !== 1) this.stats.malformedRecords++;
        return;
      case ContentType.alert: {
        const handshaking = !connected && !this.host.isClosed();
        const closing = receivedAlert(payload, handshaking, this.stats, this.options.logger);
        if (closing) this.host.close(closing.err, closing.notify);
        return;
      }
      case ContentType.applicationData:
        if (rec.epoch === 0) return void this.stats.droppedRecords++;
        return this.appData.deliver(payload, from, connected);
      default:
        this.stats.droppedRecords++;
    }
  }
}
