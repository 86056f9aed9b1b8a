import type { FlightItem } from './flight.ts';
import type { HandshakeMessage } from './handshake-reassembler.ts';
import type { ResolvedOptions } from './options.ts';
import type { Session } from './session.ts';

/** A complete handshake message plus the epoch of the records it arrived in. */
export type ReceivedMessage = HandshakeMessage;

/**
 * What the client and server handshake logic needs from the conn that runs it: the record layer,
 * the flight machine and the reassembler stay in the conn; the roles only decide messages.
 */
export interface HandshakeHost {
  readonly options: ResolvedOptions;
  readonly session: Session;
  /** Key for cookies: the peer's transport address. */
  readonly remoteKey: string;
  /** Builds a flight item with the next message_seq and appends it to the transcript. */
  message(msgType: number, body: Uint8Array, epoch?: number): FlightItem;
  /** Sets the message_seq our next message gets (RFC 6347 §4.2.2). */
  setSendSeq(seq: number): void;
  /** Sends a message outside flights and transcript (HelloVerifyRequest, RFC 6347 §4.2.1: stateless). */
  sendStateless(msgType: number, messageSeq: number, body: Uint8Array): void;
  /** Sends our next flight; `last` when it ends the handshake (server flight 6). */
  sendFlight(items: FlightItem[], last: boolean): void;
  /** Derives the key block and installs epoch-1 protection in both directions. */
  installKeys(): void;
  /** The handshake is done: resolve the conn. */
  complete(): void;
}

/** The role-specific half of the handshake. */
export interface HandshakeRole {
  readonly state: string;
  start(): void;
  /** Handles the next in-order message; throws DtlsHandshakeError (sent as an alert) on failure. */
  handle(msg: ReceivedMessage): void;
}
