/**
 * The record layer of one association (RFC 6347 §4.1): per-epoch 48-bit write sequence numbers
 * (§4.1, exhaustion is fatal), AEAD protection once epoch-1 keys exist (RFC 5246 §6.2.3.3), the
 * anti-replay window (§4.1.2.6: marked only after a record authenticated), and epoch-1 records that
 * arrive before their keys (reordering around ChangeCipherSpec), kept aside in a bounded queue.
 * Records that fail any check are dropped and counted (§4.1.2.7: invalid records are discarded).
 */
import { DTLS1_0, DTLS1_2 } from './content-type.ts';
import { DtlsError, DtlsHandshakeError } from './errors.ts';
import { packFlight, type FlightItem } from './flight.ts';
import { encodeRecord, MAX_PLAINTEXT_LENGTH, MAX_SEQ, type DtlsRecord } from './record.ts';
import { RecordProtection } from './record-protection.ts';
import { ReplayWindow } from './replay-window.ts';
import type { Session } from './session.ts';
import type { DtlsStats } from './stats.ts';

/** Epoch-1 records that arrive before their keys (reordering) wait here, bounded. */
export const MAX_PENDING_RECORDS = 32;

export class RecordLayer {
  private readonly writeSeq = [0, 0];
  private epoch = 0;
  private writeProt: RecordProtection | undefined;
  private readProt: RecordProtection | undefined;
  private readonly window = new ReplayWindow(64);
  private pending: DtlsRecord[] = [];

  constructor(private readonly stats: DtlsStats) {}

  /** The epoch our records go out in: 1 once our flight carried ChangeCipherSpec. */
  get writeEpoch(): number {
    return this.epoch;
  }

  /** Derives the key block and installs epoch-1 protection in both directions (RFC 5246 §6.3). */
  installKeys(session: Session, isClient: boolean): void {
    const suite = session.suite;
    if (!suite) throw new DtlsHandshakeError('internal_error', 'keys before a cipher suite');
    const k = session.keys();
    const mine = isClient ? [k.clientWriteKey, k.clientWriteIv] : [k.serverWriteKey, k.serverWriteIv];
    const theirs = isClient ? [k.serverWriteKey, k.serverWriteIv] : [k.clientWriteKey, k.clientWriteIv];
    this.writeProt = new RecordProtection(suite, mine[0] ?? new Uint8Array(0), mine[1] ?? new Uint8Array(0));
    this.readProt = new RecordProtection(
      suite,
      theirs[0] ?? new Uint8Array(0),
      theirs[1] ?? new Uint8Array(0),
    );
  }

  /** Seals one record at `epoch` with that epoch's next sequence number. */
  seal(type: number, epoch: number, payload: Uint8Array): Uint8Array {
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

  /** Seals a flight into datagrams of at most `mtu` bytes (flight.ts; new sequence numbers every time, §4.2.4). */
  sealFlight(items: readonly FlightItem[], mtu: number): Uint8Array[] {
    const overhead = (epoch: number): number => (epoch > 0 ? (this.writeProt?.overhead ?? 0) : 0);
    return packFlight(items, mtu, overhead, (t, e, p) => this.seal(t, e, p));
  }

  /** After a flight went out: one that carried ChangeCipherSpec moves our writes to epoch 1. */
  flightSent(items: readonly FlightItem[]): void {
    if (items.some((i) => i.kind === 'ccs')) this.epoch = 1;
  }

  /**
   * The plaintext of a received record, or undefined when it is dropped (unknown version or epoch,
   * replayed, not authentic, over-long; all counted) or set aside until epoch-1 keys exist.
   */
  open(rec: DtlsRecord): Uint8Array | undefined {
    this.stats.recordsReceived++;
    if (rec.version !== DTLS1_2 && rec.version !== DTLS1_0) return void this.stats.droppedRecords++;
    let payload: Uint8Array;
    if (rec.epoch === 0) {
      payload = rec.fragment;
    } else if (rec.epoch === 1) {
      if (!this.readProt) {
        if (this.pending.length < MAX_PENDING_RECORDS) this.pending.push(rec);
        else this.stats.droppedRecords++;
        return undefined;
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
    return payload;
  }

  /** Records that waited for epoch-1 keys, once the keys are there (empty before). */
  takePending(): DtlsRecord[] {
    if (!this.readProt || this.pending.length === 0) return [];
    const p = this.pending;
    this.pending = [];
    return p;
  }
}
