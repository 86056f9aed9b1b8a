import { DtlsStateError } from './errors.ts';

/**
 * The flight state machine of RFC 6347 §4.2.4: handshake messages travel in flights, a flight is
 * retransmitted until the peer's next flight arrives, and a retransmitted peer flight means ours was
 * lost, so it is sent again.
 *
 *                      +-----------+
 *                      | PREPARING |
 *                +---> |           | <--------------------+
 *                |     |           |                      |
 *                |     +-----------+                      |
 *                |           |                            |
 *                |           | Buffer next flight         |
 *                |           |                            |
 *                |          \|/                           |
 *                |     +-----------+                      |
 *                |     |           |                      |
 *                |     |  SENDING  |<------------------+  |
 *                |     |           |                   |  | Send
 *                |     +-----------+                   |  | HelloRequest
 *        Receive |           |                         |  |
 *           next |           | Send flight             |  | or
 *         flight |  +--------+                         |  |
 *                |  |        | Set retransmit timer    |  | Receive
 *                |  |       \|/                        |  | HelloRequest
 *                |  |  +-----------+                   |  | Send
 *                |  |  |           |                   |  | ClientHello
 *                +--)--|  WAITING  |-------------------+  |
 *                |  |  |           |   Timer expires   |  |
 *                |  |  +-----------+                   |  |
 *                |  |         |                        |  |
 *                |  |         |                        |  |
 *                |  |         +------------------------+  |
 *                |  |                Read retransmit      |
 *        Receive |  |                                     |
 *           last |  |                                     |
 *         flight |  |                                     |
 *                |  |                                     |
 *               \|/\|/                                    |
 *                                                         |
 *            +-----------+                                |
 *            |           |                                |
 *            | FINISHED  | -------------------------------+
 *            |           |
 *            +-----------+
 *                 |  /|\
 *                 |   |
 *                 |   |
 *                 +---+
 *
 *              Read retransmit
 *           Retransmit last flight
 *
 * (Renegotiation, the HelloRequest edges, is not supported.) The last flight's sender goes from
 * SENDING straight to FINISHED (`sent-last`) and answers a retransmitted peer flight by sending
 * its own again (`peer-retransmit`).
 */
export type FlightState = 'preparing' | 'sending' | 'waiting' | 'finished';

export type FlightEvent =
  | 'send' // PREPARING -> SENDING: the next flight is buffered
  | 'sent' // SENDING -> WAITING: flight out, retransmit timer set
  | 'sent-last' // SENDING -> FINISHED: our flight was the handshake's last
  | 'timeout' // WAITING -> SENDING: retransmit timer expired
  | 'peer-retransmit' // WAITING|FINISHED -> SENDING: peer repeated its previous flight
  | 'received-flight' // WAITING -> PREPARING: peer's next flight complete
  | 'received-last-flight'; // WAITING -> FINISHED: peer's flight ended the handshake

const TABLE: Record<FlightState, Partial<Record<FlightEvent, FlightState>>> = {
  preparing: { send: 'sending' },
  sending: { sent: 'waiting', 'sent-last': 'finished' },
  waiting: {
    timeout: 'sending',
    'peer-retransmit': 'sending',
    'received-flight': 'preparing',
    'received-last-flight': 'finished',
  },
  finished: { 'peer-retransmit': 'sending' },
};

/** The one transition function; an event the diagram does not allow throws {@link DtlsStateError}. */
export function flightTransition(state: FlightState, event: FlightEvent): FlightState {
  const next = TABLE[state][event];
  if (!next) throw new DtlsStateError('flight', state, event);
  return next;
}
