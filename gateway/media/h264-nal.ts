import type { NalRole, NalSyntax, ParameterSetKind } from './nal-syntax.ts';

/*
 * H.264 NAL unit header (ITU-T H.264 §7.3.1):
 *
 *   +---------------+
 *   |0|1|2|3|4|5|6|7|
 *   +-+-+-+-+-+-+-+-+
 *   |F|NRI|  Type   |
 *   +---------------+
 */

/** nal_unit_type values (ITU-T H.264 Table 7-1). */
export const H264NalType = {
  Slice: 1,
  SliceDataA: 2,
  SliceDataB: 3,
  SliceDataC: 4,
  IdrSlice: 5,
  Sei: 6,
  Sps: 7,
  Pps: 8,
  Aud: 9,
  EndOfSequence: 10,
  EndOfStream: 11,
  Filler: 12,
  SpsExtension: 13,
  Prefix: 14,
  SubsetSps: 15,
} as const;

/** nal_unit_type of an H.264 NAL unit (0 for an empty one). */
export function h264NalType(nal: Uint8Array): number {
  return (nal[0] ?? 0) & 0x1f;
}

/** nal_ref_idc (0 = not used for reference: droppable). */
export function h264NalRefIdc(nal: Uint8Array): number {
  return ((nal[0] ?? 0) >> 5) & 3;
}

/** True for slice NAL units (types 1–5). */
export function isH264Vcl(nal: Uint8Array): boolean {
  const t = h264NalType(nal);
  return t >= 1 && t <= 5;
}

/** True for an IDR slice. */
export function isH264Idr(nal: Uint8Array): boolean {
  return h264NalType(nal) === H264NalType.IdrSlice;
}

/**
 * True when a slice NAL unit starts a picture: first_mb_in_slice, the first ue(v) of the slice header
 * (§7.3.3), is 0 exactly when its first bit is 1. Byte 1 can hold no emulation prevention byte.
 * (Arbitrary slice order streams may send a picture's first slice later; x264, cameras and browsers do
 * not.)
 */
export function h264StartsPicture(nal: Uint8Array): boolean {
  const t = h264NalType(nal);
  return (t === 1 || t === 2 || t === 5) && ((nal[1] ?? 0) & 0x80) !== 0;
}

function role(nal: Uint8Array): NalRole {
  const t = h264NalType(nal);
  if (t === H264NalType.Aud) return 'aud';
  // §7.4.1.2.3: SPS, PPS, SEI and types 14–18 after the last VCL NAL unit start a new access unit.
  if (t === H264NalType.Sps || t === H264NalType.Pps || t === H264NalType.Sei || (t >= 14 && t <= 18)) {
    return 'prefix';
  }
  if (t >= 1 && t <= 5) return nal.length > 1 && h264StartsPicture(nal) ? 'vcl-first' : 'vcl';
  return 'suffix';
}

function parameterSet(nal: Uint8Array): ParameterSetKind | undefined {
  const t = h264NalType(nal);
  return t === H264NalType.Sps ? 'sps' : t === H264NalType.Pps ? 'pps' : undefined;
}

/**
 * H.264 for the codec-neutral helpers.
 *
 * @example
 * const assembler = new AccessUnitAssembler(h264Syntax);
 */
export const h264Syntax: NalSyntax = {
  codec: 'H264',
  headerLength: 1,
  parameterSetKinds: ['sps', 'pps'],
  role,
  isVcl: isH264Vcl,
  isKeyframe: isH264Idr,
  parameterSet,
};
