import t from 'tap';
import fc from 'fast-check';
import { decodeRtcpCompound, encodeRtcpCompound, rtcpCompoundSize, serializeRtcp } from './compound.ts';
import type { RtcpPacket } from './packet.ts';
import type { TwccPacketStatus } from './transport-cc.ts';
import { RtcpError } from './errors.ts';
import { isRtcpPacket } from './header.ts';
import { nackPairs } from './generic-nack.ts';
import { dlsrFromMs, ntpFromUnixMs, ntpMiddle32, rttMs, unixMsFromNtp } from './ntp.ts';

const u32 = fc.integer({ min: 0, max: 0xffffffff });
const u16 = fc.integer({ min: 0, max: 0xffff });
const words = (max: number) =>
  fc.integer({ min: 0, max }).chain((w) => fc.uint8Array({ minLength: 4 * w, maxLength: 4 * w }));
const text = fc.string({ maxLength: 40 });

const reportBlock = fc.record({
  ssrc: u32,
  fractionLost: fc.integer({ min: 0, max: 255 }),
  cumulativeLost: fc.integer({ min: -0x800000, max: 0x7fffff }),
  highestSeq: u32,
  jitter: u32,
  lastSr: u32,
  delaySinceLastSr: u32,
});

const twccPackets = (base: number) =>
  fc
    .array(
      fc.oneof(
        fc.constant({ status: 0 as const }),
        fc.integer({ min: 0, max: 255 }).map((delta) => ({ status: 1 as const, delta })),
        fc.integer({ min: -32768, max: 32767 }).map((delta) => ({ status: 2 as const, delta })),
        fc.constant({ status: 3 as const }),
      ),
      { maxLength: 60 },
    )
    .chain((list) =>
      // long runs of one status exercise run-length chunks
      fc
        .integer({ min: 0, max: 40 })
        .map((extra) => [...list, ...Array.from({ length: extra }, () => ({ status: 0 as const }))]),
    )
    .map((list) => list.map((p, i): TwccPacketStatus => ({ seq: (base + i) & 0xffff, ...p })));

export const arbRtcpPacket: fc.Arbitrary<RtcpPacket> = fc.oneof(
  fc.record({
    type: fc.constant('sr' as const),
    ssrc: u32,
    ntpTimestamp: fc.bigInt({ min: 0n, max: 2n ** 64n - 1n }),
    rtpTimestamp: u32,
    packetCount: u32,
    octetCount: u32,
    reports: fc.array(reportBlock, { maxLength: 4 }),
    profileExtension: words(3),
  }),
  fc.record({
    type: fc.constant('rr' as const),
    ssrc: u32,
    reports: fc.array(reportBlock, { maxLength: 4 }),
    profileExtension: words(2),
  }),
  fc.record({
    type: fc.constant('sdes' as const),
    chunks: fc.array(
      fc.record({
        ssrc: u32,
        items: fc.array(fc.record({ type: fc.integer({ min: 1, max: 8 }), text }), { maxLength: 3 }),
      }),
      { maxLength: 4 },
    ),
  }),
  fc.oneof(
    fc.record({ type: fc.constant('bye' as const), ssrcs: fc.array(u32, { maxLength: 5 }) }),
    fc.record({ type: fc.constant('bye' as const), ssrcs: fc.array(u32, { maxLength: 5 }), reason: text }),
  ),
  fc.record({
    type: fc.constant('app' as const),
    subtype: fc.integer({ min: 0, max: 31 }),
    ssrc: u32,
    name: fc.uint8Array({ minLength: 4, maxLength: 4 }),
    data: words(3),
  }),
  fc.record({
    type: fc.constant('nack' as const),
    senderSsrc: u32,
    mediaSsrc: u32,
    lost: fc
      .tuple(u16, fc.uniqueArray(fc.integer({ min: 0, max: 200 }), { minLength: 1, maxLength: 40 }))
      .map(([base, offs]) => offs.sort((a, b) => a - b).map((o) => (base + o) & 0xffff)),
  }),
  fc.record({ type: fc.constant('pli' as const), senderSsrc: u32, mediaSsrc: u32 }),
  fc.record({
    type: fc.constant('fir' as const),
    senderSsrc: u32,
    mediaSsrc: fc.constant(0),
    entries: fc.array(fc.record({ ssrc: u32, seqNr: fc.integer({ min: 0, max: 255 }) }), {
      minLength: 1,
      maxLength: 4,
    }),
  }),
  fc.record({
    type: fc.constant('remb' as const),
    senderSsrc: u32,
    mediaSsrc: fc.constant(0),
    bitrate: fc
      .tuple(fc.integer({ min: 0, max: 0x3ffff }), fc.integer({ min: 0, max: 30 }))
      .map(([m, e]) => m * 2 ** e),
    ssrcs: fc.array(u32, { maxLength: 4 }),
  }),
  u16.chain((baseSeq) =>
    fc
      .record({
        type: fc.constant('twcc' as const),
        senderSsrc: u32,
        mediaSsrc: u32,
        baseSeq: fc.constant(baseSeq),
        referenceTime: fc.integer({ min: -0x800000, max: 0x7fffff }),
        fbPktCount: fc.integer({ min: 0, max: 255 }),
        packets: twccPackets(baseSeq),
      })
      .map((p) => ({ ...p, packetStatusCount: p.packets.length })),
  ),
  fc.record({
    type: fc.constant('unknown' as const),
    packetType: fc.constantFrom(207, 210, 195),
    count: fc.integer({ min: 0, max: 31 }),
    body: words(4),
  }),
);

/** What decode gives back for p: REMB bitrates are exact here, BYE without reason has no key. */
const hex = (b: Uint8Array) => Buffer.from(b).toString('hex');
const cat = (parts: Uint8Array[]) => Uint8Array.from(parts.flatMap((p) => Array.from(p)));
function plain(x: unknown): unknown {
  return JSON.parse(
    JSON.stringify(x, (_k, v) => (typeof v === 'bigint' ? `n${v}` : v instanceof Uint8Array ? hex(v) : v)),
  );
}

t.test('decode(encode(packets)) == packets for every type, alone and in compounds', async (t) => {
  fc.assert(
    fc.property(
      fc.array(arbRtcpPacket, { minLength: 1, maxLength: 5 }),
      fc.integer({ min: 0, max: 7 }),
      (pkts, offset) => {
        const out = new Uint8Array(offset + rtcpCompoundSize(pkts));
        const n = encodeRtcpCompound(pkts, out, offset);
        const bytes = out.subarray(offset, offset + n);
        const back = decodeRtcpCompound(bytes);
        t.same(plain(back), plain(pkts));
        t.equal(hex(serializeRtcp(back)), hex(bytes), 'encode(decode(bytes)) == bytes');
      },
    ),
    { numRuns: 300 },
  );
});

t.test('every truncation of a compound is an RtcpError or a shorter valid compound', async (t) => {
  const pkts = fc.sample(fc.array(arbRtcpPacket, { minLength: 6, maxLength: 8 }), { numRuns: 5, seed: 42 });
  for (const list of pkts) {
    const bytes = serializeRtcp(list);
    const boundaries = new Set<number>();
    let at = 0;
    for (const p of list) boundaries.add((at += rtcpCompoundSize([p])));
    for (let n = 0; n < bytes.length; n++) {
      try {
        decodeRtcpCompound(bytes.subarray(0, n));
        t.ok(boundaries.has(n), `${n} bytes decoded only at a packet boundary`);
      } catch (e) {
        t.ok(e instanceof RtcpError, `${n}: ${String(e)}`);
        if (n > 0 && !boundaries.has(n))
          t.equal(
            (e as RtcpError).code === 'RTCP_BAD_LENGTH' || (e as RtcpError).code === 'RTCP_TRUNCATED',
            true,
          );
      }
    }
  }
});

t.test(
  'a length field that shrinks a packet body: RTCP_BAD_PACKET or a valid shorter packet, never a throw of another kind',
  async (t) => {
    let bad = 0;
    fc.assert(
      fc.property(arbRtcpPacket, fc.nat(), (p, cut) => {
        const bytes = serializeRtcp([p]);
        const words = bytes.length / 4 - 1;
        const w = words === 0 ? 0 : cut % words;
        const short = Uint8Array.from(bytes.subarray(0, 4 + 4 * w));
        short[2] = w >>> 8;
        short[3] = w & 0xff;
        try {
          decodeRtcpCompound(short);
        } catch (e) {
          if (!(e instanceof RtcpError) || e.code !== 'RTCP_BAD_PACKET') throw e;
          bad++;
        }
      }),
      { numRuns: 1000 },
    );
    t.ok(bad > 100, `${bad} of 1000 rejected as RTCP_BAD_PACKET`);
  },
);

t.test('garbage: RtcpError only', async (t) => {
  fc.assert(
    fc.property(
      fc.uint8Array({ maxLength: 120 }),
      fc.integer({ min: 192, max: 223 }),
      fc.boolean(),
      (b, pt, shape) => {
        if (shape && b.length >= 4) {
          b[0] = 0x80 | ((b[0] as number) & 0x3f);
          b[1] = pt;
          const words = Math.floor(b.length / 4) - 1;
          b[2] = 0;
          b[3] = words;
        }
        try {
          decodeRtcpCompound(b);
        } catch (e) {
          if (!(e instanceof RtcpError)) throw e;
        }
      },
    ),
    { numRuns: 5000 },
  );
  t.pass();
});

t.test(
  'RFC 3550 §6.4.1 rules: version, padding only last, lengths add up; RFC 5506 reduced size',
  async (t) => {
    const pli = serializeRtcp([{ type: 'pli', senderSsrc: 1, mediaSsrc: 2 }]);
    const rr = serializeRtcp([{ type: 'rr', ssrc: 1, reports: [], profileExtension: new Uint8Array(0) }]);
    t.same(
      decodeRtcpCompound(pli).map((p) => p.type),
      ['pli'],
      'rtcp-rsize: feedback alone is accepted',
    );
    t.throws(() => decodeRtcpCompound(pli, { requireReportFirst: true }), { code: 'RTCP_NOT_REPORT_FIRST' });
    t.same(
      decodeRtcpCompound(cat([rr, pli]), { requireReportFirst: true }).map((p) => p.type),
      ['rr', 'pli'],
    );
    const v1 = Uint8Array.from(pli);
    v1[0] = 0x41;
    t.throws(() => decodeRtcpCompound(v1), { code: 'RTCP_BAD_VERSION' });
    // a padded last packet: RR + 4 padding bytes (count 4)
    const padded = Uint8Array.from([0xa0, 201, 0, 2, 0, 0, 0, 9, 0, 0, 0, 4]);
    const d = decodeRtcpCompound(cat([pli, padded]));
    t.same(plain(d[1]), { type: 'rr', ssrc: 9, reports: [], profileExtension: '' });
    t.throws(() => decodeRtcpCompound(cat([padded, pli])), { code: 'RTCP_BAD_PADDING' });
    const pad0 = Uint8Array.from(padded);
    pad0[11] = 0;
    t.throws(() => decodeRtcpCompound(pad0), { code: 'RTCP_BAD_PADDING' });
    const pad9 = Uint8Array.from(padded);
    pad9[11] = 9;
    t.throws(() => decodeRtcpCompound(pad9), { code: 'RTCP_BAD_PADDING' });
    t.throws(() => decodeRtcpCompound(new Uint8Array(0)), { code: 'RTCP_BAD_LENGTH' });
    const long = Uint8Array.from(pli);
    long[3] = 9;
    t.throws(() => decodeRtcpCompound(long), { code: 'RTCP_BAD_LENGTH' });
    // an RR whose RC claims more blocks than fit
    const rc = Uint8Array.from(rr);
    rc[0] = 0x81;
    t.throws(() => decodeRtcpCompound(rc), { code: 'RTCP_BAD_PACKET' });
  },
);

t.test('APP, XR and unknown feedback formats are skipped by length and re-encode unchanged', async (t) => {
  const xr = Uint8Array.from([0x80, 207, 0, 2, 1, 2, 3, 4, 5, 6, 7, 8]);
  const afbOther = Uint8Array.from([0x8f, 206, 0, 3, 0, 0, 0, 1, 0, 0, 0, 0, 0x41, 0x42, 0x43, 0x44]); // AFB, not 'REMB'
  const rtpfb9 = Uint8Array.from([0x89, 205, 0, 2, 0, 0, 0, 1, 0, 0, 0, 2]);
  const app = Uint8Array.from([0x85, 204, 0, 3, 0, 0, 0, 7, 0x71, 0x77, 0x65, 0x72, 9, 9, 9, 9]);
  const all = cat([xr, afbOther, rtpfb9, app]);
  const d = decodeRtcpCompound(all);
  t.same(
    d.map((p) => p.type),
    ['unknown', 'unknown', 'unknown', 'app'],
  );
  t.same(plain(d[3]), { type: 'app', subtype: 5, ssrc: 7, name: '71776572', data: '09090909' });
  t.equal(hex(serializeRtcp(d)), hex(all));
});

t.test('demux (RFC 5761 §4): PT 192..223 is RTCP, RTP with PT 96..127 (marker or not) is not', async (t) => {
  for (let b1 = 0; b1 < 256; b1++) t.equal(isRtcpPacket(Uint8Array.of(0x80, b1)), b1 >= 192 && b1 <= 223);
  t.notOk(isRtcpPacket(Uint8Array.of(0x80)));
});

t.test('generic NACK (RFC 4585 §6.2.1): PID+BLP expansion and packing', async (t) => {
  const d = decodeRtcpCompound(
    Uint8Array.from([0x81, 205, 0, 3, 0, 0, 0, 1, 0, 0, 0, 2, 0xff, 0xff, 0x80, 0x01]),
  );
  t.same(
    plain(d),
    [{ type: 'nack', senderSsrc: 1, mediaSsrc: 2, lost: [65535, 0, 15] }],
    'BLP bits 0 and 15, across the wrap',
  );
  t.same(nackPairs([5, 6, 9, 30]), [
    [5, 0b1001],
    [30, 0],
  ]);
  t.same(nackPairs([65534, 65535, 0, 15]), [
    [65534, 0b11],
    [15, 0],
  ]);
  fc.assert(
    fc.property(fc.array(u16, { minLength: 1, maxLength: 50 }), (seqs) => {
      const pairs = nackPairs(seqs);
      const covered = new Set<number>();
      for (const [pid, blp] of pairs) {
        covered.add(pid);
        for (let i = 0; i < 16; i++) if ((blp >>> i) & 1) covered.add((pid + i + 1) & 0xffff);
      }
      return covered.size === new Set(seqs).size && seqs.every((s) => covered.has(s));
    }),
  );
  t.throws(() => decodeRtcpCompound(Uint8Array.from([0x81, 205, 0, 2, 0, 0, 0, 1, 0, 0, 0, 2])), {
    code: 'RTCP_BAD_PACKET',
  });
});

t.test('FIR (RFC 5104 §4.3.1) and PLI (RFC 4585 §6.3.1) by hand', async (t) => {
  const fir = Uint8Array.from([0x84, 206, 0, 4, 0, 0, 0, 1, 0, 0, 0, 0, 0xca, 0xfe, 0xba, 0xbe, 7, 0, 0, 0]);
  t.same(plain(decodeRtcpCompound(fir)), [
    { type: 'fir', senderSsrc: 1, mediaSsrc: 0, entries: [{ ssrc: 0xcafebabe, seqNr: 7 }] },
  ]);
  t.equal(hex(serializeRtcp(decodeRtcpCompound(fir))), hex(fir));
  t.equal(
    hex(serializeRtcp([{ type: 'pli', senderSsrc: 1, mediaSsrc: 0x01020304 }])),
    '81ce00020000000101020304',
  );
});

t.test('REMB: exponent/mantissa, rounding down, SSRC list bound', async (t) => {
  const bytes = serializeRtcp([
    { type: 'remb', senderSsrc: 1, mediaSsrc: 0, bitrate: 2_500_000, ssrcs: [7] },
  ]);
  t.equal(hex(bytes.subarray(12, 16)), '52454d42');
  const [d] = decodeRtcpCompound(bytes);
  t.ok(d?.type === 'remb' && d.bitrate <= 2_500_000 && d.bitrate > 2_500_000 * 0.9999);
  const lying = Uint8Array.from(bytes);
  lying[16] = 9; // claims 9 SSRCs
  t.throws(() => decodeRtcpCompound(lying), { code: 'RTCP_BAD_PACKET' });
});

t.test('NTP (RFC 3550 §4, §6.4.1): epoch offset, middle 32 bits, the RFC RTT example', async (t) => {
  t.equal(ntpFromUnixMs(0), 0x83aa7e80n << 32n);
  t.equal(unixMsFromNtp(0x83aa7e80n << 32n), 0);
  t.equal(ntpFromUnixMs(1500), ((0x83aa7e80n + 1n) << 32n) | 0x80000000n);
  t.equal(ntpMiddle32(0x0123456789abcdefn), 0x456789ab);
  fc.assert(
    fc.property(
      fc.integer({ min: 0, max: 2_085_978_495_999 }) /* NTP era 0 ends in 2036 */,
      (ms) => Math.abs(unixMsFromNtp(ntpFromUnixMs(ms)) - ms) < 1e-3,
    ),
  );
  // §6.4.1 figure: A = 0xb710:8000 (46864.500 s), LSR = 0xb705:2030 (46853.125 s), DLSR = 0x0005:4000 (5.250 s)
  // (the figure rounds 0x2030 / 65536 to .125; the exact result is 6.1244 s)
  t.ok(Math.abs((rttMs(0xb7108000, 0xb7052030, 0x00054000) ?? 0) - 6125) < 1);
  t.equal(rttMs(0xb7108000, 0, 0x00054000), undefined, 'no SR yet');
  t.equal(dlsrFromMs(5250), 0x00054000);
});
