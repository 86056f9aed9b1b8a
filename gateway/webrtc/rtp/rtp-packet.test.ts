import t from 'tap';
import fc from 'fast-check';
import { decodeRtp, encodeRtp, rtpPacketSize } from './rtp-packet.ts';
import type { RtpHeader } from './rtp-packet.ts';
import { RtpError } from './errors.ts';
import {
  findHeaderExtension,
  readHeaderExtensions,
  writeHeaderExtensions,
  ONE_BYTE_PROFILE,
} from './header-extensions.ts';
import { rewriteRtpHeader, rewriteRtpHeaderFields } from './rewrite-header.ts';

const u32 = fc.integer({ min: 0, max: 0xffffffff });
export const arbHeader: fc.Arbitrary<RtpHeader> = fc.record({
  marker: fc.boolean(),
  payloadType: fc.integer({ min: 0, max: 127 }),
  sequenceNumber: fc.integer({ min: 0, max: 0xffff }),
  timestamp: u32,
  ssrc: u32,
  csrcs: fc.array(u32, { maxLength: 15 }),
  extension: fc.option(
    fc.record({
      profile: fc.integer({ min: 0, max: 0xffff }),
      data: fc
        .integer({ min: 0, max: 12 })
        .chain((w) => fc.uint8Array({ minLength: w * 4, maxLength: w * 4 })),
    }),
    { nil: undefined },
  ),
  padding: fc.oneof(fc.constant(0), fc.integer({ min: 1, max: 255 })),
});

function encode(h: RtpHeader, payload: Uint8Array): Uint8Array {
  const out = new Uint8Array(rtpPacketSize(h, payload.length));
  t.equal(encodeRtp(h, payload, out, 0), out.length);
  return out;
}

t.test('decode(encode(h, p)) == (h, p) and encode(decode(bytes)) == bytes', async (t) => {
  fc.assert(
    fc.property(arbHeader, fc.uint8Array({ maxLength: 64 }), (h, payload) => {
      const bytes = new Uint8Array(rtpPacketSize(h, payload.length));
      encodeRtp(h, payload, bytes, 0);
      const d = decodeRtp(bytes);
      const { payload: p2, ...h2 } = d;
      t.same(h2, { ...h, extension: h.extension }, 'header');
      t.same(Array.from(p2), Array.from(payload), 'payload');
      const again = new Uint8Array(bytes.length + 3);
      encodeRtp(d, d.payload, again, 3);
      t.same(Array.from(again.subarray(3)), Array.from(bytes));
    }),
    { numRuns: 200 },
  );
});

t.test('RFC 3550 §5.1 wire layout, by hand', async (t) => {
  const pkt = Uint8Array.from([
    0xb2,
    0xe0,
    0x12,
    0x34,
    0xde,
    0xad,
    0xbe,
    0xef,
    0xca,
    0xfe,
    0xba,
    0xbe, // V=2 P X CC=2, M PT=96
    0,
    0,
    0,
    1,
    0,
    0,
    0,
    2, // CSRCs
    0xbe,
    0xde,
    0,
    1,
    0x11,
    0xaa,
    0xbb,
    0x00, // one-byte ext: id 1, 2 bytes, 2 padding bytes
    9,
    8,
    7, // payload
    0,
    0,
    3, // padding of 3
  ]);
  const d = decodeRtp(pkt);
  t.equal(d.marker, true);
  t.equal(d.payloadType, 96);
  t.equal(d.sequenceNumber, 0x1234);
  t.equal(d.timestamp, 0xdeadbeef);
  t.equal(d.ssrc, 0xcafebabe);
  t.same(d.csrcs, [1, 2]);
  t.equal(d.extension?.profile, ONE_BYTE_PROFILE);
  t.same(Array.from(d.payload), [9, 8, 7]);
  t.equal(d.padding, 3);
  t.same(
    readHeaderExtensions(d.extension).map((e) => [e.id, Array.from(e.data)]),
    [[1, [0xaa, 0xbb]]],
  );
  t.same(Array.from(findHeaderExtension(d.extension, 1) ?? []), [0xaa, 0xbb]);
  t.equal(findHeaderExtension(d.extension, 2), undefined);
  t.equal(d.payload.buffer, pkt.buffer, 'payload is a view, not a copy');
});

t.test('every truncation is RTP_TRUNCATED or RTP_BAD_PADDING, never anything else', async (t) => {
  const h: RtpHeader = {
    marker: false,
    payloadType: 0,
    sequenceNumber: 1,
    timestamp: 2,
    ssrc: 3,
    csrcs: [4, 5, 6],
    extension: { profile: ONE_BYTE_PROFILE, data: new Uint8Array(8) },
    padding: 0,
  };
  const pkt = encode(h, new Uint8Array(0));
  for (let n = 0; n < pkt.length; n++)
    t.throws(() => decodeRtp(pkt.subarray(0, n)), { code: 'RTP_TRUNCATED' });
  t.ok(decodeRtp(pkt));
  const padded = encode({ ...h, padding: 4 }, new Uint8Array(2));
  // cut the last 1..3 bytes: the new last byte is a 0 padding count or a count that overruns
  for (let cut = 1; cut < 4; cut++)
    t.throws(() => decodeRtp(padded.subarray(0, padded.length - cut)), { code: 'RTP_BAD_PADDING' });
  for (const v of [0, 1, 3]) {
    const bad = Uint8Array.from(pkt);
    bad[0] = (v << 6) | ((bad[0] as number) & 0x3f);
    t.throws(() => decodeRtp(bad), { code: 'RTP_BAD_VERSION' });
  }
});

t.test('garbage decodes or throws RtpError only', async (t) => {
  fc.assert(
    fc.property(fc.uint8Array({ maxLength: 80 }), fc.boolean(), (b, force) => {
      if (force && b.length > 0) b[0] = 0x80 | ((b[0] as number) & 0x3f);
      try {
        const p = decodeRtp(b);
        readHeaderExtensions(p.extension);
      } catch (e) {
        if (!(e instanceof RtpError)) throw e;
      }
    }),
    { numRuns: 2000 },
  );
  t.pass();
});

t.test('encoder refuses fields out of range and a short output buffer', async (t) => {
  const h: RtpHeader = {
    marker: false,
    payloadType: 0,
    sequenceNumber: 0,
    timestamp: 0,
    ssrc: 0,
    csrcs: [],
    padding: 0,
  };
  t.throws(() => encodeRtp({ ...h, payloadType: 128 }, new Uint8Array(0), new Uint8Array(20)), {
    code: 'RTP_BAD_ARGUMENT',
  });
  t.throws(() => encodeRtp({ ...h, csrcs: new Array(16).fill(0) }, new Uint8Array(0), new Uint8Array(99)), {
    code: 'RTP_BAD_ARGUMENT',
  });
  t.throws(
    () =>
      encodeRtp(
        { ...h, extension: { profile: 1, data: new Uint8Array(3) } },
        new Uint8Array(0),
        new Uint8Array(99),
      ),
    { code: 'RTP_BAD_ARGUMENT' },
  );
  t.throws(() => encodeRtp(h, new Uint8Array(10), new Uint8Array(21)), { code: 'RTP_OUTPUT_TOO_SMALL' });
  t.throws(() => encodeRtp(h, new Uint8Array(0), new Uint8Array(20), 9), { code: 'RTP_OUTPUT_TOO_SMALL' });
});

t.test('RFC 8285 one-byte and two-byte elements round trip', async (t) => {
  const arbOne = fc.array(
    fc.record({ id: fc.integer({ min: 1, max: 14 }), data: fc.uint8Array({ minLength: 1, maxLength: 16 }) }),
    { maxLength: 8 },
  );
  const arbTwo = fc.array(
    fc.record({ id: fc.integer({ min: 1, max: 255 }), data: fc.uint8Array({ minLength: 0, maxLength: 40 }) }),
    { maxLength: 6 },
  );
  fc.assert(
    fc.property(fc.oneof(arbOne, arbTwo), (els) => {
      const block = writeHeaderExtensions(els);
      t.equal(block.data.length % 4, 0);
      const back = readHeaderExtensions(block).map((e) => ({ id: e.id, data: Array.from(e.data) }));
      t.same(
        back,
        els.map((e) => ({ id: e.id, data: Array.from(e.data) })),
      );
      // and through a whole packet
      const h: RtpHeader = {
        marker: true,
        payloadType: 96,
        sequenceNumber: 1,
        timestamp: 1,
        ssrc: 1,
        csrcs: [],
        padding: 0,
        extension: block,
      };
      const pkt = encode(h, Uint8Array.of(1));
      const d = decodeRtp(pkt);
      for (const e of els) {
        const first = els.find((x) => x.id === e.id);
        t.same(Array.from(findHeaderExtension(d.extension, e.id) ?? [-1]), Array.from(first?.data ?? []));
      }
    }),
    { numRuns: 200 },
  );
  const forced = writeHeaderExtensions([{ id: 1, data: Uint8Array.of(5) }], 'two-byte', 3);
  t.equal(forced.profile, 0x1003);
  t.same(Array.from(forced.data), [1, 1, 5, 0]);
  t.throws(() => writeHeaderExtensions([{ id: 15, data: Uint8Array.of(1) }], 'one-byte'), {
    code: 'RTP_BAD_ARGUMENT',
  });
});

t.test('RFC 8285: padding bytes skipped, id 15 stops, overruns are RTP_BAD_EXTENSION', async (t) => {
  const one = (bytes: number[]) => ({ profile: 0xbede, data: Uint8Array.from(bytes) });
  t.same(
    readHeaderExtensions(one([0, 0, 0x21, 7, 8, 9, 0x10, 1, 0, 0, 0, 0])).map((e) => e.id),
    [2, 1],
  );
  t.same(
    readHeaderExtensions(one([0x10, 1, 0xf0, 0x10, 2, 0, 0, 0])).map((e) => e.id),
    [1],
  );
  t.throws(() => readHeaderExtensions(one([0x13, 1, 2, 0])), { code: 'RTP_BAD_EXTENSION' });
  t.throws(() => readHeaderExtensions({ profile: 0x1000, data: Uint8Array.of(0, 0, 0, 5) }), {
    code: 'RTP_BAD_EXTENSION',
  });
  t.throws(() => readHeaderExtensions({ profile: 0x1000, data: Uint8Array.of(5, 3, 0, 0) }), {
    code: 'RTP_BAD_EXTENSION',
  });
  t.same(
    readHeaderExtensions({ profile: 0x1234, data: new Uint8Array(4).fill(0x55) }),
    [],
    'other profiles: no elements',
  );
});

t.test('rewriteRtpHeader touches bytes 1..11 only and keeps the marker unless given', async (t) => {
  fc.assert(
    fc.property(
      fc.uint8Array({ minLength: 12, maxLength: 40 }),
      u32,
      fc.integer({ min: 0, max: 0x1ffff }),
      u32,
      fc.integer({ min: 0, max: 127 }),
      fc.option(fc.boolean(), { nil: undefined }),
      (buf, ssrc, seq, ts, pt, marker) => {
        buf[0] = 0x80 | ((buf[0] as number) & 0x3f);
        const before = Uint8Array.from(buf);
        const copy = Uint8Array.from(buf);
        rewriteRtpHeader(buf, { ssrc, seq, timestamp: ts, payloadType: pt, marker });
        rewriteRtpHeaderFields(copy, ssrc, seq, ts, pt, marker);
        t.same(Array.from(buf), Array.from(copy));
        t.equal(buf[0], before[0]);
        t.same(Array.from(buf.subarray(12)), Array.from(before.subarray(12)));
        const d = decodeRtp(Uint8Array.from([...buf.subarray(0, 12)]).map((b, i) => (i === 0 ? 0x80 : b)));
        t.equal(d.ssrc, ssrc);
        t.equal(d.sequenceNumber, seq & 0xffff);
        t.equal(d.timestamp, ts);
        t.equal(d.payloadType, pt);
        t.equal(d.marker, marker ?? ((before[1] as number) & 0x80) !== 0);
      },
    ),
    { numRuns: 100 },
  );
});
