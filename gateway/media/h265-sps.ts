import { BitReader } from './bit-reader.ts';
import { MediaError } from './errors.ts';
import { skipVuiHead } from './vui.ts';
import { h265NalType, H265NalType } from './h265-nal.ts';

/** general_* fields of profile_tier_level() (ITU-T H.265 §7.3.3), as RFC 7798 §7.1 names them in SDP. */
export interface H265ProfileTierLevel {
  profileSpace: number;
  /** 0 Main tier, 1 High tier. */
  tierFlag: number;
  /** 1 Main, 2 Main 10, 3 Main Still Picture, 4 format range extensions, ... */
  profileIdc: number;
  /** general_profile_compatibility_flag[0..31] as a 32-bit number, flag 0 in the top bit. */
  profileCompatibilityFlags: number;
  /** The 48 bits from general_progressive_source_flag on, as six bytes (`interop-constraints`). */
  constraintIndicatorFlags: Uint8Array;
  /** 30 × the level number: 93 is level 3.1. */
  levelIdc: number;
}

/** What an H.265 SPS says about the stream: enough to describe and negotiate it. */
export interface H265Sps {
  vpsId: number;
  maxSubLayers: number;
  profileTierLevel: H265ProfileTierLevel;
  spsId: number;
  chromaFormatIdc: number;
  /** Coded size in luma samples before the conformance window. */
  codedWidth: number;
  codedHeight: number;
  /** Display size inside the conformance window. */
  width: number;
  height: number;
  bitDepthLuma: number;
  bitDepthChroma: number;
  /** sps_max_num_reorder_pics of the highest sub-layer: > 0 means frames are reordered (B-frames). */
  maxNumReorderPics: number;
  maxDecPicBuffering: number;
  /** True when the SPS has VUI parameters and they parsed up to the timing info. */
  vuiPresent: boolean;
  /** Frames per second from VUI timing info (vui_time_scale / vui_num_units_in_tick), if present. */
  frameRate: number | undefined;
}

function bad(message: string, r: BitReader): MediaError {
  return new MediaError('MEDIA_BAD_SPS', message, { offset: r.byteOffset });
}

/*
 *   profile_tier_level(1, sps_max_sub_layers_minus1) (§7.3.3):
 *     general_profile_space u(2), general_tier_flag u(1), general_profile_idc u(5)
 *     general_profile_compatibility_flag[32] u(1) x32
 *     general_progressive_source_flag .. general_inbld/reserved flag: 48 bits
 *     general_level_idc u(8)
 *     for (i < maxNumSubLayersMinus1) { sub_layer_profile_present_flag u(1), sub_layer_level_present_flag u(1) }
 *     if (maxNumSubLayersMinus1 > 0) for (i = maxNumSubLayersMinus1; i < 8) reserved_zero_2bits u(2)
 *     for (i < maxNumSubLayersMinus1) { if (profile_present) 88 bits; if (level_present) sub_layer_level_idc u(8) }
 */
function readProfileTierLevel(r: BitReader, maxSubLayersMinus1: number): H265ProfileTierLevel {
  const profileSpace = r.u(2);
  const tierFlag = r.u(1);
  const profileIdc = r.u(5);
  const profileCompatibilityFlags = r.u(32);
  const constraintIndicatorFlags = new Uint8Array(6);
  for (let i = 0; i < 6; i++) constraintIndicatorFlags[i] = r.u(8);
  const levelIdc = r.u(8);
  const present: [boolean, boolean][] = [];
  for (let i = 0; i < maxSubLayersMinus1; i++) present.push([r.flag(), r.flag()]);
  if (maxSubLayersMinus1 > 0) r.skip(2 * (8 - maxSubLayersMinus1));
  for (const [profile, level] of present) {
    if (profile) r.skip(88);
    if (level) r.skip(8);
  }
  return {
    profileSpace,
    tierFlag,
    profileIdc,
    profileCompatibilityFlags,
    constraintIndicatorFlags,
    levelIdc,
  };
}

/*
 *   seq_parameter_set_rbsp() (§7.3.2.2.1), up to the fields read here:
 *     sps_video_parameter_set_id u(4), sps_max_sub_layers_minus1 u(3), sps_temporal_id_nesting_flag u(1)
 *     profile_tier_level(1, sps_max_sub_layers_minus1)
 *     sps_seq_parameter_set_id ue(v)
 *     chroma_format_idc ue(v); if (== 3) separate_colour_plane_flag u(1)
 *     pic_width_in_luma_samples ue(v), pic_height_in_luma_samples ue(v)
 *     conformance_window_flag u(1) { conf_win_{left,right,top,bottom}_offset ue(v) }
 *     bit_depth_luma_minus8 ue(v), bit_depth_chroma_minus8 ue(v)
 *     log2_max_pic_order_cnt_lsb_minus4 ue(v)
 *     sps_sub_layer_ordering_info_present_flag u(1)
 *     for (i = present ? 0 : sps_max_sub_layers_minus1; i <= sps_max_sub_layers_minus1)
 *       { sps_max_dec_pic_buffering_minus1 ue(v), sps_max_num_reorder_pics ue(v), sps_max_latency_increase_plus1 ue(v) }
 *     log2_min_luma_coding_block_size_minus3 ue(v), log2_diff_max_min_luma_coding_block_size ue(v)
 *     log2_min_luma_transform_block_size_minus2 ue(v), log2_diff_max_min_luma_transform_block_size ue(v)
 *     max_transform_hierarchy_depth_inter ue(v), max_transform_hierarchy_depth_intra ue(v)
 *     scaling_list_enabled_flag u(1) { sps_scaling_list_data_present_flag u(1) { scaling_list_data() } }
 *     amp_enabled_flag u(1), sample_adaptive_offset_enabled_flag u(1)
 *     pcm_enabled_flag u(1) { pcm_sample_bit_depth_luma_minus1 u(4), pcm_sample_bit_depth_chroma_minus1 u(4),
 *       log2_min_pcm_luma_coding_block_size_minus3 ue(v), log2_diff_max_min_pcm_luma_coding_block_size ue(v),
 *       pcm_loop_filter_disabled_flag u(1) }
 *     num_short_term_ref_pic_sets ue(v); st_ref_pic_set(i) for each
 *     long_term_ref_pics_present_flag u(1) { num_long_term_ref_pics_sps ue(v);
 *       { lt_ref_pic_poc_lsb_sps u(v), used_by_curr_pic_lt_sps_flag u(1) } for each }
 *     sps_temporal_mvp_enabled_flag u(1), strong_intra_smoothing_enabled_flag u(1)
 *     vui_parameters_present_flag u(1) { vui_parameters() }   (Annex E.2.1, read up to the timing info)
 */

/**
 * Parses an H.265 SPS NAL unit (type 33, two-byte header included): profile/tier/level, size with the
 * conformance window, bit depth, reordering, and the frame rate from the VUI timing info. Throws
 * `MediaError`; a VUI cut short or malformed leaves `vuiPresent` false instead.
 *
 * @example
 * const sps = parseH265Sps(nal);
 * `${sps.width}x${sps.height} profile ${sps.profileTierLevel.profileIdc}`; // '320x180 profile 1'
 */
export function parseH265Sps(nal: Uint8Array): H265Sps {
  if (nal.length < 2 || h265NalType(nal) !== H265NalType.Sps) {
    throw new MediaError('MEDIA_BAD_NAL', `NAL type ${h265NalType(nal)} is not an SPS`, { offset: 0 });
  }
  const r = new BitReader(nal, { offset: 2 });
  const vpsId = r.u(4);
  const maxSubLayersMinus1 = r.u(3);
  if (maxSubLayersMinus1 > 6) throw bad(`sps_max_sub_layers_minus1 ${maxSubLayersMinus1} > 6`, r);
  r.skip(1);
  const profileTierLevel = readProfileTierLevel(r, maxSubLayersMinus1);
  const spsId = r.ue();
  if (spsId > 15) throw bad(`sps_seq_parameter_set_id ${spsId} > 15`, r);
  const chromaFormatIdc = r.ue();
  if (chromaFormatIdc > 3) throw bad(`chroma_format_idc ${chromaFormatIdc} > 3`, r);
  const separateColourPlane = chromaFormatIdc === 3 ? r.flag() : false;
  const codedWidth = r.ue();
  const codedHeight = r.ue();
  if (codedWidth === 0 || codedHeight === 0 || codedWidth > 16888 || codedHeight > 16888) {
    throw bad(`picture of ${codedWidth}x${codedHeight}`, r);
  }
  let left = 0;
  let right = 0;
  let top = 0;
  let bottom = 0;
  if (r.flag()) {
    left = r.ue();
    right = r.ue();
    top = r.ue();
    bottom = r.ue();
  }
  // Table 6-1: SubWidthC/SubHeightC are 2/2 for 4:2:0, 2/1 for 4:2:2, 1/1 for 4:4:4 and monochrome.
  const chromaArrayType = separateColourPlane ? 0 : chromaFormatIdc;
  const subWidthC = chromaArrayType === 1 || chromaArrayType === 2 ? 2 : 1;
  const subHeightC = chromaArrayType === 1 ? 2 : 1;
  const width = codedWidth - subWidthC * (left + right);
  const height = codedHeight - subHeightC * (top + bottom);
  if (width <= 0 || height <= 0) throw bad(`conformance window leaves ${width}x${height}`, r);
  const bitDepthLuma = r.ue() + 8;
  const bitDepthChroma = r.ue() + 8;
  if (bitDepthLuma > 16 || bitDepthChroma > 16) throw bad('bit depth > 16', r);
  const log2MaxPocLsb = r.ue() + 4;
  if (log2MaxPocLsb > 16) throw bad('log2_max_pic_order_cnt_lsb_minus4 > 12', r);
  const allSubLayers = r.flag();
  let maxDecPicBuffering = 0;
  let maxNumReorderPics = 0;
  for (let i = allSubLayers ? 0 : maxSubLayersMinus1; i <= maxSubLayersMinus1; i++) {
    maxDecPicBuffering = r.ue() + 1;
    maxNumReorderPics = r.ue();
    r.ue();
  }
  let vui: { frameRate: number | undefined } | undefined;
  try {
    vui = readToVuiTiming(r, log2MaxPocLsb);
  } catch (err) {
    // Like H.264 cameras, some send a VUI cut short: the size and profile above still stand.
    if (!(err instanceof MediaError)) throw err;
  }
  return {
    vpsId,
    maxSubLayers: maxSubLayersMinus1 + 1,
    profileTierLevel,
    spsId,
    chromaFormatIdc,
    codedWidth,
    codedHeight,
    width,
    height,
    bitDepthLuma,
    bitDepthChroma,
    maxNumReorderPics,
    maxDecPicBuffering,
    vuiPresent: vui !== undefined,
    frameRate: vui?.frameRate,
  };
}

/*
 *   scaling_list_data() (§7.3.4):
 *     for (sizeId = 0; sizeId < 4; sizeId++)
 *       for (matrixId = 0; matrixId < 6; matrixId += (sizeId == 3) ? 3 : 1) {
 *         scaling_list_pred_mode_flag u(1)
 *         if (!scaling_list_pred_mode_flag) scaling_list_pred_matrix_id_delta ue(v)
 *         else { if (sizeId > 1) scaling_list_dc_coef_minus8 se(v)
 *                for (i < Min(64, 1 << (4 + (sizeId << 1)))) scaling_list_delta_coef se(v) }
 *       }
 */
function skipScalingListData(r: BitReader): void {
  for (let sizeId = 0; sizeId < 4; sizeId++) {
    for (let matrixId = 0; matrixId < 6; matrixId += sizeId === 3 ? 3 : 1) {
      if (!r.flag()) {
        r.ue();
        continue;
      }
      if (sizeId > 1) r.se();
      const coefs = Math.min(64, 1 << (4 + (sizeId << 1)));
      for (let i = 0; i < coefs; i++) r.se();
    }
  }
}

/*
 *   st_ref_pic_set(stRpsIdx) (§7.3.7), in an SPS (stRpsIdx < num_short_term_ref_pic_sets):
 *     if (stRpsIdx != 0) inter_ref_pic_set_prediction_flag u(1)
 *     if (inter_ref_pic_set_prediction_flag) {
 *       delta_rps_sign u(1), abs_delta_rps_minus1 ue(v)
 *       for (j <= NumDeltaPocs[stRpsIdx - 1]) { used_by_curr_pic_flag[j] u(1);
 *         if (!used_by_curr_pic_flag[j]) use_delta_flag[j] u(1) }
 *     } else {
 *       num_negative_pics ue(v), num_positive_pics ue(v)
 *       { delta_poc_s0_minus1 ue(v), used_by_curr_pic_s0_flag u(1) } x num_negative_pics
 *       { delta_poc_s1_minus1 ue(v), used_by_curr_pic_s1_flag u(1) } x num_positive_pics
 *     }
 * Returns NumDeltaPocs[stRpsIdx]: with prediction, the entries whose used_by_curr_pic_flag or
 * use_delta_flag (inferred 1 when absent) is set (Equations 7-61, 7-62).
 */
function skipStRefPicSet(r: BitReader, idx: number, prevNumDeltaPocs: number): number {
  if (idx !== 0 && r.flag()) {
    r.skip(1);
    r.ue();
    let n = 0;
    for (let j = 0; j <= prevNumDeltaPocs; j++) if (r.flag() || r.flag()) n++;
    return n;
  }
  const negative = r.ue();
  const positive = r.ue();
  if (negative > 16 || positive > 16)
    throw new MediaError('MEDIA_BAD_SPS', 'more than 16 reference pictures', { offset: r.byteOffset });
  for (let i = 0; i < negative + positive; i++) {
    r.ue();
    r.skip(1);
  }
  return negative + positive;
}

/** Reads from log2_min_luma_coding_block_size_minus3 to the VUI timing info; undefined without VUI. */
function readToVuiTiming(r: BitReader, log2MaxPocLsb: number): { frameRate: number | undefined } | undefined {
  for (let i = 0; i < 6; i++) r.ue();
  if (r.flag() && r.flag()) skipScalingListData(r);
  r.skip(2);
  if (r.flag()) {
    r.skip(8);
    r.ue();
    r.ue();
    r.skip(1);
  }
  const sets = r.ue();
  if (sets > 64)
    throw new MediaError('MEDIA_BAD_SPS', `num_short_term_ref_pic_sets ${sets} > 64`, {
      offset: r.byteOffset,
    });
  let numDeltaPocs = 0;
  for (let i = 0; i < sets; i++) numDeltaPocs = skipStRefPicSet(r, i, numDeltaPocs);
  if (r.flag()) {
    const lt = r.ue();
    if (lt > 32)
      throw new MediaError('MEDIA_BAD_SPS', `num_long_term_ref_pics_sps ${lt} > 32`, {
        offset: r.byteOffset,
      });
    for (let i = 0; i < lt; i++) r.skip(log2MaxPocLsb + 1);
  }
  r.skip(2);
  if (!r.flag()) return undefined;
  // vui_parameters() (E.2.1) up to vui_timing_info_present_flag.
  skipVuiHead(r);
  r.skip(3); // neutral_chroma_indication_flag, field_seq_flag, frame_field_info_present_flag
  if (r.flag()) for (let i = 0; i < 4; i++) r.ue(); // default display window
  if (!r.flag()) return { frameRate: undefined };
  const numUnitsInTick = r.u(32);
  const timeScale = r.u(32);
  // E.3.1: a picture lasts num_units_in_tick / time_scale seconds (no field factor, unlike H.264).
  return { frameRate: numUnitsInTick > 0 && timeScale > 0 ? timeScale / numUnitsInTick : undefined };
}
