import t from 'tap';
import { readFileSync } from 'node:fs';
import { accessUnitInfo, groupAccessUnits } from './access-unit.ts';
import { splitAnnexB } from './annexb.ts';
import { encodeTestPattern } from './ffmpeg.test-util.ts';
import { parseH264Clip } from './h264-clip.ts';
import { H264NalType, h264NalType, h264Syntax } from './h264-nal.ts';
import { h264ProfileLevelId } from './h264-profile-level-id.ts';
import { h264HasBSlice, readH264SliceHeader } from './h264-slice.ts';
import { parseH264Sps, spsAllowsReordering } from './h264-sps.ts';
import { formatSpropParameterSets, parseSpropParameterSets } from './sprop-parameter-sets.ts';

const clipBytes = new Uint8Array(readFileSync(new URL('./demo/demo.h264', import.meta.url)));
const types = (au: readonly Uint8Array[]): string => au.map(h264NalType).join(',');

t.test('the committed demo clip is what demo/SOURCE.md says', async (t) => {
  t.ok(clipBytes.length <= 400 * 1024, `clip is ${clipBytes.length} bytes (≤ 400 KB)`);
  const nalus = splitAnnexB(clipBytes);
  const units = groupAccessUnits(h264Syntax, nalus);
  t.equal(units.length, 90, '90 access units: 3 s at 30 fps');
  t.ok(
    units.every((au) => h264NalType(au[0] as Uint8Array) === H264NalType.Aud),
    'each starts with its AUD',
  );
  const slices = units.map((au) => au.filter((n) => h264NalType(n) === 1 || h264NalType(n) === 5).length);
  t.ok(
    slices.every((n) => n === 2),
    'zerolatency: two slices per picture, in one access unit',
  );
  const keyIdx = units.flatMap((au, i) => (accessUnitInfo(h264Syntax, au).keyframe ? [i] : []));
  t.same(keyIdx, [0, 30, 60], 'an IDR every 30 frames');
  for (const i of keyIdx) {
    t.match(
      types(units[i] as Uint8Array[]),
      /^9,7,8,(6,)?5,5$/,
      `IDR ${i}: AUD, SPS, PPS, (SEI), two IDR slices`,
    );
    t.equal(accessUnitInfo(h264Syntax, units[i] as Uint8Array[]).parameterSetsInBand, true);
  }
  t.equal(types(units[1] as Uint8Array[]), '9,1,1');

  // Without AUDs, grouping falls back on first_mb_in_slice (and SPS/PPS/SEI as prefixes): same pictures.
  const noAud = groupAccessUnits(
    h264Syntax,
    nalus.filter((n) => h264NalType(n) !== H264NalType.Aud),
  );
  t.same(
    noAud.map(types),
    units.map((au) => types(au.slice(1))),
    'first_mb_in_slice grouping matches AUD grouping',
  );
  // The second slice of a picture starts at macroblock 480 (640x368 = 40x23 macroblocks, split in two).
  const second = units[1]?.[2] as Uint8Array;
  t.match(readH264SliceHeader(second), { firstMbInSlice: 480, sliceType: 'P', ppsId: 0 });
  t.match(readH264SliceHeader(units[0]?.[4] as Uint8Array), { firstMbInSlice: 0, sliceType: 'I' });
  t.equal(
    units.some((au) => h264HasBSlice(au)),
    false,
    'no B-slices',
  );
});

t.test('SPS of the clip: size with cropping, profile, frame rate, no reordering', async (t) => {
  const clip = parseH264Clip(clipBytes);
  t.match(clip.sps, {
    profileIdc: 66,
    constraintFlags: 0xc0,
    levelIdc: 31,
    width: 640,
    height: 360,
    codedHeight: 368,
    crop: { bottom: 4 },
    frameRate: 30,
    picOrderCntType: 2,
    maxNumReorderFrames: 0,
  });
  t.equal(clip.profileLevelId, '42c01f', 'x264 constrained baseline 3.1 (TESTING.md)');
  t.equal(spsAllowsReordering(clip.sps), false);
  t.equal(clip.hasBFrames, false);
  t.equal(clip.accessUnits.length, 90);
  t.same(types(clip.accessUnits[0] as Uint8Array[]), '7,8,6,5,5', 'AUDs dropped, SPS+PPS kept');
});

t.test('sprop-parameter-sets: round trip and camera quirks', async (t) => {
  const clip = parseH264Clip(clipBytes);
  const sprop = formatSpropParameterSets([clip.spsNal, clip.ppsNal]);
  t.equal(sprop, 'Z0LAH9oCgL/lwEQAAAMABAAAAwDyPGDKgA==,aM48gA==');
  const [sps, pps] = parseSpropParameterSets(sprop);
  t.same(sps, clip.spsNal);
  t.same(pps, clip.ppsNal);
  t.equal(parseH264Sps(sps as Uint8Array).width, 640);
  // Spaces, empty items, a missing pad, Annex-B start codes inside the base64 (seen on cameras).
  t.same(parseSpropParameterSets(' Z0LAH9oCgL/lwEQAAAMABAAAAwDyPGDKgA== , ,aM48gA'), [
    clip.spsNal,
    clip.ppsNal,
  ]);
  const annexB = Buffer.from([0, 0, 0, 1, ...clip.spsNal, 0, 0, 1, ...clip.ppsNal]).toString('base64');
  t.same(parseSpropParameterSets(annexB), [clip.spsNal, clip.ppsNal]);
  t.same(parseSpropParameterSets(''), []);
  t.throws(() => parseSpropParameterSets('Z0LA*H9o'), { name: 'MediaError', code: 'MEDIA_BAD_SPROP' });
  t.throws(() => parseSpropParameterSets('Z0LAH'), { code: 'MEDIA_BAD_SPROP' });
});

t.test('B-frame detection on a High-profile clip made with -bf 2', async (t) => {
  const bytes = encodeTestPattern('320x180', 30, 1, [
    '-c:v',
    'libx264',
    '-profile:v',
    'high',
    '-preset',
    'veryfast',
    '-bf',
    '2',
    '-g',
    '30',
    '-x264-params',
    'b-adapt=0',
    '-pix_fmt',
    'yuv420p',
    '-f',
    'h264',
  ]);
  const clip = parseH264Clip(bytes);
  t.equal(clip.sps.profileIdc, 100, 'High');
  t.equal(h264ProfileLevelId(clip.sps).slice(0, 2), '64');
  t.match(clip.sps, { width: 320, height: 180, frameRate: 30 });
  t.ok((clip.sps.maxNumReorderFrames ?? 0) > 0, `max_num_reorder_frames ${clip.sps.maxNumReorderFrames}`);
  t.equal(spsAllowsReordering(clip.sps), true);
  t.equal(clip.hasBFrames, true);
  const bCount = clip.accessUnits.filter((au) => h264HasBSlice(au)).length;
  t.ok(bCount >= 15, `${bCount} of ${clip.accessUnits.length} pictures are B (b-adapt=0: 2 of every 3)`);
  t.equal(clip.accessUnits.length, 30);
});

t.test('SPS of 4:4:4, and of interlaced 4:2:2, at sizes that need cropping', async (t) => {
  const c444 = parseH264Clip(
    encodeTestPattern('318x178', 25, 0.08, [
      '-c:v',
      'libx264',
      '-pix_fmt',
      'yuv444p',
      '-profile:v',
      'high444',
      '-f',
      'h264',
    ]),
  );
  t.match(c444.sps, {
    profileIdc: 244,
    chromaFormatIdc: 3,
    width: 318,
    height: 178,
    codedWidth: 320,
    frameRate: 25,
  });
  const i422 = parseH264Clip(
    encodeTestPattern('320x180', 30, 0.14, [
      '-c:v',
      'libx264',
      '-pix_fmt',
      'yuv422p',
      '-profile:v',
      'high422',
      '-x264-params',
      'interlaced=1',
      '-f',
      'h264',
    ]),
  );
  t.match(i422.sps, {
    profileIdc: 122,
    chromaFormatIdc: 2,
    frameMbsOnly: false,
    width: 320,
    height: 180,
    codedHeight: 192,
  });
});
