/** Test helper: a minimal RTP packet (RFC 3550 §5.1 fixed header, PT 96) with a one-byte payload. */
export function testRtp(seq: number, timestamp = seq * 3000, ssrc = 0x11223344, payload = 0x41): Uint8Array {
  const b = new Uint8Array(13);
  const v = new DataView(b.buffer);
  b[0] = 0x80;
  b[1] = 96;
  v.setUint16(2, seq & 0xffff);
  v.setUint32(4, timestamp >>> 0);
  v.setUint32(8, ssrc >>> 0);
  b[12] = payload; // a non-IDR H.264 slice NAL header by default
  return b;
}
