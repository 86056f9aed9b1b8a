import { BitReader } from './bit-reader.ts';
import { MediaError } from './errors.ts';
import { h265NalType, H265NalType, isH265Irap, isH265Vcl } from './h265-nal.ts';

/** The fields of an H.265 PPS that slice headers depend on (ITU-T H.265 §7.3.2.3.1). */
export interface H265Pps {
  ppsId: number;
  spsId: number;
  dependentSliceSegmentsEnabled: boolean;
  outputFlagPresent: boolean;
  numExtraSliceHeaderBits: number;
}

/*
 *   pic_parameter_set_rbsp() (§7.3.2.3.1), the leading fields:
 *     pps_pic_parameter_set_id ue(v), pps_seq_parameter_set_id ue(v),
 *     dependent_slice_segments_enabled_flag u(1), output_flag_present_flag u(1),
 *     num_extra_slice_header_bits u(3), ...
 */

/**
 * Parses the leading fields of an H.265 PPS (type 34). Throws `MediaError`.
 *
 * @example
 * const pps = parseH265Pps(ppsNal); // { ppsId: 0, spsId: 0, numExtraSliceHeaderBits: 0, ... }
 */
export function parseH265Pps(nal: Uint8Array): H265Pps {
  if (nal.length < 2 || h265NalType(nal) !== H265NalType.Pps) {
    throw new MediaError('MEDIA_BAD_NAL', `NAL type ${h265NalType(nal)} is not a PPS`, { offset: 0 });
  }
  const r = new BitReader(nal, { offset: 2 });
  const ppsId = r.ue();
  const spsId = r.ue();
  if (ppsId > 63 || spsId > 15)
    throw new MediaError('MEDIA_BAD_NAL', `PPS ids ${ppsId}/${spsId} out of range`, { offset: r.byteOffset });
  return {
    ppsId,
    spsId,
    dependentSliceSegmentsEnabled: r.flag(),
    outputFlagPresent: r.flag(),
    numExtraSliceHeaderBits: r.u(3),
  };
}

/** slice_type (ITU-T H.265 Table 7-7). */
export type H265SliceType = 'B' | 'P' | 'I';
const SLICE_TYPES: readonly H265SliceType[] = ['B', 'P', 'I'];

/*
 *   slice_segment_header() (§7.3.6.1), for the first slice segment of a picture:
 *     first_slice_segment_in_pic_flag u(1)                        = 1
 *     if (IRAP) no_output_of_prior_pics_flag u(1)
 *     slice_pic_parameter_set_id ue(v)
 *     slice_reserved_flag[i] u(1) x num_extra_slice_header_bits
 *     slice_type ue(v)
 */

/**
 * The slice type of the first slice segment of a picture, given the PPS it refers to; undefined for
 * the other slice segments (their headers need the picture size to read; one picture's slices are
 * enough to tell B-frames). Throws `MediaError` on a non-VCL NAL unit or hostile bytes.
 *
 * @example
 * readH265SliceType(sliceNal, parseH265Pps(ppsNal)); // 'B'
 */
export function readH265SliceType(
  nal: Uint8Array,
  pps: Pick<H265Pps, 'numExtraSliceHeaderBits'>,
): H265SliceType | undefined {
  if (!isH265Vcl(nal))
    throw new MediaError('MEDIA_BAD_NAL', `NAL type ${h265NalType(nal)} is not a slice`, { offset: 0 });
  const r = new BitReader(nal, { offset: 2 });
  if (!r.flag()) return undefined;
  if (isH265Irap(nal)) r.skip(1);
  r.ue();
  r.skip(pps.numExtraSliceHeaderBits);
  const t = r.ue();
  const type = SLICE_TYPES[t];
  if (type === undefined)
    throw new MediaError('MEDIA_BAD_NAL', `slice_type ${t} out of range`, { offset: r.byteOffset });
  return type;
}

/**
 * True when an access unit's first slice segment is a B-slice. `pps` is the stream's PPS (the access
 * unit's own PPS wins when it has one). Unreadable headers count as not B.
 *
 * @example
 * if (h265HasBSlice(frame.nalus, pps)) stream.warn('B-frames');
 */
export function h265HasBSlice(
  nalus: readonly Uint8Array[],
  pps?: Pick<H265Pps, 'numExtraSliceHeaderBits'>,
): boolean {
  let current = pps;
  for (const nal of nalus) {
    try {
      if (h265NalType(nal) === H265NalType.Pps) current = parseH265Pps(nal);
      else if (current && isH265Vcl(nal) && readH265SliceType(nal, current) === 'B') return true;
    } catch (err) {
      if (!(err instanceof MediaError)) throw err;
    }
  }
  return false;
}
