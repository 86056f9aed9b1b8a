import { MediaError } from './errors.ts';
import type { H264Sps } from './h264-sps.ts';

/** The three bytes of an H.264 `profile-level-id` (RFC 6184 §8.1). */
export interface ProfileLevelId {
  profileIdc: number;
  /** profile-iop: constraint_set0..5 flags and two reserved zero bits. */
  profileIop: number;
  levelIdc: number;
}

function hex2(n: number): string {
  return n.toString(16).padStart(2, '0');
}

/**
 * RFC 6184 §8.1: `profile-level-id` is the base16 of profile_idc, profile-iop and level_idc, the three
 * bytes after the SPS NAL header. x264's constrained baseline level 3.1 gives `42c01f`.
 *
 * @example
 * `profile-level-id=${h264ProfileLevelId(parseH264Sps(spsNal))}`; // 'profile-level-id=42c01f'
 */
export function h264ProfileLevelId(
  sps: Pick<H264Sps, 'profileIdc' | 'constraintFlags' | 'levelIdc'>,
): string {
  return hex2(sps.profileIdc) + hex2(sps.constraintFlags) + hex2(sps.levelIdc);
}

/**
 * Parses a `profile-level-id` value (six hex digits, case-insensitive). Throws `MediaError('MEDIA_BAD_SPROP')`.
 *
 * @example
 * parseProfileLevelId('42e01f'); // { profileIdc: 66, profileIop: 224, levelIdc: 31 }
 */
export function parseProfileLevelId(value: string): ProfileLevelId {
  const v = value.trim();
  if (!/^[0-9a-fA-F]{6}$/.test(v)) {
    throw new MediaError(
      'MEDIA_BAD_SPROP',
      `profile-level-id ${JSON.stringify(value)} is not six hex digits`,
    );
  }
  return {
    profileIdc: parseInt(v.slice(0, 2), 16),
    profileIop: parseInt(v.slice(2, 4), 16),
    levelIdc: parseInt(v.slice(4, 6), 16),
  };
}
