import { BitReader } from './bit-reader.ts';
import { MediaError } from './errors.ts';
import { isH264Vcl, h264NalType, H264NalType } from './h264-nal.ts';

/** slice_type % 5 (ITU-T H.264 Table 7-6). */
export type H264SliceType = 'P' | 'B' | 'I' | 'SP' | 'SI';
const SLICE_TYPES: readonly H264SliceType[] = ['P', 'B', 'I', 'SP', 'SI'];

/** The leading fields of a slice header (ITU-T H.264 §7.3.3). */
export interface H264SliceHeader {
  /** Address of the slice's first macroblock: 0 for a picture's first slice. */
  firstMbInSlice: number;
  sliceType: H264SliceType;
  /** True when slice_type is 5..9: every slice of the picture has this type. */
  allSlicesSameType: boolean;
  ppsId: number;
}

/*
 *   slice_header() {
 *     first_mb_in_slice           ue(v)
 *     slice_type                  ue(v)   0..9
 *     pic_parameter_set_id        ue(v)
 *     ...
 */

/**
 * Reads first_mb_in_slice, slice_type and pic_parameter_set_id of a slice NAL unit (types 1, 2, 5),
 * in place (a few bytes). Throws `MediaError` on another type or hostile bytes.
 *
 * @example
 * readH264SliceHeader(nal).sliceType === 'B'; // a B-slice: the stream reorders frames
 */
export function readH264SliceHeader(nal: Uint8Array): H264SliceHeader {
  const t = h264NalType(nal);
  if (t !== H264NalType.Slice && t !== H264NalType.IdrSlice && t !== H264NalType.SliceDataA) {
    throw new MediaError('MEDIA_BAD_NAL', `NAL type ${t} carries no slice header`, { offset: 0 });
  }
  const r = new BitReader(nal, { offset: 1 });
  const firstMbInSlice = r.ue();
  const raw = r.ue();
  if (raw > 9)
    throw new MediaError('MEDIA_BAD_NAL', `slice_type ${raw} out of range`, { offset: r.byteOffset });
  const ppsId = r.ue();
  if (ppsId > 255)
    throw new MediaError('MEDIA_BAD_NAL', `pic_parameter_set_id ${ppsId} > 255`, { offset: r.byteOffset });
  return {
    firstMbInSlice,
    sliceType: SLICE_TYPES[raw % 5] as H264SliceType,
    allSlicesSameType: raw >= 5,
    ppsId,
  };
}

/**
 * True when an access unit holds a B-slice, i.e. the stream uses bidirectional prediction and its
 * frames arrive out of presentation order (browsers handle that poorly over WebRTC). Unreadable slice
 * headers count as not B.
 *
 * @example
 * if (h264HasBSlice(frame.nalus)) stream.warn('B-frames');
 */
export function h264HasBSlice(nalus: readonly Uint8Array[]): boolean {
  for (const nal of nalus) {
    if (
      !isH264Vcl(nal) ||
      h264NalType(nal) === H264NalType.SliceDataB ||
      h264NalType(nal) === H264NalType.SliceDataC
    ) {
      continue;
    }
    try {
      if (readH264SliceHeader(nal).sliceType === 'B') return true;
    } catch (err) {
      if (!(err instanceof MediaError)) throw err;
    }
  }
  return false;
}
