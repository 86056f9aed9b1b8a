import type { BitReader } from './bit-reader.ts';

/**
 * Skips the head that H.264 vui_parameters() (Annex E.1.1) and H.265 vui_parameters() (Annex E.2.1)
 * share, up to the codec-specific part:
 *
 *   aspect_ratio_info_present_flag u(1) { aspect_ratio_idc u(8); if (== 255 Extended_SAR) sar_width u(16), sar_height u(16) }
 *   overscan_info_present_flag u(1) { overscan_appropriate_flag u(1) }
 *   video_signal_type_present_flag u(1) { video_format u(3), video_full_range_flag u(1),
 *     colour_description_present_flag u(1) { colour_primaries u(8), transfer_characteristics u(8), matrix_coeffs u(8) } }
 *   chroma_loc_info_present_flag u(1) { chroma_sample_loc_type_top_field ue(v), ..._bottom_field ue(v) }
 */
export function skipVuiHead(r: BitReader): void {
  if (r.flag() && r.u(8) === 255) r.skip(32);
  if (r.flag()) r.skip(1);
  if (r.flag()) {
    r.skip(4);
    if (r.flag()) r.skip(24);
  }
  if (r.flag()) {
    r.ue();
    r.ue();
  }
}
