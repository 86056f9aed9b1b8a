import { BitReader } from './bit-reader.ts';
import { MediaError } from './errors.ts';
import { skipVuiHead } from './vui.ts';
import { h264NalType, H264NalType } from './h264-nal.ts';

/*
 * seq_parameter_set_data() (ITU-T H.264 §7.3.2.1.1), the fields read here:
 *
 *   profile_idc u(8), constraint_set0..5_flag u(1) x6, reserved_zero_2bits u(2), level_idc u(8)
 *   seq_parameter_set_id ue(v)
 *   if (profile_idc in HIGH_PROFILES) {
 *     chroma_format_idc ue(v); if (chroma_format_idc == 3) separate_colour_plane_flag u(1)
 *     bit_depth_luma_minus8 ue(v), bit_depth_chroma_minus8 ue(v)
 *     qpprime_y_zero_transform_bypass_flag u(1), seq_scaling_matrix_present_flag u(1)
 *     if (seq_scaling_matrix_present_flag) for (i < (chroma_format_idc != 3 ? 8 : 12))
 *       seq_scaling_list_present_flag[i] u(1) -> scaling_list(i < 6 ? 16 : 64)
 *   }
 *   log2_max_frame_num_minus4 ue(v)
 *   pic_order_cnt_type ue(v)
 *   if (== 0) log2_max_pic_order_cnt_lsb_minus4 ue(v)
 *   else if (== 1) { delta_pic_order_always_zero_flag u(1), offset_for_non_ref_pic se(v),
 *     offset_for_top_to_bottom_field se(v), num_ref_frames_in_pic_order_cnt_cycle ue(v),
 *     offset_for_ref_frame[i] se(v) ... }
 *   max_num_ref_frames ue(v), gaps_in_frame_num_value_allowed_flag u(1)
 *   pic_width_in_mbs_minus1 ue(v), pic_height_in_map_units_minus1 ue(v)
 *   frame_mbs_only_flag u(1); if (!frame_mbs_only_flag) mb_adaptive_frame_field_flag u(1)
 *   direct_8x8_inference_flag u(1)
 *   frame_cropping_flag u(1); if (...) frame_crop_{left,right,top,bottom}_offset ue(v)
 *   vui_parameters_present_flag u(1); if (...) vui_parameters()   (Annex E.1.1)
 */

/** Profiles whose SPS carries chroma format, bit depth and scaling matrices (§7.3.2.1.1). */
const HIGH_PROFILES = new Set([100, 110, 122, 244, 44, 83, 86, 118, 128, 138, 139, 134, 135]);

/** What an H.264 SPS says about the stream: enough to describe it, negotiate it and spot B-frames. */
export interface H264Sps {
  profileIdc: number;
  /** constraint_set0_flag..constraint_set5_flag and the two reserved bits, as the byte of profile-level-id. */
  constraintFlags: number;
  levelIdc: number;
  spsId: number;
  chromaFormatIdc: number;
  bitDepthLuma: number;
  bitDepthChroma: number;
  log2MaxFrameNum: number;
  picOrderCntType: number;
  maxNumRefFrames: number;
  frameMbsOnly: boolean;
  /** Coded size in luma samples before cropping. */
  codedWidth: number;
  codedHeight: number;
  /** Display size after frame cropping. */
  width: number;
  height: number;
  crop: { left: number; right: number; top: number; bottom: number };
  /** True when the SPS has VUI parameters and they parsed. */
  vuiPresent: boolean;
  /** Frames per second from VUI timing_info (time_scale / (2 * num_units_in_tick)), if present. */
  frameRate: number | undefined;
  fixedFrameRate: boolean | undefined;
  /** VUI bitstream_restriction max_num_reorder_frames, if present: > 0 means B-frames may reorder. */
  maxNumReorderFrames: number | undefined;
  maxDecFrameBuffering: number | undefined;
}

function bad(message: string, r: BitReader): MediaError {
  return new MediaError('MEDIA_BAD_SPS', message, { offset: r.byteOffset });
}

/** Skips scaling_list() (§7.3.2.1.1.1): only delta_scale se(v) values until nextScale becomes 0. */
function skipScalingList(r: BitReader, size: number): void {
  let last = 8;
  let next = 8;
  for (let j = 0; j < size; j++) {
    if (next !== 0) {
      const delta = r.se();
      if (delta < -128 || delta > 127) throw bad(`delta_scale ${delta} out of range`, r);
      next = (last + delta + 256) % 256;
    }
    last = next === 0 ? last : next;
  }
}

/*
 *   hrd_parameters() (Annex E.1.2):
 *     cpb_cnt_minus1 ue(v), bit_rate_scale u(4), cpb_size_scale u(4)
 *     for (i <= cpb_cnt_minus1) { bit_rate_value_minus1 ue(v), cpb_size_value_minus1 ue(v), cbr_flag u(1) }
 *     initial_cpb_removal_delay_length_minus1 u(5), cpb_removal_delay_length_minus1 u(5),
 *     dpb_output_delay_length_minus1 u(5), time_offset_length u(5)
 */
function skipHrd(r: BitReader): void {
  const cpbCnt = r.ue() + 1;
  if (cpbCnt > 32) throw bad(`cpb_cnt_minus1 ${cpbCnt - 1} > 31`, r);
  r.skip(8);
  for (let i = 0; i < cpbCnt; i++) {
    r.ue();
    r.ue();
    r.skip(1);
  }
  r.skip(20);
}

interface Vui {
  frameRate: number | undefined;
  fixedFrameRate: boolean | undefined;
  maxNumReorderFrames: number | undefined;
  maxDecFrameBuffering: number | undefined;
}

/*
 *   vui_parameters() (Annex E.1.1):
 *     aspect ratio, overscan, video signal type, chroma location: see skipVuiHead (vui.ts)
 *     timing_info_present_flag u(1) { num_units_in_tick u(32), time_scale u(32), fixed_frame_rate_flag u(1) }
 *     nal_hrd_parameters_present_flag u(1) { hrd_parameters() }
 *     vcl_hrd_parameters_present_flag u(1) { hrd_parameters() }
 *     if (nal_hrd || vcl_hrd) low_delay_hrd_flag u(1)
 *     pic_struct_present_flag u(1)
 *     bitstream_restriction_flag u(1) { motion_vectors_over_pic_boundaries_flag u(1),
 *       max_bytes_per_pic_denom ue(v), max_bits_per_mb_denom ue(v), log2_max_mv_length_horizontal ue(v),
 *       log2_max_mv_length_vertical ue(v), max_num_reorder_frames ue(v), max_dec_frame_buffering ue(v) }
 */
function readVui(r: BitReader): Vui {
  const vui: Vui = {
    frameRate: undefined,
    fixedFrameRate: undefined,
    maxNumReorderFrames: undefined,
    maxDecFrameBuffering: undefined,
  };
  skipVuiHead(r);
  if (r.flag()) {
    const numUnitsInTick = r.u(32);
    const timeScale = r.u(32);
    vui.fixedFrameRate = r.flag();
    // A frame is two field ticks (E.2.1, Equation C-1 with frame_mbs_only progressive frames).
    if (numUnitsInTick > 0 && timeScale > 0) vui.frameRate = timeScale / (2 * numUnitsInTick);
  }
  const nalHrd = r.flag();
  if (nalHrd) skipHrd(r);
  const vclHrd = r.flag();
  if (vclHrd) skipHrd(r);
  if (nalHrd || vclHrd) r.skip(1);
  r.skip(1);
  if (r.flag()) {
    r.skip(1);
    r.ue();
    r.ue();
    r.ue();
    r.ue();
    vui.maxNumReorderFrames = r.ue();
    vui.maxDecFrameBuffering = r.ue();
  }
  return vui;
}

/**
 * Parses an H.264 SPS NAL unit (type 7, header included). Throws `MediaError` (`MEDIA_BAD_NAL`,
 * `MEDIA_BAD_SPS`, `MEDIA_TRUNCATED`, `MEDIA_BAD_EXP_GOLOMB`) on hostile bytes. A VUI that is cut short
 * or malformed (some cameras send one) is ignored rather than failing the SPS: `vuiPresent` is then
 * false.
 *
 * @example
 * const sps = parseH264Sps(nal);
 * `${sps.width}x${sps.height}@${sps.frameRate}`; // '640x360@30'
 */
export function parseH264Sps(nal: Uint8Array): H264Sps {
  if (h264NalType(nal) !== H264NalType.Sps) {
    throw new MediaError('MEDIA_BAD_NAL', `NAL type ${h264NalType(nal)} is not an SPS`, { offset: 0 });
  }
  const r = new BitReader(nal, { offset: 1 });
  const profileIdc = r.u(8);
  const constraintFlags = r.u(8);
  const levelIdc = r.u(8);
  const spsId = r.ue();
  if (spsId > 31) throw bad(`seq_parameter_set_id ${spsId} > 31`, r);
  let chromaFormatIdc = 1;
  let separateColourPlane = false;
  let bitDepthLuma = 8;
  let bitDepthChroma = 8;
  if (HIGH_PROFILES.has(profileIdc)) {
    chromaFormatIdc = r.ue();
    if (chromaFormatIdc > 3) throw bad(`chroma_format_idc ${chromaFormatIdc} > 3`, r);
    if (chromaFormatIdc === 3) separateColourPlane = r.flag();
    bitDepthLuma = r.ue() + 8;
    bitDepthChroma = r.ue() + 8;
    if (bitDepthLuma > 14 || bitDepthChroma > 14) throw bad('bit depth > 14', r);
    r.skip(1);
    if (r.flag()) {
      const lists = chromaFormatIdc !== 3 ? 8 : 12;
      for (let i = 0; i < lists; i++) if (r.flag()) skipScalingList(r, i < 6 ? 16 : 64);
    }
  }
  const log2MaxFrameNum = r.ue() + 4;
  if (log2MaxFrameNum > 16) throw bad(`log2_max_frame_num_minus4 ${log2MaxFrameNum - 4} > 12`, r);
  const picOrderCntType = r.ue();
  if (picOrderCntType > 2) throw bad(`pic_order_cnt_type ${picOrderCntType} > 2`, r);
  if (picOrderCntType === 0) {
    if (r.ue() > 12) throw bad('log2_max_pic_order_cnt_lsb_minus4 > 12', r);
  } else if (picOrderCntType === 1) {
    r.skip(1);
    r.se();
    r.se();
    const cycle = r.ue();
    if (cycle > 255) throw bad(`num_ref_frames_in_pic_order_cnt_cycle ${cycle} > 255`, r);
    for (let i = 0; i < cycle; i++) r.se();
  }
  const maxNumRefFrames = r.ue();
  r.skip(1);
  const widthMbs = r.ue() + 1;
  const heightMapUnits = r.ue() + 1;
  // Level 6.2 allows 139264 macroblocks per frame; anything far above is garbage.
  if (widthMbs > 1024 || heightMapUnits > 1024)
    throw bad(`picture of ${widthMbs}x${heightMapUnits} macroblocks`, r);
  const frameMbsOnly = r.flag();
  if (!frameMbsOnly) r.skip(1);
  r.skip(1);
  const crop = { left: 0, right: 0, top: 0, bottom: 0 };
  if (r.flag()) {
    crop.left = r.ue();
    crop.right = r.ue();
    crop.top = r.ue();
    crop.bottom = r.ue();
  }
  // §7.4.2.1.1, Equations 7-19..7-22: crop units depend on chroma subsampling and field coding.
  const chromaArrayType = separateColourPlane ? 0 : chromaFormatIdc;
  const subWidthC = chromaFormatIdc === 3 ? 1 : 2;
  const subHeightC = chromaFormatIdc === 1 ? 2 : 1;
  const cropUnitX = chromaArrayType === 0 ? 1 : subWidthC;
  const cropUnitY = (chromaArrayType === 0 ? 1 : subHeightC) * (frameMbsOnly ? 1 : 2);
  const codedWidth = widthMbs * 16;
  const codedHeight = (frameMbsOnly ? 1 : 2) * heightMapUnits * 16;
  const width = codedWidth - cropUnitX * (crop.left + crop.right);
  const height = codedHeight - cropUnitY * (crop.top + crop.bottom);
  if (width <= 0 || height <= 0) throw bad(`cropping leaves ${width}x${height}`, r);
  let vui: Vui | undefined;
  if (r.flag()) {
    try {
      vui = readVui(r);
    } catch (err) {
      if (!(err instanceof MediaError)) throw err;
    }
  }
  return {
    profileIdc,
    constraintFlags,
    levelIdc,
    spsId,
    chromaFormatIdc,
    bitDepthLuma,
    bitDepthChroma,
    log2MaxFrameNum,
    picOrderCntType,
    maxNumRefFrames,
    frameMbsOnly,
    codedWidth,
    codedHeight,
    width,
    height,
    crop,
    vuiPresent: vui !== undefined,
    frameRate: vui?.frameRate,
    fixedFrameRate: vui?.fixedFrameRate,
    maxNumReorderFrames: vui?.maxNumReorderFrames,
    maxDecFrameBuffering: vui?.maxDecFrameBuffering,
  };
}

/**
 * Whether the stream may output frames in another order than it decodes them (B-frames): from VUI
 * max_num_reorder_frames when present; otherwise no for Baseline/Constrained Baseline (66, no B-slices)
 * and for pic_order_cnt_type 2 (output order is decoding order, §8.2.1.3), else maybe (true).
 * Confirm on the stream itself with {@link h264HasBSlice}.
 *
 * @example
 * if (spsAllowsReordering(sps)) warn('camera sends B-frames: browsers stutter');
 */
export function spsAllowsReordering(sps: H264Sps): boolean {
  if (sps.maxNumReorderFrames !== undefined) return sps.maxNumReorderFrames > 0;
  return !(sps.profileIdc === 66 || sps.picOrderCntType === 2);
}
