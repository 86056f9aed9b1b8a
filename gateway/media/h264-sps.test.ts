import t from 'tap';
import fc from 'fast-check';
import { BitWriter } from './bit-writer.test-util.ts';
import { MediaError } from './errors.ts';
import { h264ProfileLevelId, parseProfileLevelId } from './h264-profile-level-id.ts';
import { parseH264Sps, spsAllowsReordering } from './h264-sps.ts';

interface SpsModel {
  profileIdc: number;
  constraintFlags: number;
  levelIdc: number;
  spsId: number;
  chromaFormatIdc: number;
  separateColourPlane: boolean;
  bitDepthLuma: number;
  bitDepthChroma: number;
  scalingLists: (number[] | null)[] | null;
  log2MaxFrameNum: number;
  picOrderCntType: number;
  pocCycle: number[];
  maxNumRefFrames: number;
  widthMbs: number;
  heightMapUnits: number;
  frameMbsOnly: boolean;
  crop: { left: number; right: number; top: number; bottom: number } | null;
  vui: {
    sar: number | null;
    timing: { numUnitsInTick: number; timeScale: number; fixed: boolean } | null;
    hrd: number[] | null;
    restriction: { reorder: number; dpb: number } | null;
  } | null;
}

const HIGH = [100, 110, 122, 244];
const crop = fc.record({ left: fc.nat(3), right: fc.nat(3), top: fc.nat(3), bottom: fc.nat(3) });

const spsModel: fc.Arbitrary<SpsModel> = fc
  .record({
    profileIdc: fc.constantFrom(66, 77, 88, 100, 110, 122, 244),
    constraintFlags: fc.nat(63).map((f) => f << 2),
    levelIdc: fc.integer({ min: 9, max: 62 }),
    spsId: fc.nat(31),
    chromaFormatIdc: fc.nat(3),
    separateColourPlane: fc.boolean(),
    bitDepthLuma: fc.integer({ min: 8, max: 14 }),
    bitDepthChroma: fc.integer({ min: 8, max: 14 }),
    scalingLists: fc.option(
      fc.array(fc.option(fc.array(fc.integer({ min: -128, max: 127 }), { maxLength: 70 })), {
        minLength: 12,
        maxLength: 12,
      }),
    ),
    log2MaxFrameNum: fc.integer({ min: 4, max: 16 }),
    picOrderCntType: fc.nat(2),
    pocCycle: fc.array(fc.integer({ min: -1000, max: 1000 }), { maxLength: 5 }),
    maxNumRefFrames: fc.nat(16),
    widthMbs: fc.integer({ min: 1, max: 240 }),
    heightMapUnits: fc.integer({ min: 1, max: 135 }),
    frameMbsOnly: fc.boolean(),
    crop: fc.option(crop),
    vui: fc.option(
      fc.record({
        sar: fc.option(fc.nat(255)),
        timing: fc.option(
          fc.record({
            numUnitsInTick: fc.integer({ min: 1, max: 2 ** 32 - 1 }),
            timeScale: fc.integer({ min: 1, max: 2 ** 32 - 1 }),
            fixed: fc.boolean(),
          }),
        ),
        hrd: fc.option(fc.array(fc.nat(1000), { minLength: 1, maxLength: 4 })),
        restriction: fc.option(fc.record({ reorder: fc.nat(16), dpb: fc.nat(16) })),
      }),
    ),
  })
  .map((m) =>
    HIGH.includes(m.profileIdc)
      ? m
      : {
          ...m,
          chromaFormatIdc: 1,
          separateColourPlane: false,
          bitDepthLuma: 8,
          bitDepthChroma: 8,
          scalingLists: null,
        },
  );

function writeHrd(w: BitWriter, rates: number[]): void {
  w.ue(rates.length - 1)
    .u(4, 3)
    .u(4, 5);
  for (const r of rates)
    w.ue(r)
      .ue(r * 2)
      .flag(r % 2 === 0);
  w.u(5, 23).u(5, 23).u(5, 23).u(5, 24);
}

/** seq_parameter_set_data() of H.264 §7.3.2.1.1, written from the model. */
function writeSps(m: SpsModel): Uint8Array {
  const w = new BitWriter().u(8, m.profileIdc).u(8, m.constraintFlags).u(8, m.levelIdc).ue(m.spsId);
  if (HIGH.includes(m.profileIdc)) {
    w.ue(m.chromaFormatIdc);
    if (m.chromaFormatIdc === 3) w.flag(m.separateColourPlane);
    w.ue(m.bitDepthLuma - 8)
      .ue(m.bitDepthChroma - 8)
      .flag(false)
      .flag(m.scalingLists !== null);
    if (m.scalingLists) {
      const n = m.chromaFormatIdc !== 3 ? 8 : 12;
      for (let i = 0; i < n; i++) {
        const list = m.scalingLists[i] ?? null;
        w.flag(list !== null);
        if (list === null) continue;
        // scaling_list(): delta_scale until nextScale is 0 or the list is full.
        const size = i < 6 ? 16 : 64;
        let last = 8;
        let next = 8;
        for (let j = 0; j < size; j++) {
          if (next !== 0) {
            // Past the model's deltas, a delta ≡ -last (mod 256) makes nextScale 0: the rest repeats.
            const delta = list[j] ?? (256 - last > 127 ? -last : 256 - last);
            w.se(delta);
            next = (last + delta + 256) % 256;
          }
          last = next === 0 ? last : next;
        }
      }
    }
  }
  w.ue(m.log2MaxFrameNum - 4).ue(m.picOrderCntType);
  if (m.picOrderCntType === 0) w.ue(3);
  else if (m.picOrderCntType === 1) {
    w.flag(true).se(-2).se(5).ue(m.pocCycle.length);
    for (const o of m.pocCycle) w.se(o);
  }
  w.ue(m.maxNumRefFrames)
    .flag(false)
    .ue(m.widthMbs - 1)
    .ue(m.heightMapUnits - 1)
    .flag(m.frameMbsOnly);
  if (!m.frameMbsOnly) w.flag(true);
  w.flag(true).flag(m.crop !== null);
  if (m.crop) w.ue(m.crop.left).ue(m.crop.right).ue(m.crop.top).ue(m.crop.bottom);
  w.flag(m.vui !== null);
  if (m.vui) {
    const v = m.vui;
    w.flag(v.sar !== null);
    if (v.sar !== null) {
      w.u(8, v.sar);
      if (v.sar === 255) w.u(16, 4).u(16, 3);
    }
    w.flag(true).flag(false); // overscan
    w.flag(true).u(3, 5).flag(false).flag(true).u(8, 1).u(8, 1).u(8, 1); // video signal, colour
    w.flag(true).ue(1).ue(1); // chroma loc
    w.flag(v.timing !== null);
    if (v.timing) w.u(32, v.timing.numUnitsInTick).u(32, v.timing.timeScale).flag(v.timing.fixed);
    w.flag(v.hrd !== null);
    if (v.hrd) writeHrd(w, v.hrd);
    w.flag(v.hrd !== null);
    if (v.hrd) writeHrd(w, v.hrd);
    if (v.hrd) w.flag(false);
    w.flag(false); // pic_struct_present_flag
    w.flag(v.restriction !== null);
    if (v.restriction) w.flag(true).ue(2).ue(1).ue(16).ue(16).ue(v.restriction.reorder).ue(v.restriction.dpb);
  }
  return w.trailing().nal([0x67]);
}

/** Display size by H.264 §7.4.2.1.1 (Equations 7-19..7-22), computed from the model. */
function expectedSize(m: SpsModel): { width: number; height: number } {
  const mono = m.chromaFormatIdc === 0 || (m.chromaFormatIdc === 3 && m.separateColourPlane);
  const cx = mono ? 1 : m.chromaFormatIdc === 3 ? 1 : 2;
  const cy = (mono ? 1 : m.chromaFormatIdc === 1 ? 2 : 1) * (m.frameMbsOnly ? 1 : 2);
  const c = m.crop ?? { left: 0, right: 0, top: 0, bottom: 0 };
  return {
    width: m.widthMbs * 16 - cx * (c.left + c.right),
    height: m.heightMapUnits * 16 * (m.frameMbsOnly ? 1 : 2) - cy * (c.top + c.bottom),
  };
}

t.test('SPS written from any model parses back to it (fast-check)', async (t) => {
  fc.assert(
    fc.property(spsModel, (m) => {
      const s = parseH264Sps(writeSps(m));
      const size = expectedSize(m);
      const timing = m.vui?.timing ?? null;
      const checks: [unknown, unknown][] = [
        [s.profileIdc, m.profileIdc],
        [s.constraintFlags, m.constraintFlags],
        [s.levelIdc, m.levelIdc],
        [s.spsId, m.spsId],
        [s.chromaFormatIdc, m.chromaFormatIdc],
        [s.bitDepthLuma, m.bitDepthLuma],
        [s.bitDepthChroma, m.bitDepthChroma],
        [s.log2MaxFrameNum, m.log2MaxFrameNum],
        [s.picOrderCntType, m.picOrderCntType],
        [s.maxNumRefFrames, m.maxNumRefFrames],
        [s.frameMbsOnly, m.frameMbsOnly],
        [s.codedWidth, m.widthMbs * 16],
        [s.width, size.width],
        [s.height, size.height],
        [s.vuiPresent, m.vui !== null],
        [s.frameRate, timing ? timing.timeScale / (2 * timing.numUnitsInTick) : undefined],
        [s.fixedFrameRate, timing?.fixed],
        [s.maxNumReorderFrames, m.vui?.restriction?.reorder],
        [s.maxDecFrameBuffering, m.vui?.restriction?.dpb],
      ];
      return checks.every(([a, b]) => a === b);
    }),
    { numRuns: 400 },
  );
  t.pass('SPS codec round trip');
});

t.test(
  'every truncation and random bit flip fails with MediaError or parses (never another throw)',
  async (t) => {
    fc.assert(
      fc.property(spsModel, fc.nat(), fc.nat(), (m, cut, flip) => {
        const nal = writeSps(m);
        for (const bytes of [
          nal.subarray(0, 1 + (cut % nal.length)),
          nal.map((b, i) => (i === 1 + (flip % (nal.length - 1)) ? b ^ (1 << (flip % 8)) : b)),
        ]) {
          try {
            parseH264Sps(bytes);
          } catch (e) {
            if (!(e instanceof MediaError)) return false;
          }
        }
        return true;
      }),
      { numRuns: 300 },
    );
    fc.assert(
      fc.property(fc.uint8Array({ maxLength: 40 }), (tail) => {
        try {
          parseH264Sps(Uint8Array.from([0x67, ...tail]));
        } catch (e) {
          return e instanceof MediaError;
        }
        return true;
      }),
      { numRuns: 1000 },
    );
    t.throws(() => parseH264Sps(Uint8Array.of(0x68, 0x42)), { code: 'MEDIA_BAD_NAL' });
    t.throws(() => parseH264Sps(Uint8Array.of(0x67, 0x42, 0xc0)), { code: 'MEDIA_TRUNCATED' });
  },
);

t.test('a VUI cut short is ignored, the SPS still parses', async (t) => {
  const m: SpsModel = {
    profileIdc: 66,
    constraintFlags: 0xc0,
    levelIdc: 31,
    spsId: 0,
    chromaFormatIdc: 1,
    separateColourPlane: false,
    bitDepthLuma: 8,
    bitDepthChroma: 8,
    scalingLists: null,
    log2MaxFrameNum: 4,
    picOrderCntType: 2,
    pocCycle: [],
    maxNumRefFrames: 1,
    widthMbs: 40,
    heightMapUnits: 23,
    frameMbsOnly: true,
    crop: { left: 0, right: 0, top: 0, bottom: 4 },
    vui: {
      sar: 1,
      timing: { numUnitsInTick: 1, timeScale: 60, fixed: true },
      hrd: null,
      restriction: { reorder: 0, dpb: 1 },
    },
  };
  const nal = writeSps(m);
  const full = parseH264Sps(nal);
  t.match(full, { width: 640, height: 360, frameRate: 30, maxNumReorderFrames: 0, vuiPresent: true });
  const cut = parseH264Sps(nal.subarray(0, nal.length - 6));
  t.match(cut, { width: 640, height: 360, vuiPresent: false, frameRate: undefined });
  t.equal(h264ProfileLevelId(full), '42c01f');
});

t.test('reordering: VUI says, else profile and POC type decide', async (t) => {
  const base = parseH264Sps(
    Uint8Array.of(
      0x67,
      0x42,
      0xc0,
      0x1f,
      0xda,
      0x02,
      0x80,
      0xbf,
      0xe5,
      0xc0,
      0x44,
      0x00,
      0x00,
      0x03,
      0x00,
      0x04,
      0x00,
      0x00,
      0x03,
      0x00,
      0xf2,
      0x3c,
      0x60,
      0xca,
      0x80,
    ),
  );
  t.equal(base.width, 640, 'the demo clip SPS, typed from its bytes');
  t.equal(spsAllowsReordering(base), false);
  t.equal(spsAllowsReordering({ ...base, maxNumReorderFrames: 2 }), true);
  t.equal(
    spsAllowsReordering({ ...base, maxNumReorderFrames: undefined, profileIdc: 100, picOrderCntType: 0 }),
    true,
  );
  t.equal(
    spsAllowsReordering({ ...base, maxNumReorderFrames: undefined, profileIdc: 100, picOrderCntType: 2 }),
    false,
  );
  t.equal(
    spsAllowsReordering({ ...base, maxNumReorderFrames: undefined, profileIdc: 66, picOrderCntType: 0 }),
    false,
  );
});

t.test('profile-level-id format and parse', async (t) => {
  fc.assert(
    fc.property(fc.nat(255), fc.nat(255), fc.nat(255), (p, c, l) => {
      const s = h264ProfileLevelId({ profileIdc: p, constraintFlags: c, levelIdc: l });
      const back = parseProfileLevelId(s.toUpperCase());
      return s.length === 6 && back.profileIdc === p && back.profileIop === c && back.levelIdc === l;
    }),
  );
  t.same(parseProfileLevelId('42e01f'), { profileIdc: 66, profileIop: 0xe0, levelIdc: 31 });
  t.throws(() => parseProfileLevelId('42e01'), { code: 'MEDIA_BAD_SPROP' });
  t.throws(() => parseProfileLevelId('42e01g'), { code: 'MEDIA_BAD_SPROP' });
});
