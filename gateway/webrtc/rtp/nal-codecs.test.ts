// Packetizer → depacketizer properties shared by H.264 (RFC 6184) and H.265 (RFC 7798):
// round trip at any MTU, marker placement, loss, reordering, duplication, truncated and garbage
// payloads.
import t from 'tap';
import fc from 'fast-check';
import { H264Packetizer } from './h264-packetizer.ts';
import { H265Packetizer } from './h265-packetizer.ts';
import { H264Depacketizer } from './h264-depacketizer.ts';
import { H265Depacketizer } from './h265-depacketizer.ts';
import type { AccessUnit, DepacketizerOptions } from './access-unit-assembler.ts';
import type { NalPacketizer } from './nal-packetizer.ts';
import type { AccessUnitAssembler } from './access-unit-assembler.ts';
import { rewriteRtpHeaderFields } from './rewrite-header.ts';
import { decodeRtp } from './rtp-packet.ts';
import { joinAnnexB } from './annex-b.ts';

interface Codec {
  name: string;
  packetizer: (mtu: number) => NalPacketizer;
  depacketizer: (o: DepacketizerOptions) => AccessUnitAssembler;
  nal: fc.Arbitrary<Uint8Array>;
  isKey: (nal: Uint8Array) => boolean;
  /** Makes `au` look like a real access unit: its first NAL begins it, no later one could. */
  shape: (au: Uint8Array[]) => Uint8Array[];
}

const body = (max: number) =>
  fc.oneof(
    { weight: 3, arbitrary: fc.uint8Array({ minLength: 1, maxLength: 60 }) },
    { weight: 1, arbitrary: fc.uint8Array({ minLength: 1, maxLength: max }) },
  );

const codecs: Codec[] = [
  {
    name: 'H.264',
    packetizer: (mtu) => new H264Packetizer({ mtu }),
    depacketizer: (o) => new H264Depacketizer(o),
    nal: fc
      .tuple(fc.integer({ min: 0, max: 3 }), fc.integer({ min: 1, max: 23 }), body(3000))
      .map(([nri, type, b]) => Uint8Array.from([(nri << 5) | type, ...b])),
    isKey: (n) => ((n[0] as number) & 0x1f) === 5,
    shape: (au) =>
      au.map((n, i) => {
        const type = (n[0] as number) & 0x1f;
        const m = Uint8Array.from(n);
        if (i === 0) {
          if (type === 1 || type === 2 || type === 5) m[1] = (m[1] as number) | 0x80;
          else if (!((type >= 6 && type <= 9) || type === 14 || type === 15))
            m[0] = ((m[0] as number) & 0xe0) | 9;
        } else if (type === 1 || type === 2 || type === 5) m[1] = (m[1] as number) & 0x7f;
        else if ((type >= 6 && type <= 9) || type === 14 || type === 15)
          m[0] = ((m[0] as number) & 0xe0) | 12;
        return m;
      }),
  },
  {
    name: 'H.265',
    packetizer: (mtu) => new H265Packetizer({ mtu }),
    depacketizer: (o) => new H265Depacketizer(o),
    nal: fc
      .tuple(
        fc.integer({ min: 0, max: 47 }),
        fc.integer({ min: 0, max: 63 }),
        fc.integer({ min: 1, max: 7 }),
        body(3000),
      )
      .map(([type, layer, tid, b]) =>
        Uint8Array.from([(type << 1) | (layer >> 5), ((layer & 31) << 3) | tid, ...b]),
      ),
    isKey: (n) => {
      const type = ((n[0] as number) >> 1) & 0x3f;
      return type >= 16 && type <= 21;
    },
    shape: (au) =>
      au.map((n, i) => {
        const type = ((n[0] as number) >> 1) & 0x3f;
        const starts = (type >= 32 && type <= 35) || type === 39;
        const m = Uint8Array.from(n);
        if (i === 0) {
          if (type < 32) m[2] = (m[2] as number) | 0x80;
          else if (!starts) m[0] = ((m[0] as number) & 0x81) | (35 << 1);
        } else if (type < 32) m[2] = (m[2] as number) & 0x7f;
        else if (starts) m[0] = ((m[0] as number) & 0x81) | (38 << 1);
        return m;
      }),
  },
];

interface Sent {
  pkt: Uint8Array;
  au: number;
}

/** Packetizes AUs into full RTP packets (seq from `seq0`, timestamp 3000 per AU). */
function packetizeAll(c: Codec, mtu: number, aus: Uint8Array[][], seq0: number): Sent[] {
  const p = c.packetizer(mtu);
  const out: Sent[] = [];
  let seq = seq0;
  aus.forEach((au, i) => {
    p.packetize(au, (pkt, marker) => {
      rewriteRtpHeaderFields(pkt, 0x1234, seq++, 1000 + i * 3000, 96);
      t.equal(decodeRtp(pkt).marker, marker);
      out.push({ pkt, au: i });
    });
  });
  return out;
}

function collect(c: Codec, packets: readonly Uint8Array[]): { aus: AccessUnit[]; d: AccessUnitAssembler } {
  const aus: AccessUnit[] = [];
  const d = c.depacketizer({ onAccessUnit: (au) => aus.push(au) });
  for (const pkt of packets) d.pushPacket(decodeRtp(pkt));
  d.flushPending();
  return { aus, d };
}

const hex = (b: Uint8Array) => Buffer.from(b).toString('hex');

for (const c of codecs) {
  const arbAus = fc.array(fc.array(c.nal, { minLength: 1, maxLength: 6 }).map(c.shape), {
    minLength: 1,
    maxLength: 5,
  });
  const arbMtu = fc.oneof(fc.constant(1200), fc.integer({ min: 16, max: 1500 }));

  t.test(
    `${c.name}: depacketize(packetize(AUs)) == AUs at any MTU; marker only on each AU's last packet`,
    async (t) => {
      fc.assert(
        fc.property(arbAus, arbMtu, fc.integer({ min: 0, max: 0xffff }), (aus, mtu, seq0) => {
          const sent = packetizeAll(c, mtu, aus, seq0);
          for (const [k, s] of sent.entries()) {
            const d = decodeRtp(s.pkt);
            if (d.payload.length > mtu) return false;
            const lastOfAu = sent[k + 1]?.au !== s.au;
            if (d.marker !== lastOfAu) return false;
          }
          const { aus: got, d } = collect(
            c,
            sent.map((s) => s.pkt),
          );
          if (got.length !== aus.length || d.stats.droppedAccessUnits !== 0) return false;
          return got.every(
            (au, i) =>
              au.timestamp === 1000 + i * 3000 &&
              au.marker &&
              au.keyframe === (aus[i] as Uint8Array[]).some(c.isKey) &&
              hex(au.annexB) === hex(joinAnnexB(aus[i] as Uint8Array[])) &&
              au.nals.length === (aus[i] as Uint8Array[]).length,
          );
        }),
        { numRuns: 150 },
      );
      t.pass();
    },
  );

  t.test(
    `${c.name}: a lost packet drops its access unit (and at most the next); nothing corrupt is emitted`,
    async (t) => {
      fc.assert(
        fc.property(arbAus, fc.integer({ min: 40, max: 1200 }), fc.nat(), (aus, mtu, pick) => {
          const sent = packetizeAll(c, mtu, aus, 65500);
          if (sent.length < 2) return true;
          const lostIdx = 1 + (pick % (sent.length - 1)); // never the very first (nothing to detect before it)
          const lostAu = (sent[lostIdx] as Sent).au;
          let losses = 0;
          const got: AccessUnit[] = [];
          const d = c.depacketizer({ onAccessUnit: (au) => got.push(au), onLoss: (l) => (losses += l.lost) });
          sent.forEach((s, i) => i !== lostIdx && d.pushPacket(decodeRtp(s.pkt)));
          d.flushPending();
          const detectable = lostIdx < sent.length - 1 ? 1 : 0; // a trailing loss shows no gap
          if (losses !== detectable || d.stats.lostPackets !== detectable) return false;
          const byTs = new Map(got.map((au) => [au.timestamp, au]));
          if (byTs.has(1000 + lostAu * 3000)) return false;
          for (let i = 0; i < aus.length; i++) {
            const au = byTs.get(1000 + i * 3000);
            if (au !== undefined && hex(au.annexB) !== hex(joinAnnexB(aus[i] as Uint8Array[]))) return false;
            if (au === undefined && i !== lostAu && i !== lostAu + 1) return false;
          }
          return true;
        }),
        { numRuns: 150 },
      );
      t.pass();
    },
  );

  t.test(`${c.name}: reordered and duplicated packets never produce a corrupt access unit`, async (t) => {
    fc.assert(
      fc.property(
        arbAus,
        fc.integer({ min: 40, max: 1200 }),
        fc.array(fc.nat(), { minLength: 1, maxLength: 4 }),
        fc.boolean(),
        (aus, mtu, swaps, dup) => {
          const sent = packetizeAll(c, mtu, aus, 1);
          const order = sent.map((s) => s.pkt);
          for (const s of swaps) {
            const i = s % order.length;
            const j = Math.min(order.length - 1, i + 1);
            [order[i], order[j]] = [order[j] as Uint8Array, order[i] as Uint8Array];
            if (dup) order.splice(i, 0, order[i] as Uint8Array);
          }
          const { aus: got, d } = collect(c, order);
          if (d.stats.packets !== order.length) return false;
          return got.every((au) => {
            const i = (au.timestamp - 1000) / 3000;
            return hex(au.annexB) === hex(joinAnnexB(aus[i] as Uint8Array[]));
          });
        },
      ),
      { numRuns: 150 },
    );
    t.pass();
  });

  t.test(
    `${c.name}: every truncation and garbage payload drops quietly (RtpError only, counted)`,
    async (t) => {
      const sent = packetizeAll(c, 100, [[...fc.sample(c.nal, { numRuns: 5, seed: 7 })]], 10);
      for (const s of sent) {
        const full = decodeRtp(s.pkt);
        for (let n = 0; n < full.payload.length; n++) {
          const drops: string[] = [];
          const d = c.depacketizer({ onAccessUnit: () => {}, onDrop: (_ts, why) => drops.push(why) });
          d.push(full.payload.subarray(0, n), 1, 1, true);
          // a cut single NAL is still a (shorter) NAL: only structured payloads must be dropped
          t.ok(d.stats.accessUnits + d.stats.droppedAccessUnits === 1, `${n} bytes: one outcome`);
        }
      }
      fc.assert(
        fc.property(
          fc.array(fc.tuple(fc.uint8Array({ maxLength: 64 }), fc.integer({ min: 0, max: 8 }), fc.boolean()), {
            maxLength: 30,
          }),
          (pkts) => {
            const d = c.depacketizer({ onAccessUnit: () => {} });
            let seq = 0;
            for (const [p, step, m] of pkts) d.push(p, (seq += step), Math.floor(seq / 5), m);
            d.flushPending();
          },
        ),
        { numRuns: 1000 },
      );
    },
  );
}

t.test('H.264: SPS+PPS+IDR go as STAP-A then FU-A, with RFC 6184 headers', async (t) => {
  const sps = Uint8Array.from([0x67, 0x42, 0xc0, 0x1f, 0xda]);
  const pps = Uint8Array.from([0x68, 0xce, 0x3c, 0x80]);
  const idr = new Uint8Array(2500).fill(0xab);
  idr[0] = 0x65;
  const p = new H264Packetizer({ headroom: 0 });
  const out: [Uint8Array, boolean][] = [];
  p.packetize([sps, pps, idr], (pkt, m) => out.push([pkt, m]));
  t.equal(out.length, 4, 'STAP-A (SPS+PPS) + 3 FU-A');
  const [stap] = out[0] as [Uint8Array, boolean];
  t.equal(hex(stap), '78' + '0005' + hex(sps) + '0004' + hex(pps), 'STAP-A: F=0 NRI=max(3) type 24');
  t.same(
    out.slice(1).map(([pkt, m]) => [pkt[0], pkt[1], pkt.length, m]),
    [
      [0x7c, 0x85, 835, false], // FU indicator NRI 3 type 28; S + type 5; 2499 bytes in 3 pieces of 833
      [0x7c, 0x05, 835, false],
      [0x7c, 0x45, 835, true], // E, marker
    ],
  );
  t.same(p.stats, { accessUnits: 1, packets: 4, single: 0, aggregated: 1, fragments: 3, skippedNals: 0 });
});

t.test('H.265: VPS+SPS+PPS go as AP (type 48), a large IDR as FU (type 49)', async (t) => {
  const vps = Uint8Array.from([0x40, 0x01, 0x0c, 0x01]);
  const sps = Uint8Array.from([0x42, 0x01, 0x01, 0x01, 0x60]);
  const pps = Uint8Array.from([0x44, 0x01, 0xc1, 0x72]);
  const idr = new Uint8Array(1500).fill(0x11);
  idr[0] = 0x26; // IDR_W_RADL (19)
  idr[1] = 0x01;
  const out: [Uint8Array, boolean][] = [];
  new H265Packetizer({ headroom: 0 }).packetize([vps, sps, pps, idr], (pkt, m) => out.push([pkt, m]));
  t.equal(out.length, 3);
  const [ap] = out[0] as [Uint8Array, boolean];
  t.equal(hex(ap), '6001' + '0004' + hex(vps) + '0005' + hex(sps) + '0004' + hex(pps));
  const [fu1] = out[1] as [Uint8Array, boolean];
  const [fu2, m2] = out[2] as [Uint8Array, boolean];
  t.same([fu1[0], fu1[1], fu1[2]], [0x62, 0x01, 0x80 | 19]);
  t.same([fu2[0], fu2[1], fu2[2], m2], [0x62, 0x01, 0x40 | 19, true]);
});

t.test('RTP-reserved and empty NAL units are skipped, not sent', async (t) => {
  const p = new H264Packetizer();
  const out: Uint8Array[] = [];
  p.packetize(
    [new Uint8Array(0), Uint8Array.of(0x7c, 1), Uint8Array.of(0x65, 1, 2), Uint8Array.of(0x18)],
    (pkt) => out.push(pkt),
  );
  t.equal(out.length, 1);
  t.equal(p.stats.skippedNals, 3);
  t.equal(out[0]?.[1], 0x80, 'the only sendable NAL carries the marker');
});

t.test('packetizer output has a header template: V=2 and the marker, ready for rewrite', async (t) => {
  const out: Uint8Array[] = [];
  new H264Packetizer().packetize([Uint8Array.of(0x65, 1, 2, 3)], (pkt) => out.push(pkt));
  const pkt = out[0] as Uint8Array;
  t.equal(pkt.length, 12 + 4);
  t.same(Array.from(pkt.subarray(0, 12)), [0x80, 0x80, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0]);
  t.throws(() => new H264Packetizer({ mtu: 10 }), { code: 'RTP_BAD_ARGUMENT' });
});

t.test('depacketizer: oversize access unit is dropped, memory bounded', async (t) => {
  const drops: string[] = [];
  const d = new H264Depacketizer({
    onAccessUnit: () => t.fail('emitted'),
    onDrop: (_ts, r) => drops.push(r),
    maxAccessUnitSize: 1000,
  });
  new H264Packetizer().packetize([new Uint8Array(3000).fill(0x85)], (pkt) =>
    d.pushPacket(decodeRtp(rewrite(pkt))),
  );
  t.same(drops, ['too-large']);
});

let rseq = 0;
function rewrite(pkt: Uint8Array): Uint8Array {
  rewriteRtpHeaderFields(pkt, 1, rseq++, 0, 96);
  return pkt;
}
