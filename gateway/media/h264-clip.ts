import { accessUnitInfo, groupAccessUnits } from './access-unit.ts';
import { splitAnnexB } from './annexb.ts';
import { MediaError } from './errors.ts';
import { h264Syntax } from './h264-nal.ts';
import { h264ProfileLevelId } from './h264-profile-level-id.ts';
import { h264HasBSlice } from './h264-slice.ts';
import { parseH264Sps, type H264Sps } from './h264-sps.ts';
import { ParameterSetCache } from './parameter-sets.ts';

/** An H.264 elementary stream cut into access units once, ready to be played in a loop. */
export interface H264Clip {
  /** Access units in decoding order, starting at a keyframe; AUDs dropped; SPS+PPS before every IDR. */
  readonly accessUnits: readonly (readonly Uint8Array[])[];
  /** Per access unit: true for an IDR. */
  readonly keyframes: readonly boolean[];
  readonly sps: H264Sps;
  readonly spsNal: Uint8Array;
  readonly ppsNal: Uint8Array;
  /** RFC 6184 profile-level-id of the stream, e.g. '42c01f'. */
  readonly profileLevelId: string;
  /** True when any access unit holds a B-slice. */
  readonly hasBFrames: boolean;
}

/**
 * Cuts a whole Annex-B H.264 stream (a `.h264` file) into access units. Leading pictures before the
 * first IDR are dropped (nothing could decode them); IDRs without in-band SPS/PPS get the stream's.
 * Throws `MediaError('MEDIA_BAD_CLIP')` when there is no IDR or no SPS/PPS.
 *
 * @example
 * const clip = parseH264Clip(readFileSync('gateway/media/demo/demo.h264'));
 * clip.accessUnits.length; // 90 (3 s at 30 fps)
 */
export function parseH264Clip(bytes: Uint8Array): H264Clip {
  const units = groupAccessUnits(h264Syntax, splitAnnexB(bytes), { dropAud: true });
  const params = new ParameterSetCache(h264Syntax);
  for (const au of units) params.observe(au);
  const spsNal = params.get('sps');
  const ppsNal = params.get('pps');
  if (!spsNal || !ppsNal) throw new MediaError('MEDIA_BAD_CLIP', 'clip holds no SPS/PPS');
  const first = units.findIndex((au) => accessUnitInfo(h264Syntax, au).keyframe);
  if (first < 0) throw new MediaError('MEDIA_BAD_CLIP', 'clip holds no IDR picture');
  const seeded = new ParameterSetCache(h264Syntax);
  seeded.observe([spsNal, ppsNal]);
  const accessUnits = units.slice(first).map((au) => seeded.complete(au));
  const sps = parseH264Sps(spsNal);
  return {
    accessUnits,
    keyframes: accessUnits.map((au) => accessUnitInfo(h264Syntax, au).keyframe),
    sps,
    spsNal,
    ppsNal,
    profileLevelId: h264ProfileLevelId(sps),
    hasBFrames: accessUnits.some((au) => h264HasBSlice(au)),
  };
}
