/**
 * H.264 `profile-level-id` (RFC 6184 §8.1) as negotiation needs it: which profile a value names and
 * which level it bounds. The three bytes are profile_idc, profile-iop (constraint_set0..5 flags) and
 * level_idc:
 *
 *    0                   1                   2
 *    0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1 2 3
 *   +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 *   |  profile_idc  |0|1|2|3|4|5|r|r|   level_idc   |
 *   +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 *                    constraint_setN_flag
 *
 * Two values name the same profile even when their bytes differ (`42e01f` and `42c01f` are both
 * Constrained Baseline, RFC 6184 §8.1 Table 5), so offers are matched by profile, never by string.
 */

/** The profiles RFC 6184 Table 5 and H.264 Annex A define that browsers and cameras use. */
export type H264ProfileName =
  | 'constrained-baseline'
  | 'baseline'
  | 'extended'
  | 'main'
  | 'constrained-high'
  | 'high'
  | 'high-10'
  | 'high-422'
  | 'high-444';

export interface H264ProfileLevel {
  readonly profileIdc: number;
  /** profile-iop: constraint_set0_flag is 0x80 … constraint_set5_flag 0x04. */
  readonly profileIop: number;
  readonly levelIdc: number;
  /** The profile these bytes name; undefined for a profile_idc this table does not know. */
  readonly profile: H264ProfileName | undefined;
  /** The level as an orderable number: level_idc, with level 1b placed between 1 (10) and 1.1 (11). */
  readonly level: number;
}

const SET0 = 0x80;
const SET1 = 0x40;
const SET3 = 0x10;
const SET4 = 0x08;
const SET5 = 0x04;

/** RFC 6184 §8.1 Table 5 (and H.264 A.2): profile_idc plus constraint flags → profile. */
function profileOf(idc: number, iop: number): H264ProfileName | undefined {
  switch (idc) {
    case 0x42: // Baseline; constraint_set1 (Main-conformant) makes it Constrained Baseline
      return iop & SET1 ? 'constrained-baseline' : 'baseline';
    case 0x4d: // Main; constraint_set0 (Baseline-conformant) makes it Constrained Baseline
      return iop & SET0 ? 'constrained-baseline' : 'main';
    case 0x58: // Extended
      if ((iop & (SET0 | SET1)) === (SET0 | SET1)) return 'constrained-baseline';
      return iop & SET0 ? 'baseline' : 'extended';
    case 0x64: // High; constraint_set4 and 5 (no B slices, frame-only) make it Constrained High
      return (iop & (SET4 | SET5)) === (SET4 | SET5) ? 'constrained-high' : 'high';
    case 0x6e:
      return 'high-10';
    case 0x7a:
      return 'high-422';
    case 0xf4:
      return 'high-444';
    default:
      return undefined;
  }
}

/**
 * Parses a `profile-level-id` value; undefined when it is not six hex digits. An absent parameter
 * means Baseline at level 1 (RFC 6184 §8.1: "If no profile-level-id is present, the Baseline profile,
 * without additional constraints at Level 1 MUST be inferred"), i.e. `42000a`.
 *
 * @example
 * parseH264ProfileLevelId('42e01f'); // { profile: 'constrained-baseline', level: 31, … }
 */
export function parseH264ProfileLevelId(value: string | undefined): H264ProfileLevel | undefined {
  const v = (value ?? '42000a').trim();
  if (!/^[0-9a-fA-F]{6}$/.test(v)) return undefined;
  const n = parseInt(v, 16);
  const profileIdc = n >> 16;
  const profileIop = (n >> 8) & 0xff;
  const levelIdc = n & 0xff;
  // H.264 A.3.1/A.3.2: level 1b is level_idc 11 with constraint_set3 in Baseline/Main/Extended, or 9.
  const is1b =
    levelIdc === 9 || (levelIdc === 11 && profileIop & SET3 && [0x42, 0x4d, 0x58].includes(profileIdc));
  return {
    profileIdc,
    profileIop,
    levelIdc,
    profile: profileOf(profileIdc, profileIop),
    level: is1b ? 10.5 : levelIdc,
  };
}

/**
 * Which stream profiles a decoder of each profile decodes (H.264 Annex A.2: each profile's decoder
 * is a superset of the ones listed). Constrained High is High without B slices, so its decoders are
 * not assumed to take Main's B slices.
 */
const DECODES: Record<H264ProfileName, readonly H264ProfileName[]> = {
  'constrained-baseline': ['constrained-baseline'],
  baseline: ['constrained-baseline', 'baseline'],
  extended: ['constrained-baseline', 'baseline', 'extended'],
  main: ['constrained-baseline', 'main'],
  'constrained-high': ['constrained-baseline', 'constrained-high'],
  high: ['constrained-baseline', 'main', 'constrained-high', 'high'],
  'high-10': ['constrained-baseline', 'main', 'constrained-high', 'high', 'high-10'],
  'high-422': ['constrained-baseline', 'main', 'constrained-high', 'high', 'high-10', 'high-422'],
  'high-444': ['constrained-baseline', 'main', 'constrained-high', 'high', 'high-10', 'high-422', 'high-444'],
};

/**
 * True when a receiver announcing `receiver` decodes a stream announced as `stream`: the receiver's
 * profile includes the stream's (profile compatibility, not string equality), and the stream's level
 * is within the receiver's (RFC 6184 §8.2.2: the offered level is the highest the offerer receives,
 * with or without level-asymmetry-allowed, so it is an upper bound for what we send).
 *
 * @example
 * h264Decodes(parseH264ProfileLevelId('42e01f')!, parseH264ProfileLevelId('42c01f')!); // true
 * h264Decodes(parseH264ProfileLevelId('42e01f')!, parseH264ProfileLevelId('42c028')!); // false: level 4 > 3.1
 */
export function h264Decodes(receiver: H264ProfileLevel, stream: H264ProfileLevel): boolean {
  if (!receiver.profile || !stream.profile) return false;
  return DECODES[receiver.profile].includes(stream.profile) && stream.level <= receiver.level;
}
