import t from 'tap';
import fc from 'fast-check';
import { AccessUnitAssembler, accessUnitInfo, groupAccessUnits, videoFrame } from './access-unit.ts';
import { h264NalType, h264Syntax } from './h264-nal.ts';
import { h265NalType, h265Syntax } from './h265-nal.ts';
import type { NalSyntax } from './nal-syntax.ts';
import { ParameterSetCache } from './parameter-sets.ts';

const hex = (nalus: readonly Uint8Array[]): string[] => nalus.map((n) => Buffer.from(n).toString('hex'));

/** Builders of the NAL units of one codec: header bytes, then the first payload byte where it matters. */
interface Kit {
  syntax: NalSyntax;
  aud: Uint8Array;
  params: Uint8Array[];
  sei: Uint8Array;
  suffix: Uint8Array;
  /** A slice: `first` sets first_mb_in_slice == 0 / first_slice_segment_in_pic_flag. */
  slice(key: boolean, first: boolean, tag: number): Uint8Array;
}

const h264: Kit = {
  syntax: h264Syntax,
  aud: Uint8Array.of(0x09, 0xf0),
  params: [Uint8Array.of(0x67, 0x42, 0xc0, 0x1f), Uint8Array.of(0x68, 0xce, 0x3c, 0x80)],
  sei: Uint8Array.of(0x06, 0x05, 0x01, 0x80),
  suffix: Uint8Array.of(0x0c, 0xff, 0x80), // filler data
  slice: (key, first, tag) => Uint8Array.of(key ? 0x65 : 0x41, first ? 0x88 : 0x40, tag, 0x80),
};

const h265: Kit = {
  syntax: h265Syntax,
  aud: Uint8Array.of(0x46, 0x01, 0x50),
  params: [Uint8Array.of(0x40, 0x01, 0x0c), Uint8Array.of(0x42, 0x01, 0x01), Uint8Array.of(0x44, 0x01, 0xc1)],
  sei: Uint8Array.of(0x4e, 0x01, 0x05, 0x80),
  suffix: Uint8Array.of(0x50, 0x01, 0x05, 0x80), // suffix SEI
  slice: (key, first, tag) => Uint8Array.of(key ? 0x26 : 0x02, 0x01, first ? 0xaf : 0x2f, tag, 0x80),
};

interface AuModel {
  aud: boolean;
  key: boolean;
  params: boolean;
  sei: boolean;
  slices: number;
  suffix: boolean;
}

const auModel: fc.Arbitrary<AuModel> = fc.record({
  aud: fc.boolean(),
  key: fc.boolean(),
  params: fc.boolean(),
  sei: fc.boolean(),
  slices: fc.integer({ min: 1, max: 4 }),
  suffix: fc.boolean(),
});

function build(kit: Kit, m: AuModel, tag: number): Uint8Array[] {
  const au: Uint8Array[] = [];
  if (m.aud) au.push(kit.aud);
  if (m.params) au.push(...kit.params);
  if (m.sei) au.push(kit.sei);
  for (let i = 0; i < m.slices; i++) au.push(kit.slice(m.key, i === 0, tag & 0xff));
  if (m.suffix) au.push(kit.suffix);
  return au;
}

for (const [name, kit] of [
  ['H.264', h264],
  ['H.265', h265],
] as const) {
  t.test(`${name}: grouping recovers any sequence of access units (fast-check)`, async (t) => {
    fc.assert(
      fc.property(fc.array(auModel, { maxLength: 20 }), (models) => {
        const units = models.map((m, i) => build(kit, m, i));
        const got = groupAccessUnits(kit.syntax, units.flat());
        return JSON.stringify(got.map(hex)) === JSON.stringify(units.map(hex));
      }),
      { numRuns: 300 },
    );
    t.pass();
  });

  t.test(`${name}: access unit info, parameter sets, frames`, async (t) => {
    const key = build(kit, { aud: true, key: true, params: true, sei: true, slices: 2, suffix: false }, 1);
    const info = accessUnitInfo(kit.syntax, key);
    t.equal(info.keyframe, true);
    t.equal(info.parameterSetsInBand, true);
    t.equal(info.has.vps, name === 'H.265');
    const delta = build(
      kit,
      { aud: true, key: false, params: false, sei: false, slices: 1, suffix: false },
      2,
    );
    t.match(accessUnitInfo(kit.syntax, delta), { keyframe: false, parameterSetsInBand: false });
    const f = videoFrame(kit.syntax, key, 3000, 1_700_000_000_000);
    t.match(f, {
      kind: 'video',
      codec: kit.syntax.codec,
      keyframe: true,
      parameterSetsInBand: true,
      timestamp: 3000,
    });

    // A keyframe without parameter sets gets the cached ones right after its AUD.
    const cache = new ParameterSetCache(kit.syntax);
    t.equal(cache.ready, false);
    const bare = build(kit, { aud: true, key: true, params: false, sei: true, slices: 1, suffix: false }, 3);
    t.equal(cache.complete(bare), bare, 'nothing known yet: unchanged');
    t.equal(cache.observe(key), true);
    t.equal(cache.observe(key), false, 'same sets again: no change');
    t.equal(cache.ready, true);
    const fixed = cache.complete(bare);
    t.same(hex(fixed), hex([bare[0] as Uint8Array, ...kit.params, ...bare.slice(1)]));
    t.equal(accessUnitInfo(kit.syntax, fixed).parameterSetsInBand, true);
    t.equal(cache.complete(delta), delta, 'non-keyframes untouched');
    t.equal(cache.complete(key), key, 'keyframes with their sets untouched');
    const noAud = bare.slice(1);
    t.same(hex(cache.complete(noAud)), hex([...kit.params, ...noAud]), 'no AUD: parameter sets first');
    // A new SPS replaces the old one.
    const sps2 = Uint8Array.from(kit.params[kit.params.length - 2] as Uint8Array);
    sps2[sps2.length - 1] = 0x77;
    t.equal(cache.observe([sps2]), true);
    t.equal(cache.get('sps'), sps2);
  });
}

t.test('assembler limits and counters', async (t) => {
  const a = new AccessUnitAssembler(h264Syntax, { maxNalus: 4, dropAud: true });
  const out: Uint8Array[][] = [];
  const push = (n: Uint8Array): void => {
    const au = a.push(n);
    if (au) out.push(au);
  };
  push(h264.sei); // no slice follows before the AUD: dropped
  push(h264.aud);
  push(h264.slice(true, true, 1));
  for (let i = 0; i < 5; i++) push(h264.slice(true, false, 2));
  const last = a.flush();
  if (last) out.push(last);
  t.same(
    out.map((au) => au.map(h264NalType)),
    [
      [5, 5, 5, 5],
      [5, 5],
    ],
    'cut at 4 NAL units, AUD dropped',
  );
  t.same(a.stats, { accessUnits: 2, cut: 1, droppedNalus: 1 });
  t.equal(a.flush(), undefined, 'nothing in progress');
  // Empty and one-byte NAL units are suffixes, never a crash.
  t.same(groupAccessUnits(h264Syntax, [new Uint8Array(0), Uint8Array.of(0x41)]), [
    [new Uint8Array(0), Uint8Array.of(0x41)],
  ]);
  t.same(groupAccessUnits(h265Syntax, [Uint8Array.of(0x26)]), []);
  t.equal(h265NalType(new Uint8Array(0)), 0);
});
