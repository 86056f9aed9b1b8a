import { ContentType } from './content-type.ts';
import { encodeHandshakeFragment, fragmentHandshake, HANDSHAKE_HEADER_LENGTH } from './handshake-header.ts';
import { RECORD_HEADER_LENGTH } from './record.ts';

/** One element of a flight: a handshake message (its message_seq fixed for every retransmission) or a ChangeCipherSpec. */
export type FlightItem =
  | { kind: 'handshake'; msgType: number; messageSeq: number; body: Uint8Array; epoch: number }
  | { kind: 'ccs'; epoch: number };

/** Seals one record (header + protected fragment) at `epoch` with the next sequence number of that epoch. */
export type RecordSealer = (type: number, epoch: number, payload: Uint8Array) => Uint8Array;

/**
 * Serialises a flight into datagrams of at most `mtu` bytes (RFC 6347 §4.1.1.1, §4.2.3): each
 * handshake message is cut into fragments that fit one record, and records are packed several to
 * a datagram. Every call seals afresh, so a retransmission has new record sequence numbers
 * (§4.2.4: retransmitted records are new records).
 */
export function packFlight(
  items: readonly FlightItem[],
  mtu: number,
  overhead: (epoch: number) => number,
  seal: RecordSealer,
): Uint8Array[] {
  const records: Uint8Array[] = [];
  for (const item of items) {
    if (item.kind === 'ccs') {
      // ChangeCipherSpec: struct { enum { change_cipher_spec(1), (255) } type; } (RFC 5246 §7.1).
      records.push(seal(ContentType.changeCipherSpec, item.epoch, Uint8Array.of(1)));
      continue;
    }
    const room = mtu - RECORD_HEADER_LENGTH - HANDSHAKE_HEADER_LENGTH - overhead(item.epoch);
    for (const f of fragmentHandshake(item.msgType, item.messageSeq, item.body, room)) {
      records.push(seal(ContentType.handshake, item.epoch, encodeHandshakeFragment(f)));
    }
  }
  return packRecords(records, mtu);
}

/** Packs records into as few datagrams as fit in `mtu`, keeping their order. */
export function packRecords(records: readonly Uint8Array[], mtu: number): Uint8Array[] {
  const out: Uint8Array[] = [];
  let cur: Uint8Array[] = [];
  let size = 0;
  const flush = (): void => {
    if (cur.length === 0) return;
    const d = new Uint8Array(size);
    let o = 0;
    for (const r of cur) {
      d.set(r, o);
      o += r.length;
    }
    out.push(d);
    cur = [];
    size = 0;
  };
  for (const r of records) {
    if (size + r.length > mtu) flush();
    cur.push(r);
    size += r.length;
  }
  flush();
  return out;
}
