import type { RtspErrorCode } from './errors.ts';
import type { RtspTransport, SetupTrack } from './setup-track.ts';
import type { TrackDepacketizerStats } from './track-depacketizer.ts';

/** Why a stream with B-frames may stutter (the same sentence in `probe` and `GET /api/streams`). */
export const B_FRAMES_WARNING =
  "B-frames: browsers' WebRTC decoders expect none and may stutter — turn them off in the camera";

/** One camera track as `GET /api/streams` reports it. */
export interface RtspTrackReport {
  index: number;
  media: string;
  codec: string;
  clockRate: number;
  /** Depacketized and handed to the stream hub (and so to viewers). */
  relayed: boolean;
  /** Why not relayed or not playable in browsers (AAC, H.265, …). */
  reason?: string;
  /** Video: B-frames seen, with {@link B_FRAMES_WARNING}. */
  bFrames?: boolean;
  warning?: string;
  /** Video: measured from the frames' timestamps. */
  fps?: number;
}

/** What a camera source is doing and what its tracks are, for the API (no credentials). */
export interface RtspSourceReport {
  status: 'idle' | 'connecting' | 'live' | 'retrying' | 'closed';
  transport: RtspTransport;
  attempt?: number;
  retryInMs?: number;
  /** The last failure (code and message), also while live again after it. */
  lastError?: { code: RtspErrorCode; message: string };
  /** The tracks of the current (or, while retrying, the last) session. */
  tracks: RtspTrackReport[];
}

/** One track's report from its setup, its depacketizer counters (undefined: not relayed) and fps. */
export function trackReport(
  st: SetupTrack,
  media: TrackDepacketizerStats | undefined,
  fps: number | undefined,
): RtspTrackReport {
  const t = st.track;
  const r: RtspTrackReport = {
    index: t.index,
    media: t.media,
    codec: t.codec,
    clockRate: t.clockRate,
    relayed: media !== undefined && t.browser.playable,
  };
  if (t.browser.reason) r.reason = t.browser.reason;
  else if (media === undefined) r.reason = `${t.codec} is not relayed`;
  if (t.media === 'video' && media) {
    r.bFrames = media.bFrames;
    if (media.bFrames) r.warning = B_FRAMES_WARNING;
  }
  if (fps !== undefined) r.fps = fps;
  return r;
}
