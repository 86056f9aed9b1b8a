import t from 'tap';
import fc from 'fast-check';
import { accessUnitInfo, groupAccessUnits } from './access-unit.ts';
import { splitAnnexB } from './annexb.ts';
import { MediaError } from './errors.ts';
import { encodeTestPattern } from './ffmpeg.test-util.ts';
import {
  H265NalType,
  h265NalType,
  h265Syntax,
  isH265Irap,
  isH265Vcl,
  parseH265NalHeader,
} from './h265-nal.ts';
import { parseH265Sps } from './h265-sps.ts';
import { h265HasBSlice, parseH265Pps, readH265SliceType } from './h265-slice.ts';

// 1 s of 320x180 HEVC from libx265: an IDR every 15 frames with VPS/SPS/PPS, AUDs, two slices per picture.
const bytes = encodeTestPattern('320x180', 30, 1, [
  '-c:v',
  'libx265',
  '-preset',
  'ultrafast',
  '-x265-params',
  'keyint=15:min-keyint=15:scenecut=0:repeat-headers=1:aud=1:slices=2:log-level=error',
  '-f',
  'hevc',
]);
const nalus = splitAnnexB(bytes);
const types = (au: readonly Uint8Array[]): string => au.map(h265NalType).join(',');

t.test('NAL header: two bytes, layer id and temporal id (fast-check)', async (t) => {
  fc.assert(
    fc.property(fc.nat(63), fc.nat(63), fc.integer({ min: 1, max: 7 }), (type, layerId, tidPlus1) => {
      const nal = Uint8Array.of((type << 1) | (layerId >> 5), ((layerId & 31) << 3) | tidPlus1);
      const h = parseH265NalHeader(nal);
      return (
        h.type === type && h.layerId === layerId && h.temporalId === tidPlus1 - 1 && h265NalType(nal) === type
      );
    }),
  );
  t.same(parseH265NalHeader(Uint8Array.of(0x40, 0x01)), { type: H265NalType.Vps, layerId: 0, temporalId: 0 });
  t.throws(() => parseH265NalHeader(Uint8Array.of(0x40)), { name: 'MediaError', code: 'MEDIA_BAD_NAL' });
  t.throws(
    () => parseH265NalHeader(Uint8Array.of(0xc0, 0x01)),
    { code: 'MEDIA_BAD_NAL' },
    'forbidden_zero_bit',
  );
  t.throws(
    () => parseH265NalHeader(Uint8Array.of(0x40, 0x00)),
    { code: 'MEDIA_BAD_NAL' },
    'temporal id plus1 = 0',
  );
  t.equal(isH265Irap(Uint8Array.of(0x2a, 0x01)), true, 'CRA (21) is IRAP');
  t.equal(isH265Irap(Uint8Array.of(0x02, 0x01)), false, 'TRAIL_R is not');
  t.equal(isH265Vcl(Uint8Array.of(0x40, 0x01)), false, 'VPS is not VCL');
});

t.test('libx265 stream: access units by first_slice_segment_in_pic_flag', async (t) => {
  t.ok(nalus.length > 60, `${nalus.length} NAL units`);
  for (const n of nalus) parseH265NalHeader(n); // every header valid
  const units = groupAccessUnits(h265Syntax, nalus);
  t.equal(units.length, 30, 'one access unit per frame');
  const keys = units.flatMap((au, i) => (accessUnitInfo(h265Syntax, au).keyframe ? [i] : []));
  // keyint 15 in display order; with B-frames the second IRAP (an open-GOP CRA) comes earlier in decoding order.
  t.equal(keys.length, 2, `two IRAP pictures (at ${keys.join(', ')})`);
  t.equal(keys[0], 0, 'the stream starts with one');
  for (const i of keys) {
    const au = units[i] as Uint8Array[];
    t.match(
      types(au),
      /^35,32,33,34,(39,)*(19|20|21),(19|20|21)$/,
      `keyframe ${i}: AUD VPS SPS PPS SEI and two IRAP slices`,
    );
    t.equal(accessUnitInfo(h265Syntax, au).parameterSetsInBand, true);
  }
  const sliceCounts = units.map((au) => au.filter(isH265Vcl).length);
  t.ok(
    sliceCounts.every((n) => n === 2),
    'two slice segments per picture, one access unit',
  );
  const noAud = groupAccessUnits(
    h265Syntax,
    nalus.filter((n) => h265NalType(n) !== H265NalType.Aud),
  );
  t.same(
    noAud.map(types),
    units.map((au) => types(au.slice(1))),
    'same pictures without AUDs',
  );
});

t.test('libx265 SPS: size inside the conformance window, Main profile, reordering', async (t) => {
  const spsNal = nalus.find((n) => h265NalType(n) === H265NalType.Sps) as Uint8Array;
  const sps = parseH265Sps(spsNal);
  t.match(sps, {
    width: 320,
    height: 180,
    codedWidth: 320,
    chromaFormatIdc: 1,
    bitDepthLuma: 8,
    maxSubLayers: 1,
    vuiPresent: true,
    frameRate: 30,
    profileTierLevel: { profileSpace: 0, tierFlag: 0, profileIdc: 1 },
  });
  t.ok(
    sps.codedHeight >= 184 && sps.codedHeight % 8 === 0,
    `coded height ${sps.codedHeight}: whole coding blocks`,
  );
  t.ok(
    sps.profileTierLevel.levelIdc >= 30 && sps.profileTierLevel.levelIdc <= 93,
    `level_idc ${sps.profileTierLevel.levelIdc}`,
  );
  t.ok((sps.profileTierLevel.profileCompatibilityFlags >>> 30) & 1, 'compatible with Main (flag 1)');
  t.ok(sps.maxNumReorderPics > 0, 'x265 defaults to B-frames: reordering');
  // Every truncation fails with MediaError, never another error.
  for (let len = 0; len < spsNal.length; len++) {
    try {
      parseH265Sps(spsNal.subarray(0, len));
    } catch (e) {
      if (!(e instanceof MediaError)) t.fail(`truncated at ${len}: ${String(e)}`);
    }
  }
  fc.assert(
    fc.property(fc.uint8Array({ maxLength: 40 }), (tail) => {
      try {
        parseH265Sps(Uint8Array.from([0x42, 0x01, ...tail]));
      } catch (e) {
        return e instanceof MediaError;
      }
      return true;
    }),
    { numRuns: 1000 },
  );
  t.throws(() => parseH265Sps(Uint8Array.of(0x40, 0x01, 0)), { code: 'MEDIA_BAD_NAL' });
});

t.test('libx265 10-bit 4:2:2 at an odd size', async (t) => {
  const b = encodeTestPattern('200x120', 25, 0.04, [
    '-c:v',
    'libx265',
    '-preset',
    'ultrafast',
    '-pix_fmt',
    'yuv422p10le',
    '-x265-params',
    'log-level=error',
    '-f',
    'hevc',
  ]);
  const spsNal = splitAnnexB(b).find((n) => h265NalType(n) === H265NalType.Sps) as Uint8Array;
  t.match(parseH265Sps(spsNal), {
    width: 200,
    height: 120,
    chromaFormatIdc: 2,
    bitDepthLuma: 10,
    profileTierLevel: { profileIdc: 4 },
  });
});

t.test('B-frame detection from the first slice segment of each picture', async (t) => {
  const units = groupAccessUnits(h265Syntax, nalus);
  const pps = parseH265Pps(nalus.find((n) => h265NalType(n) === H265NalType.Pps) as Uint8Array);
  t.match(pps, { ppsId: 0, spsId: 0, numExtraSliceHeaderBits: 0 });
  const sliceTypes = units.map((au) => readH265SliceType(au.find(isH265Vcl) as Uint8Array, pps));
  t.equal(sliceTypes[0], 'I', 'the IDR is an I-slice');
  t.ok(sliceTypes.includes('B') && sliceTypes.includes('P'), `x265 defaults: ${sliceTypes.join('')}`);
  t.equal(
    readH265SliceType(units[0]?.filter(isH265Vcl)[1] as Uint8Array, pps),
    undefined,
    'second slice segment: not read',
  );
  t.equal(units.filter((au) => h265HasBSlice(au, pps)).length, sliceTypes.filter((x) => x === 'B').length);
  t.equal(h265HasBSlice(units[0] as Uint8Array[]), false, 'keyframe with its own PPS');
  t.throws(() => readH265SliceType(Uint8Array.of(0x40, 0x01, 0xff), pps), { code: 'MEDIA_BAD_NAL' });
  t.throws(() => parseH265Pps(Uint8Array.of(0x42, 0x01, 0xff)), { code: 'MEDIA_BAD_NAL' });

  const noB = splitAnnexB(
    encodeTestPattern('160x96', 30, 0.5, [
      '-c:v',
      'libx265',
      '-preset',
      'ultrafast',
      '-x265-params',
      'bframes=0:log-level=error',
      '-f',
      'hevc',
    ]),
  );
  const noBUnits = groupAccessUnits(h265Syntax, noB);
  const noBPps = parseH265Pps(noB.find((n) => h265NalType(n) === H265NalType.Pps) as Uint8Array);
  t.equal(noBUnits.length, 15);
  t.equal(
    noBUnits.some((au) => h265HasBSlice(au, noBPps)),
    false,
    'bframes=0: no B-slices',
  );
  t.equal(
    parseH265Sps(noB.find((n) => h265NalType(n) === H265NalType.Sps) as Uint8Array).maxNumReorderPics,
    0,
  );
});
