import { ByteReader } from './byte-reader.ts';
import { DtlsParseError } from './errors.ts';

/**
 * DTLS record (RFC 6347 §4.1). Several records may share one datagram (§4.1.1); a record never
 * spans datagrams.
 *
 *   struct {
 *        ContentType type;
 *        ProtocolVersion version;
 *        uint16 epoch;                                    // New field
 *        uint48 sequence_number;                          // New field
 *        uint16 length;
 *        opaque fragment[DTLSPlaintext.length];
 *      } DTLSPlaintext;
 *
 *    0                   1                   2                   3
 *    0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1
 *   +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 *   |     type      |          version              |    epoch ...
 *   +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 *      ... epoch    |           sequence_number (48 bits) ...
 *   +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 *                ... sequence_number                |    length ...
 *   +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 *      ... length   |  fragment (length bytes) ...
 *   +-+-+-+-+-+-+-+-+
 */
export interface DtlsRecord {
  type: number;
  version: number;
  epoch: number;
  seq: number;
  fragment: Uint8Array;
}

export const RECORD_HEADER_LENGTH = 13;
/** TLSCiphertext.length MUST NOT exceed 2^14 + 2048 (RFC 5246 §6.2.3). */
export const MAX_CIPHERTEXT_LENGTH = 2 ** 14 + 2048;
/** TLSPlaintext.length MUST NOT exceed 2^14 (RFC 5246 §6.2.1). */
export const MAX_PLAINTEXT_LENGTH = 2 ** 14;
export const MAX_SEQ = 2 ** 48 - 1;

/** Decodes one record at the start of `buf`; returns it and the bytes it took. */
export function decodeRecord(buf: Uint8Array): { record: DtlsRecord; size: number } {
  const r = new ByteReader(buf, 'record');
  const type = r.u8();
  const version = r.u16();
  const epoch = r.u16();
  const seq = r.u48();
  const lenAt = r.offset;
  const length = r.u16();
  if (length > MAX_CIPHERTEXT_LENGTH) r.fail(`record length ${length} over ${MAX_CIPHERTEXT_LENGTH}`, lenAt);
  const fragment = r.bytes(length);
  return { record: { type, version, epoch, seq, fragment }, size: r.offset };
}

/**
 * Splits a datagram into records. A malformed record ends the walk: its length field cannot be
 * trusted, so the rest of the datagram is dropped and counted as one malformed record
 * (RFC 6347 §4.1.2.7: invalid records SHOULD be silently discarded).
 */
export function splitRecords(datagram: Uint8Array): {
  records: DtlsRecord[];
  malformed: DtlsParseError | undefined;
} {
  const records: DtlsRecord[] = [];
  let off = 0;
  while (off < datagram.length) {
    try {
      const { record, size } = decodeRecord(datagram.subarray(off));
      records.push(record);
      off += size;
    } catch (err) {
      if (err instanceof DtlsParseError) return { records, malformed: err };
      throw err;
    }
  }
  return { records, malformed: undefined };
}

/** Writes the 13-byte header and the fragment into a new array. */
export function encodeRecord(rec: DtlsRecord): Uint8Array {
  const out = new Uint8Array(RECORD_HEADER_LENGTH + rec.fragment.length);
  writeRecordHeader(out, rec.type, rec.version, rec.epoch, rec.seq, rec.fragment.length);
  out.set(rec.fragment, RECORD_HEADER_LENGTH);
  return out;
}

export function writeRecordHeader(
  out: Uint8Array,
  type: number,
  version: number,
  epoch: number,
  seq: number,
  length: number,
): void {
  const v = new DataView(out.buffer, out.byteOffset, RECORD_HEADER_LENGTH);
  v.setUint8(0, type);
  v.setUint16(1, version);
  v.setUint16(3, epoch);
  v.setUint16(5, Math.floor(seq / 2 ** 32));
  v.setUint32(7, seq >>> 0);
  v.setUint16(11, length);
}
