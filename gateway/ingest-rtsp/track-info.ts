import { parseH264Sps, parseH265Sps } from '../media/index.ts';
import type { RtspTrack } from './track.ts';

/** What the SPS of a video track tells (size, frame rate), when the SDP carries one. */
export interface VideoInfo {
  width: number;
  height: number;
  /** From the SPS VUI timing info, else the SDP's `a=framerate`. */
  frameRate: number | undefined;
}

/**
 * Reads size and frame rate from the SPS of the track's SDP (`sprop-parameter-sets`, RFC 6184 §8.1;
 * `sprop-sps`, RFC 7798 §7.1) or an in-band one. Undefined when no SPS is known or it is unreadable.
 *
 * @example
 * videoInfo(track); // { width: 640, height: 360, frameRate: 15 }
 */
export function videoInfo(
  track: RtspTrack,
  sps: Uint8Array | undefined = track.parameterSets.sps[0],
): VideoInfo | undefined {
  if (!sps) return undefined;
  try {
    const s =
      track.codec === 'H264' ? parseH264Sps(sps) : track.codec === 'H265' ? parseH265Sps(sps) : undefined;
    if (!s) return undefined;
    return { width: s.width, height: s.height, frameRate: s.frameRate ?? track.framerate };
  } catch {
    return undefined;
  }
}
