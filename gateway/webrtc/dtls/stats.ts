/** Counters of one DTLS conn: what arrived, what was dropped and why, what was retransmitted. */
export interface DtlsStats {
  datagramsReceived: number;
  datagramsSent: number;
  recordsReceived: number;
  recordsSent: number;
  /** Records (or the rest of a datagram) that did not parse: truncated, over-long, garbage. */
  malformedRecords: number;
  /** Protected records that did not authenticate (bad_record_mac, dropped per RFC 6347 §4.1.2.7). */
  badMacRecords: number;
  /** Records rejected by the replay window (RFC 6347 §4.1.2.6). */
  replayedRecords: number;
  /** Other drops: unknown version/epoch/type, application data out of place, full queues. */
  droppedRecords: number;
  /** Handshake fragments outside the reassembly bounds or inconsistent with earlier ones. */
  droppedHandshakeFragments: number;
  /** Flights sent again (timer or peer retransmission). */
  retransmissions: number;
}

export function newStats(): DtlsStats {
  return {
    datagramsReceived: 0,
    datagramsSent: 0,
    recordsReceived: 0,
    recordsSent: 0,
    malformedRecords: 0,
    badMacRecords: 0,
    replayedRecords: 0,
    droppedRecords: 0,
    droppedHandshakeFragments: 0,
    retransmissions: 0,
  };
}
