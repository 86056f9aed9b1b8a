import { HEADER_LENGTH, MAGIC_COOKIE } from './constants.ts';
import { StunError } from './errors.ts';
import { TRANSACTION_ID_LENGTH } from './transaction-id.ts';

/** The four message classes (RFC 8489 §5). */
export type StunClass = 'request' | 'indication' | 'success' | 'error';

const CLASS_BITS: Record<StunClass, number> = { request: 0b00, indication: 0b01, success: 0b10, error: 0b11 };
const CLASSES: readonly StunClass[] = ['request', 'indication', 'success', 'error'];

/*
 * The message type interleaves a 12-bit method (M) and a 2-bit class (C) (RFC 8489 §5, Figure 3):
 *
 *    0                 1
 *    2  3  4 5 6 7 8 9 0 1 2 3 4 5
 *   +--+--+-+-+-+-+-+-+-+-+-+-+-+-+
 *   |M |M |M|M|M|C|M|M|M|C|M|M|M|M|
 *   |11|10|9|8|7|1|6|5|4|0|3|2|1|0|
 *   +--+--+-+-+-+-+-+-+-+-+-+-+-+-+
 */
export function encodeMessageType(method: number, cls: StunClass): number {
  if (!Number.isInteger(method) || method < 0 || method > 0xfff) {
    throw new StunError('STUN_ENCODE', `method out of range: ${method}`);
  }
  const c = CLASS_BITS[cls];
  return (
    (method & 0x000f) | ((method & 0x0070) << 1) | ((method & 0x0f80) << 2) | ((c & 1) << 4) | ((c & 2) << 7)
  );
}

export function decodeMessageType(type: number): { method: number; cls: StunClass } {
  const method = (type & 0x000f) | ((type >> 1) & 0x0070) | ((type >> 2) & 0x0f80);
  const c = ((type >> 4) & 1) | ((type >> 7) & 2);
  return { method, cls: CLASSES[c] as StunClass };
}

/**
 * The STUN message header (RFC 8489 §5, Figure 2):
 *
 *    0                   1                   2                   3
 *    0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1
 *   +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 *   |0 0|     STUN Message Type     |         Message Length        |
 *   +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 *   |                         Magic Cookie                          |
 *   +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 *   |                                                               |
 *   |                     Transaction ID (96 bits)                  |
 *   |                                                               |
 *   +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 *
 * The length counts the bytes after the header and is always a multiple of 4 (attributes are padded).
 */
export interface StunHeader {
  readonly method: number;
  readonly cls: StunClass;
  /** Length of the attribute section in bytes. */
  readonly length: number;
  /** A view into the message (not a copy). */
  readonly transactionId: Uint8Array;
}

/**
 * Reads and validates the header of one datagram that should hold exactly one STUN message.
 * Throws {@link StunError} (`STUN_TRUNCATED`, `STUN_NOT_STUN`, `STUN_BAD_LENGTH`).
 */
export function readHeader(buf: Uint8Array): StunHeader {
  if (buf.length < HEADER_LENGTH) {
    throw new StunError('STUN_TRUNCATED', `${buf.length} bytes is shorter than a STUN header`, {
      offset: buf.length,
    });
  }
  const dv = new DataView(buf.buffer, buf.byteOffset, buf.byteLength);
  const type = dv.getUint16(0);
  // RFC 8489 §5: the most significant 2 bits of every STUN message are zeroes.
  if (type & 0xc000) throw new StunError('STUN_NOT_STUN', 'first two bits are not zero', { offset: 0 });
  if (dv.getUint32(4) !== MAGIC_COOKIE)
    throw new StunError('STUN_NOT_STUN', 'bad magic cookie', { offset: 4 });
  const length = dv.getUint16(2);
  if (length % 4 !== 0)
    throw new StunError('STUN_BAD_LENGTH', `length ${length} is not a multiple of 4`, { offset: 2 });
  if (HEADER_LENGTH + length > buf.length) {
    throw new StunError(
      'STUN_TRUNCATED',
      `header says ${length} attribute bytes, ${buf.length - 20} present`,
      {
        offset: buf.length,
      },
    );
  }
  if (HEADER_LENGTH + length < buf.length) {
    throw new StunError('STUN_BAD_LENGTH', `${buf.length - 20 - length} bytes after the message`, {
      offset: HEADER_LENGTH + length,
    });
  }
  const { method, cls } = decodeMessageType(type);
  return { method, cls, length, transactionId: buf.subarray(8, 8 + TRANSACTION_ID_LENGTH) };
}

/**
 * A quick check (no allocation) whether a datagram is a STUN message: RFC 7983 first-byte range
 * 0-3 (so methods below 0x100), the magic cookie, and a length that matches the datagram. Use
 * before {@link decodeStun}.
 */
export function isStun(buf: Uint8Array): boolean {
  if (buf.length < HEADER_LENGTH || (buf[0] as number) > 3) return false;
  if (buf[4] !== 0x21 || buf[5] !== 0x12 || buf[6] !== 0xa4 || buf[7] !== 0x42) return false;
  const length = ((buf[2] as number) << 8) | (buf[3] as number);
  return length % 4 === 0 && length + HEADER_LENGTH === buf.length;
}
