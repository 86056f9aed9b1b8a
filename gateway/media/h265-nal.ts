import { MediaError } from './errors.ts';
import type { NalRole, NalSyntax, ParameterSetKind } from './nal-syntax.ts';

/*
 * H.265 NAL unit header (ITU-T H.265 §7.3.1.2; RFC 7798 §1.1.4):
 *
 *   +---------------+---------------+
 *   |0|1|2|3|4|5|6|7|0|1|2|3|4|5|6|7|
 *   +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 *   |F|   Type    |  LayerId  | TID |
 *   +-------------+-----------------+
 */

/** nal_unit_type values (ITU-T H.265 Table 7-1). */
export const H265NalType = {
  TrailN: 0,
  TrailR: 1,
  RaslR: 9,
  BlaWLp: 16,
  BlaWRadl: 17,
  BlaNLp: 18,
  IdrWRadl: 19,
  IdrNLp: 20,
  Cra: 21,
  Vps: 32,
  Sps: 33,
  Pps: 34,
  Aud: 35,
  EndOfSequence: 36,
  EndOfBitstream: 37,
  Filler: 38,
  PrefixSei: 39,
  SuffixSei: 40,
} as const;

/** The two-byte H.265 NAL unit header. */
export interface H265NalHeader {
  type: number;
  layerId: number;
  /** TemporalId = nuh_temporal_id_plus1 - 1. */
  temporalId: number;
}

/** nal_unit_type of an H.265 NAL unit (0 for an empty one). */
export function h265NalType(nal: Uint8Array): number {
  return ((nal[0] ?? 0) >> 1) & 0x3f;
}

/**
 * Decodes the NAL unit header. Throws `MediaError('MEDIA_BAD_NAL')` when it is shorter than two bytes,
 * forbidden_zero_bit is set or nuh_temporal_id_plus1 is 0 (§7.4.2.2).
 *
 * @example
 * parseH265NalHeader(Uint8Array.of(0x40, 0x01)); // { type: 32, layerId: 0, temporalId: 0 } (VPS)
 */
export function parseH265NalHeader(nal: Uint8Array): H265NalHeader {
  const b0 = nal[0];
  const b1 = nal[1];
  if (b0 === undefined || b1 === undefined)
    throw new MediaError('MEDIA_BAD_NAL', 'H.265 NAL header is two bytes', { offset: nal.length });
  if (b0 & 0x80) throw new MediaError('MEDIA_BAD_NAL', 'forbidden_zero_bit set', { offset: 0 });
  const tidPlus1 = b1 & 7;
  if (tidPlus1 === 0) throw new MediaError('MEDIA_BAD_NAL', 'nuh_temporal_id_plus1 is 0', { offset: 1 });
  return { type: (b0 >> 1) & 0x3f, layerId: ((b0 & 1) << 5) | (b1 >> 3), temporalId: tidPlus1 - 1 };
}

/** VCL NAL units are types 0–31 (slice segments, reserved VCL types included). */
export function isH265Vcl(nal: Uint8Array): boolean {
  return nal.length >= 2 && h265NalType(nal) < 32;
}

/** IRAP pictures (BLA, IDR, CRA; types 16–23): a decoder can start at them. */
export function isH265Irap(nal: Uint8Array): boolean {
  const t = h265NalType(nal);
  return nal.length >= 2 && t >= 16 && t <= 23;
}

/** first_slice_segment_in_pic_flag, the first bit of the slice segment header (§7.3.6.1). */
export function h265StartsPicture(nal: Uint8Array): boolean {
  return isH265Vcl(nal) && ((nal[2] ?? 0) & 0x80) !== 0;
}

function role(nal: Uint8Array): NalRole {
  if (nal.length < 2) return 'suffix';
  const t = h265NalType(nal);
  if (t < 32) return h265StartsPicture(nal) ? 'vcl-first' : 'vcl';
  if (t === H265NalType.Aud) return 'aud';
  // §7.4.2.4.4: VPS, SPS, PPS, prefix SEI, types 41..44 and 48..55 after the last VCL NAL unit of a
  // picture start the next access unit.
  if (t <= 34 || t === H265NalType.PrefixSei || (t >= 41 && t <= 44) || (t >= 48 && t <= 55)) return 'prefix';
  return 'suffix';
}

function parameterSet(nal: Uint8Array): ParameterSetKind | undefined {
  if (nal.length < 2) return undefined;
  const t = h265NalType(nal);
  return t === H265NalType.Vps
    ? 'vps'
    : t === H265NalType.Sps
      ? 'sps'
      : t === H265NalType.Pps
        ? 'pps'
        : undefined;
}

/**
 * H.265 for the codec-neutral helpers.
 *
 * @example
 * const units = groupAccessUnits(h265Syntax, splitAnnexB(bytes));
 */
export const h265Syntax: NalSyntax = {
  codec: 'H265',
  headerLength: 2,
  parameterSetKinds: ['vps', 'sps', 'pps'],
  role,
  isVcl: isH265Vcl,
  isKeyframe: isH265Irap,
  parameterSet,
};
