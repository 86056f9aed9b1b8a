import { ByteReader } from './byte-reader.ts';

/**
 * Handshake message header, DTLS form (RFC 6347 §4.2.2): TLS's type and length plus message_seq
 * and fragment fields, so messages can be fragmented, reordered and retransmitted.
 *
 *   struct {
 *     HandshakeType msg_type;
 *     uint24 length;
 *     uint16 message_seq;                               // New field
 *     uint24 fragment_offset;                           // New field
 *     uint24 fragment_length;                           // New field
 *     select (HandshakeType) { ... } body;
 *   } Handshake;
 *
 *    0                   1                   2                   3
 *    0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1
 *   +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 *   |   msg_type    |                  length                       |
 *   +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 *   |         message_seq           |        fragment_offset ...
 *   +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 *     ...fragment_offset|            fragment_length                |
 *   +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 *   |  fragment (fragment_length bytes) ...
 */
export const HandshakeType = {
  helloRequest: 0,
  clientHello: 1,
  serverHello: 2,
  helloVerifyRequest: 3,
  certificate: 11,
  serverKeyExchange: 12,
  certificateRequest: 13,
  serverHelloDone: 14,
  certificateVerify: 15,
  clientKeyExchange: 16,
  finished: 20,
} as const;
export type HandshakeType = (typeof HandshakeType)[keyof typeof HandshakeType];

export const HANDSHAKE_HEADER_LENGTH = 12;

export interface HandshakeFragment {
  msgType: number;
  length: number;
  messageSeq: number;
  fragmentOffset: number;
  fragment: Uint8Array;
}

/** Decodes one handshake fragment at the start of `buf`; returns it and the bytes it took. */
export function decodeHandshakeFragment(buf: Uint8Array): { frag: HandshakeFragment; size: number } {
  const r = new ByteReader(buf, 'handshake');
  const msgType = r.u8();
  const length = r.u24();
  const messageSeq = r.u16();
  const at = r.offset;
  const fragmentOffset = r.u24();
  const fragmentLength = r.u24();
  if (fragmentOffset + fragmentLength > length) {
    r.fail(`fragment ${fragmentOffset}+${fragmentLength} beyond message length ${length}`, at);
  }
  const fragment = r.bytes(fragmentLength);
  return { frag: { msgType, length, messageSeq, fragmentOffset, fragment }, size: r.offset };
}

/** Splits the payload of a handshake record into fragments (a record may carry several, §4.2.3). */
export function decodeHandshakeFragments(payload: Uint8Array): HandshakeFragment[] {
  const out: HandshakeFragment[] = [];
  let off = 0;
  while (off < payload.length) {
    const { frag, size } = decodeHandshakeFragment(payload.subarray(off));
    out.push(frag);
    off += size;
  }
  return out;
}

export function encodeHandshakeFragment(f: HandshakeFragment): Uint8Array {
  const out = new Uint8Array(HANDSHAKE_HEADER_LENGTH + f.fragment.length);
  const v = new DataView(out.buffer);
  v.setUint8(0, f.msgType);
  v.setUint8(1, (f.length >>> 16) & 0xff);
  v.setUint16(2, f.length & 0xffff);
  v.setUint16(4, f.messageSeq);
  v.setUint8(6, (f.fragmentOffset >>> 16) & 0xff);
  v.setUint16(7, f.fragmentOffset & 0xffff);
  v.setUint8(9, (f.fragment.length >>> 16) & 0xff);
  v.setUint16(10, f.fragment.length & 0xffff);
  out.set(f.fragment, HANDSHAKE_HEADER_LENGTH);
  return out;
}

/**
 * The whole message as one unfragmented handshake (offset 0, fragment_length = length): the form that
 * enters the Finished/CertificateVerify transcript (RFC 6347 §4.2.6).
 */
export function encodeHandshakeMessage(msgType: number, messageSeq: number, body: Uint8Array): Uint8Array {
  return encodeHandshakeFragment({
    msgType,
    length: body.length,
    messageSeq,
    fragmentOffset: 0,
    fragment: body,
  });
}

/**
 * Splits one message into fragments of at most `maxFragment` body bytes each (§4.2.3: each
 * fragment fits in one record, and a record in one datagram).
 */
export function fragmentHandshake(
  msgType: number,
  messageSeq: number,
  body: Uint8Array,
  maxFragment: number,
): HandshakeFragment[] {
  const size = Math.max(1, maxFragment);
  const out: HandshakeFragment[] = [];
  let off = 0;
  do {
    const n = Math.min(size, body.length - off);
    out.push({
      msgType,
      length: body.length,
      messageSeq,
      fragmentOffset: off,
      fragment: body.subarray(off, off + n),
    });
    off += n;
  } while (off < body.length);
  return out;
}
