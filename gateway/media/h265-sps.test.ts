import t from 'tap';
import fc from 'fast-check';
import { BitWriter } from './bit-writer.test-util.ts';
import { MediaError } from './errors.ts';
import { parseH265Sps } from './h265-sps.ts';

/** One st_ref_pic_set(): explicit lists, or predicted from the previous set (flags per its entries + 1). */
type Rps = { inter: false; neg: number; pos: number } | { inter: true; flags: [boolean, boolean][] };

interface Model {
  vpsId: number;
  subLayers: { profile: boolean; level: boolean }[];
  profileIdc: number;
  tier: number;
  compat: number;
  levelIdc: number;
  spsId: number;
  chroma: number;
  separate: boolean;
  width: number;
  height: number;
  window: [number, number, number, number] | null;
  bitDepth: [number, number];
  log2MaxPocLsb: number;
  allSubLayerOrdering: boolean;
  reorder: number;
  scaling: 'off' | 'default' | number[][];
  pcm: boolean;
  rps: Rps[];
  longTerm: number[] | null;
  vui: { sar: number | null; window: boolean; timing: [number, number] | null } | null;
}

const model: fc.Arbitrary<Model> = fc.record({
  vpsId: fc.nat(15),
  subLayers: fc.array(fc.record({ profile: fc.boolean(), level: fc.boolean() }), { maxLength: 6 }),
  profileIdc: fc.nat(31),
  tier: fc.nat(1),
  compat: fc.nat(2 ** 32 - 1),
  levelIdc: fc.nat(255),
  spsId: fc.nat(15),
  chroma: fc.nat(3),
  separate: fc.boolean(),
  width: fc.integer({ min: 2, max: 1000 }).map((w) => w * 8),
  height: fc.integer({ min: 2, max: 600 }).map((h) => h * 8),
  window: fc.option(fc.tuple(fc.nat(3), fc.nat(3), fc.nat(3), fc.nat(3))),
  bitDepth: fc.tuple(fc.integer({ min: 8, max: 16 }), fc.integer({ min: 8, max: 16 })),
  log2MaxPocLsb: fc.integer({ min: 4, max: 16 }),
  allSubLayerOrdering: fc.boolean(),
  reorder: fc.nat(15),
  scaling: fc.oneof(
    fc.constant('off' as const),
    fc.constant('default' as const),
    fc.array(fc.array(fc.integer({ min: -128, max: 127 }), { maxLength: 3 }), {
      minLength: 20,
      maxLength: 20,
    }),
  ),
  pcm: fc.boolean(),
  rps: fc.array(
    fc.oneof(
      fc.record({ inter: fc.constant(false as const), neg: fc.nat(5), pos: fc.nat(5) }),
      fc.record({
        inter: fc.constant(true as const),
        flags: fc.array(fc.tuple(fc.boolean(), fc.boolean()), { maxLength: 12 }),
      }),
    ),
    { maxLength: 8 },
  ),
  longTerm: fc.option(fc.array(fc.nat(65535), { maxLength: 4 })),
  vui: fc.option(
    fc.record({
      sar: fc.option(fc.nat(255)),
      window: fc.boolean(),
      timing: fc.option(
        fc.tuple(fc.integer({ min: 1, max: 2 ** 32 - 1 }), fc.integer({ min: 1, max: 2 ** 32 - 1 })),
      ),
    }),
  ),
});

/** seq_parameter_set_rbsp() of H.265 §7.3.2.2.1 from the model; returns the NAL and the model as written. */
function writeSps(m: Model): { nal: Uint8Array; numDeltaPocs: number[] } {
  const w = new BitWriter().u(4, m.vpsId).u(3, m.subLayers.length).u(1, 1);
  // profile_tier_level(1, maxSubLayersMinus1)
  w.u(2, 0).u(1, m.tier).u(5, m.profileIdc).u(32, m.compat).u(8, 0x90).u(32, 0).u(8, 0).u(8, m.levelIdc);
  for (const s of m.subLayers) w.flag(s.profile).flag(s.level);
  if (m.subLayers.length > 0) for (let i = m.subLayers.length; i < 8; i++) w.u(2, 0);
  for (const s of m.subLayers) {
    if (s.profile) w.u(32, 0x01234567).u(32, 0x89abcdef).u(24, 0x555555);
    if (s.level) w.u(8, 90);
  }
  w.ue(m.spsId).ue(m.chroma);
  if (m.chroma === 3) w.flag(m.separate);
  w.ue(m.width)
    .ue(m.height)
    .flag(m.window !== null);
  if (m.window) for (const v of m.window) w.ue(v);
  w.ue(m.bitDepth[0] - 8)
    .ue(m.bitDepth[1] - 8)
    .ue(m.log2MaxPocLsb - 4)
    .flag(m.allSubLayerOrdering);
  for (let i = m.allSubLayerOrdering ? 0 : m.subLayers.length; i <= m.subLayers.length; i++)
    w.ue(m.reorder + 1)
      .ue(m.reorder)
      .ue(0);
  w.ue(0).ue(3).ue(0).ue(3).ue(1).ue(1);
  w.flag(m.scaling !== 'off');
  if (m.scaling !== 'off') {
    w.flag(m.scaling !== 'default');
    if (m.scaling !== 'default') {
      let k = 0;
      for (let sizeId = 0; sizeId < 4; sizeId++) {
        for (let matrixId = 0; matrixId < 6; matrixId += sizeId === 3 ? 3 : 1) {
          const list = m.scaling[k++] ?? [];
          w.flag(list.length > 0);
          if (list.length === 0) {
            w.ue(0);
            continue;
          }
          if (sizeId > 1) w.se(8);
          const coefs = Math.min(64, 1 << (4 + (sizeId << 1)));
          for (let i = 0; i < coefs; i++) w.se(list[i % list.length] as number);
        }
      }
    }
  }
  w.flag(true).flag(true).flag(m.pcm);
  if (m.pcm) w.u(4, 7).u(4, 7).ue(0).ue(1).flag(true);
  // st_ref_pic_set(i): a predicted set lists one flag pair per entry of the previous set, plus one.
  const numDeltaPocs: number[] = [];
  w.ue(m.rps.length);
  m.rps.forEach((rps, i) => {
    const prev = numDeltaPocs[i - 1] ?? 0;
    if (i !== 0) w.flag(rps.inter);
    if (i !== 0 && rps.inter) {
      w.u(1, 1).ue(0);
      let n = 0;
      for (let j = 0; j <= prev; j++) {
        const [used, useDelta] = rps.flags[j] ?? [true, true];
        w.flag(used);
        if (!used) w.flag(useDelta);
        if (used || useDelta) n++;
      }
      numDeltaPocs.push(n);
    } else {
      const e = rps.inter ? { neg: 1, pos: 0 } : rps;
      w.ue(e.neg).ue(e.pos);
      for (let k = 0; k < e.neg + e.pos; k++) w.ue(k).flag(k % 2 === 0);
      numDeltaPocs.push(e.neg + e.pos);
    }
  });
  w.flag(m.longTerm !== null);
  if (m.longTerm) {
    w.ue(m.longTerm.length);
    for (const lsb of m.longTerm) w.u(m.log2MaxPocLsb, lsb % 2 ** m.log2MaxPocLsb).flag(true);
  }
  w.flag(true)
    .flag(true)
    .flag(m.vui !== null);
  if (m.vui) {
    w.flag(m.vui.sar !== null);
    if (m.vui.sar !== null) {
      w.u(8, m.vui.sar);
      if (m.vui.sar === 255) w.u(16, 1).u(16, 1);
    }
    w.flag(true).flag(false); // overscan
    w.flag(true).u(3, 5).flag(true).flag(true).u(8, 1).u(8, 1).u(8, 1); // video signal
    w.flag(true).ue(0).ue(0); // chroma loc
    w.flag(false).flag(false).flag(false);
    w.flag(m.vui.window);
    if (m.vui.window) w.ue(1).ue(2).ue(3).ue(4);
    w.flag(m.vui.timing !== null);
    if (m.vui.timing) w.u(32, m.vui.timing[0]).u(32, m.vui.timing[1]).flag(false).flag(false);
    w.flag(false); // bitstream_restriction_flag
  }
  w.flag(false); // sps_extension_present_flag
  return { nal: w.trailing().nal([0x42, 0x01]), numDeltaPocs };
}

t.test('H.265 SPS written from any model parses back to it (fast-check)', async (t) => {
  fc.assert(
    fc.property(model, (m) => {
      const s = parseH265Sps(writeSps(m).nal);
      const mono = m.chroma === 0 || (m.chroma === 3 && m.separate);
      const [l, r, top, b] = m.window ?? [0, 0, 0, 0];
      const cx = !mono && m.chroma !== 3 ? 2 : 1;
      const cy = !mono && m.chroma === 1 ? 2 : 1;
      const checks: [unknown, unknown][] = [
        [s.vpsId, m.vpsId],
        [s.maxSubLayers, m.subLayers.length + 1],
        [s.profileTierLevel.profileIdc, m.profileIdc],
        [s.profileTierLevel.tierFlag, m.tier],
        [s.profileTierLevel.profileCompatibilityFlags, m.compat],
        [s.profileTierLevel.levelIdc, m.levelIdc],
        [s.profileTierLevel.constraintIndicatorFlags[0], 0x90],
        [s.spsId, m.spsId],
        [s.chromaFormatIdc, m.chroma],
        [s.codedWidth, m.width],
        [s.width, m.width - cx * (l + r)],
        [s.height, m.height - cy * (top + b)],
        [s.bitDepthLuma, m.bitDepth[0]],
        [s.bitDepthChroma, m.bitDepth[1]],
        [s.maxNumReorderPics, m.reorder],
        [s.maxDecPicBuffering, m.reorder + 2],
        [s.vuiPresent, m.vui !== null],
        [s.frameRate, m.vui?.timing ? m.vui.timing[1] / m.vui.timing[0] : undefined],
      ];
      return checks.every(([a, b]) => a === b);
    }),
    { numRuns: 400 },
  );
  t.pass('H.265 SPS round trip, reference picture sets and scaling lists skipped exactly');
});

t.test('truncations and bit flips of any SPS raise only MediaError', async (t) => {
  fc.assert(
    fc.property(model, fc.nat(), fc.nat(), (m, cut, flip) => {
      const { nal } = writeSps(m);
      const flipped = nal.map((v, i) => (i === 2 + (flip % (nal.length - 2)) ? v ^ (1 << (flip % 8)) : v));
      for (const bytes of [nal.subarray(0, cut % nal.length), flipped]) {
        try {
          parseH265Sps(bytes);
        } catch (e) {
          if (!(e instanceof MediaError)) return false;
        }
      }
      return true;
    }),
    { numRuns: 300 },
  );
  t.pass();
});

t.test('a VUI cut short leaves size and profile standing', async (t) => {
  const m: Model = {
    vpsId: 0,
    subLayers: [],
    profileIdc: 1,
    tier: 0,
    compat: 0x60000000,
    levelIdc: 93,
    spsId: 0,
    chroma: 1,
    separate: false,
    width: 1920,
    height: 1088,
    window: [0, 0, 0, 4],
    bitDepth: [8, 8],
    log2MaxPocLsb: 8,
    allSubLayerOrdering: true,
    reorder: 0,
    scaling: 'off',
    pcm: false,
    rps: [{ inter: false, neg: 1, pos: 0 }],
    longTerm: null,
    vui: { sar: 1, window: false, timing: [1001, 30000] },
  };
  const { nal } = writeSps(m);
  t.match(parseH265Sps(nal), { width: 1920, height: 1080, vuiPresent: true });
  t.ok(Math.abs((parseH265Sps(nal).frameRate ?? 0) - 29.97) < 0.001, '30000/1001');
  t.match(parseH265Sps(nal.subarray(0, nal.length - 8)), {
    width: 1920,
    height: 1080,
    vuiPresent: false,
    frameRate: undefined,
  });
});
