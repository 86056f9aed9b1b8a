/**
 * Handshake messages out of handshake records (RFC 6347 §4.2.2–4.2.4): fragments are reassembled
 * and released in message_seq order to the client or server logic; a fragment of the peer's
 * previous flight means our last flight was lost (§4.2.4), which the caller answers by sending it
 * again. A stateless server takes a repeated or restarted first ClientHello afresh (§4.2.1), and no
 * handshake is accepted after ours finished (renegotiation is not supported).
 */
import { DtlsParseError, toDtlsError } from './errors.ts';
import { decodeHandshakeFragments, HandshakeType } from './handshake-header.ts';
import type { HandshakeRole } from './handshake-host.ts';
import { HandshakeReassembler } from './handshake-reassembler.ts';
import type { DtlsStats } from './stats.ts';

export interface HandshakeReceiverHost {
  isClosed(): boolean;
  isConnected(): boolean;
  role(): HandshakeRole;
  /** A message the handshake logic rejected: fatal, with the alert its error names. */
  fail(err: Error): void;
}

export class HandshakeReceiver {
  private readonly reassembler = new HandshakeReassembler();

  constructor(
    private readonly isClient: boolean,
    private readonly stats: DtlsStats,
    private readonly host: HandshakeReceiverHost,
  ) {}

  /** The message_seq the peer's next message will have. */
  get nextSeq(): number {
    return this.reassembler.nextSeq;
  }

  /**
   * Takes the payload of one handshake record and runs every message it completes. Returns true
   * when it held a message of the peer's flight before `peerFlightStart` (a retransmission).
   */
  receive(payload: Uint8Array, epoch: number, peerFlightStart: number): boolean {
    let frags;
    try {
      frags = decodeHandshakeFragments(payload);
    } catch (err) {
      if (!(err instanceof DtlsParseError)) throw err;
      this.stats.malformedRecords++;
      return false;
    }
    let peerRetransmitted = false;
    for (const f of frags) {
      // A stateless server has not committed to a message_seq: a repeated or restarted first
      // ClientHello is taken afresh (RFC 6347 §4.2.1).
      if (
        !this.isClient &&
        this.host.role().state === 'wait-client-hello' &&
        f.msgType === HandshakeType.clientHello &&
        f.messageSeq < this.reassembler.nextSeq
      ) {
        this.reassembler.reset(f.messageSeq);
      }
      const verdict = this.reassembler.push(f, epoch);
      if (verdict === 'dropped') this.stats.droppedHandshakeFragments++;
      // A message of the peer's previous flight: ours was lost (RFC 6347 §4.2.4).
      else if (verdict === 'old' && f.messageSeq < peerFlightStart) peerRetransmitted = true;
    }
    this.runMessages();
    return peerRetransmitted;
  }

  private runMessages(): void {
    for (;;) {
      if (this.host.isClosed()) return;
      const msg = this.reassembler.pop();
      if (!msg) return;
      if (this.host.isConnected()) {
        // Renegotiation is not supported: a new handshake after ours is dropped.
        this.stats.droppedHandshakeFragments++;
        continue;
      }
      try {
        this.host.role().handle(msg);
      } catch (err) {
        if (err instanceof DtlsParseError && msg.epoch === 0) {
          // Epoch 0 is unauthenticated: a corrupted or forged message that does not parse is
          // dropped and its message_seq expected again, so the genuine retransmission still counts.
          this.reassembler.rewind(msg.messageSeq);
          this.stats.malformedRecords++;
          return;
        }
        return this.host.fail(toDtlsError(err));
      }
    }
  }
}
