import { parse as parseSdp, parseParams, type MediaDescription } from 'sdp-transform';
import { resolveControl } from './control-url.ts';
import { RtspError } from './errors.ts';
import type { RtspTrack } from './track.ts';

/** What DESCRIBE told us (RFC 2326 §10.2, SDP of RFC 4566 with RTSP's extensions of §C). */
export interface SessionDescriptionInfo {
  /** URL for aggregate PLAY/TEARDOWN/keepalive: the session-level control resolved, else the base. */
  aggregateControl: string;
  base: string;
  tracks: RtspTrack[];
  /** Tracks the parser did not keep (no usable payload type), with why. */
  skipped: Array<{ index: number; media: string; reason: string }>;
  sdp: string;
}

/** RFC 3551 §6 static payload types that cameras send without `a=rtpmap`. */
const STATIC: Record<number, { codec: string; clockRate: number; channels?: number }> = {
  0: { codec: 'PCMU', clockRate: 8000, channels: 1 },
  8: { codec: 'PCMA', clockRate: 8000, channels: 1 },
  9: { codec: 'G722', clockRate: 8000, channels: 1 },
  14: { codec: 'MPA', clockRate: 90000 },
  26: { codec: 'JPEG', clockRate: 90000 },
  32: { codec: 'MPV', clockRate: 90000 },
};

function base64List(v: string | undefined): Uint8Array[] {
  if (!v) return [];
  return v
    .split(',')
    .map((s) => s.trim())
    .filter((s) => s !== '')
    .map((s) => new Uint8Array(Buffer.from(s, 'base64')))
    .filter((b) => b.length > 0);
}

/** Whether Chromium/Firefox/Safari receive the codec over WebRTC (RFC 7742 video, RFC 7874 audio). */
export function browserSupport(
  codec: string,
  fmtp: Record<string, string>,
): { playable: boolean; reason?: string } {
  switch (codec) {
    case 'H264': {
      const mode = fmtp['packetization-mode'] ?? '0';
      if (mode === '2')
        return { playable: false, reason: 'H.264 packetization-mode 2 (interleaved) is not WebRTC' };
      return { playable: true };
    }
    case 'PCMU':
    case 'PCMA':
    case 'OPUS':
    case 'G722':
      return { playable: true };
    case 'H265':
      return {
        playable: false,
        reason:
          'H.265 is relayed as is, but over WebRTC only Safari and Chrome/Edge with hardware H.265 decoding play it (Firefox does not); set the camera to H.264 for every browser',
      };
    case 'MPEG4-GENERIC':
    case 'MP4A-LATM':
      return { playable: false, reason: 'AAC is not a WebRTC codec: the video plays without this audio' };
    default:
      return { playable: false, reason: `${codec} is not a WebRTC codec` };
  }
}

function track(m: MediaDescription, index: number, base: string): RtspTrack | string {
  const firstPt = Number(
    String(m.payloads ?? '')
      .trim()
      .split(/\s+/)[0],
  );
  if (!Number.isInteger(firstPt) || firstPt < 0 || firstPt > 127) return 'no payload type';
  const rtp = m.rtp.find((r) => r.payload === firstPt);
  const fallback = STATIC[firstPt];
  const codec = (rtp?.codec ?? fallback?.codec ?? `PT${firstPt}`).toUpperCase();
  const clockRate = rtp?.rate ?? fallback?.clockRate ?? (m.type === 'video' ? 90000 : 8000);
  const channels = rtp?.encoding !== undefined ? Number(rtp.encoding) || undefined : fallback?.channels;
  const fmtpLine = m.fmtp.find((f) => f.payload === firstPt)?.config;
  const fmtp: Record<string, string> = {};
  if (fmtpLine) {
    // sdp-transform's parseParams splits on ';' and the first '=' (base64 '=' padding survives).
    for (const [k, v] of Object.entries(parseParams(fmtpLine)))
      fmtp[k.trim().toLowerCase()] = String(v).trim();
  }
  const parameterSets =
    codec === 'H264'
      ? (() => {
          // RFC 6184 §8.1: sprop-parameter-sets is a comma list of base64 NAL units, SPS and PPS.
          const nals = base64List(fmtp['sprop-parameter-sets']);
          return {
            vps: [],
            sps: nals.filter((n) => ((n[0] as number) & 0x1f) === 7),
            pps: nals.filter((n) => ((n[0] as number) & 0x1f) === 8),
          };
        })()
      : codec === 'H265'
        ? {
            // RFC 7798 §7.1: sprop-vps, sprop-sps, sprop-pps.
            vps: base64List(fmtp['sprop-vps']),
            sps: base64List(fmtp['sprop-sps']),
            pps: base64List(fmtp['sprop-pps']),
          }
        : { vps: [], sps: [], pps: [] };
  const framerate = m.framerate !== undefined ? Number(m.framerate) || undefined : undefined;
  return {
    index,
    media: m.type,
    control: resolveControl(m.control, base),
    payloadType: firstPt,
    codec,
    clockRate,
    channels,
    fmtp,
    parameterSets,
    profileLevelId: fmtp['profile-level-id'],
    framerate,
    browser: browserSupport(codec, fmtp),
  };
}

/**
 * Reads a DESCRIBE body into tracks. `base` comes from {@link describeBase}. Throws `RTSP_SDP`
 * when the body is not SDP or has no media.
 *
 * @example
 * const info = parseSessionDescription(sdpText, 'rtsp://127.0.0.1:8554/cam/');
 * info.tracks.map((t) => `${t.codec} ${t.control}`); // ['H264 rtsp://…/cam/stream=0', 'PCMU …']
 */
export function parseSessionDescription(sdp: string, base: string): SessionDescriptionInfo {
  if (!/^\s*v=0/.test(sdp)) throw new RtspError('RTSP_SDP', 'DESCRIBE body is not SDP (no v=0)');
  let parsed: ReturnType<typeof parseSdp>;
  try {
    parsed = parseSdp(sdp);
  } catch (err) {
    throw new RtspError('RTSP_SDP', 'unreadable SDP', { cause: err });
  }
  const tracks: RtspTrack[] = [];
  const skipped: SessionDescriptionInfo['skipped'] = [];
  (parsed.media ?? []).forEach((m, index) => {
    try {
      const t = track(m, index, base);
      if (typeof t === 'string') skipped.push({ index, media: m.type, reason: t });
      else tracks.push(t);
    } catch (err) {
      skipped.push({
        index,
        media: String(m.type),
        reason: err instanceof Error ? err.message : 'unreadable',
      });
    }
  });
  if (tracks.length === 0) throw new RtspError('RTSP_SDP', 'SDP offers no usable media track');
  const sessionControl = (parsed as { control?: string }).control;
  return { aggregateControl: resolveControl(sessionControl, base), base, tracks, skipped, sdp };
}
