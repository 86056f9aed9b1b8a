/** Codec names as they appear in `a=rtpmap` (upper-cased), plus the static payload types' names. */
export type CodecName = 'H264' | 'H265' | 'PCMU' | 'PCMA' | 'OPUS' | 'MPEG4-GENERIC' | 'MP4A-LATM' | string;

/** One media track a camera offers (one `m=` section of its SDP). */
export interface RtspTrack {
  /** Position in the SDP (0-based); interleaved channels are 2·index and 2·index+1. */
  index: number;
  /** `video`, `audio`, `application`, … */
  media: string;
  /** Absolute control URL for SETUP (RFC 2326 §C.1.1). */
  control: string;
  payloadType: number;
  codec: CodecName;
  clockRate: number;
  channels: number | undefined;
  /** `a=fmtp` parameters, keys lower-cased. */
  fmtp: Record<string, string>;
  /** H.264 sprop-parameter-sets (RFC 6184 §8.1) / H.265 sprop-vps/sps/pps (RFC 7798 §7.1), decoded. */
  parameterSets: { vps: Uint8Array[]; sps: Uint8Array[]; pps: Uint8Array[] };
  /** H.264 profile-level-id as sent (hex), if any. */
  profileLevelId: string | undefined;
  /** `a=framerate`, if any. */
  framerate: number | undefined;
  /** Whether a browser can receive it over WebRTC without transcoding, and why not. */
  browser: { playable: boolean; reason?: string };
}
