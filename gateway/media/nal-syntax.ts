import type { VideoCodec } from './frame.ts';

/**
 * Where a NAL unit sits in an access unit, which is all the grouping rules need (ITU-T H.264
 * §7.4.1.2.3, H.265 §7.4.2.4.4):
 *
 * - `aud`: access unit delimiter, always the first NAL unit of an access unit.
 * - `prefix`: a non-VCL NAL unit (SPS, PPS, SEI, VPS, ...) that, after the last VCL NAL unit of a
 *   picture, starts the next access unit.
 * - `vcl-first`: the first slice of a picture (H.264 `first_mb_in_slice == 0`, H.265
 *   `first_slice_segment_in_pic_flag == 1`): after a VCL NAL unit it starts the next access unit.
 * - `vcl`: a further slice of the same picture.
 * - `suffix`: belongs to the access unit in progress (end of sequence, filler, suffix SEI, unknown).
 */
export type NalRole = 'aud' | 'prefix' | 'vcl-first' | 'vcl' | 'suffix';

export type ParameterSetKind = 'vps' | 'sps' | 'pps';

/**
 * The codec-specific facts the codec-neutral helpers (access-unit grouping, parameter-set cache,
 * frame building) need about a NAL unit. {@link h264Syntax} and {@link h265Syntax} implement it.
 * Every method tolerates an empty or one-byte NAL unit (it is `suffix`, not a keyframe).
 */
export interface NalSyntax {
  readonly codec: VideoCodec;
  /** NAL unit header length: 1 byte in H.264, 2 in H.265. */
  readonly headerLength: 1 | 2;
  /** The parameter sets a decoder needs before a keyframe, in the order they are sent. */
  readonly parameterSetKinds: readonly ParameterSetKind[];
  role(nal: Uint8Array): NalRole;
  /** True for slice data (VCL NAL units). */
  isVcl(nal: Uint8Array): boolean;
  /** True for an IDR (H.264) / IRAP (H.265) slice: decoding can start at its picture. */
  isKeyframe(nal: Uint8Array): boolean;
  parameterSet(nal: Uint8Array): ParameterSetKind | undefined;
}
