/** Video codecs the gateway relays (ITU-T H.264 / H.265 access units). */
export type VideoCodec = 'H264' | 'H265';
/** Audio codecs the gateway relays to browsers (RFC 7587 Opus, RFC 3551 G.711 µ-law / A-law). */
export type AudioCodec = 'opus' | 'PCMU' | 'PCMA';
export type Codec = VideoCodec | AudioCodec;

/**
 * RTP clock rate per codec: 90 kHz for video (RFC 6184 §8.2.1, RFC 7798 §7.1), 48 kHz for Opus
 * (RFC 7587 §4.1, always 48000 whatever the coded rate), 8 kHz for G.711 (RFC 3551 §4.5.14).
 */
export const CLOCK_RATE: Readonly<Record<Codec, number>> = {
  H264: 90_000,
  H265: 90_000,
  opus: 48_000,
  PCMU: 8_000,
  PCMA: 8_000,
};

/**
 * One video access unit: every NAL unit of one picture, in decoding order, without start codes or
 * RTP framing. Frames are shared read-only between the hub, viewers and caches: never mutate them.
 *
 * @example
 * const f: VideoFrame = {
 *   kind: 'video', codec: 'H264', nalus: [sps, pps, idrSlice], timestamp: 3000,
 *   keyframe: true, parameterSetsInBand: true, captureWallMs: clock.wallNow(),
 * };
 */
export interface VideoFrame {
  readonly kind: 'video';
  readonly codec: VideoCodec;
  /** NAL units of the access unit (no Annex-B start codes), decoding order. */
  readonly nalus: readonly Uint8Array[];
  /**
   * Presentation time in 90 kHz units, unwrapped (it keeps growing past 2^32; the RTP layer takes it
   * modulo 2^32). Monotonic for streams without B-frames.
   */
  readonly timestamp: number;
  /** An IDR (H.264) or IRAP (H.265) picture: decoding can start here. */
  readonly keyframe: boolean;
  /** The parameter sets a decoder needs (SPS+PPS, plus VPS for H.265) are among `nalus`. */
  readonly parameterSetsInBand: boolean;
  /** Wall-clock ms (Unix epoch) when the frame was captured or received: RTCP SR NTP↔RTP mapping. */
  readonly captureWallMs: number;
}

/** One audio frame: the codec payload exactly as it goes after the RTP header. */
export interface AudioFrame {
  readonly kind: 'audio';
  readonly codec: AudioCodec;
  readonly payload: Uint8Array;
  /** Timestamp in the codec's clock-rate units ({@link CLOCK_RATE}), unwrapped. */
  readonly timestamp: number;
  /** Sampling clock (48000 for Opus, 8000 for G.711). */
  readonly clockRate: number;
  readonly captureWallMs: number;
}

/** What sources hand to the hub. */
export type Frame = VideoFrame | AudioFrame;

/** True for codecs whose frames are {@link VideoFrame}s. */
export function isVideoCodec(codec: Codec): codec is VideoCodec {
  return codec === 'H264' || codec === 'H265';
}
