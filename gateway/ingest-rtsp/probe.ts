import { systemClock } from '../webrtc/transport/index.ts';
import type { Frame } from '../media/index.ts';
import type { RtspClientOptions } from './client-options.ts';
import { RtspSession } from './rtsp-session.ts';
import type { RtspTransport } from './setup-track.ts';
import { maskUrl } from './rtsp-url.ts';
import { createTrackDepacketizer, type TrackDepacketizer } from './track-depacketizer.ts';
import { videoInfo } from './track-info.ts';
import { B_FRAMES_WARNING } from './source-report.ts';
import { FrameRateMeter } from './frame-rate-meter.ts';

/** One track as `probe` reports it. */
export interface ProbeTrack {
  index: number;
  media: string;
  codec: string;
  payloadType: number;
  clockRate: number;
  channels: number | undefined;
  /** The `a=fmtp` parameters as `key=value;…` (sprop-parameter-sets included: they are the stream's). */
  fmtp: string;
  /** Control URL (masked). */
  control: string;
  /** From the SPS (SDP or, when sampled, in-band). */
  width: number | undefined;
  height: number | undefined;
  /** From the SPS VUI or `a=framerate`; when sampled, measured. */
  frameRate: number | undefined;
  profileLevelId: string | undefined;
  /** Measured while sampling (kbit/s of RTP payload+header). */
  bitrateKbps: number | undefined;
  /** Sampled frames / keyframes / B-frames seen. */
  frames: number | undefined;
  keyframes: number | undefined;
  bFrames: boolean | undefined;
  browser: { playable: boolean; reason?: string };
}

/** What a camera offers, as data (the CLI and gRPC ProbeSource print it). No credentials inside. */
export interface ProbeResult {
  url: string;
  /** The camera's `Server` header (make, firmware), when it sent one. */
  server: string | undefined;
  /** `basic`/`digest` when the camera asked for credentials. */
  auth: string | undefined;
  publicMethods: string[];
  transport: RtspTransport;
  tracks: ProbeTrack[];
  /** A browser can show the stream: some video track is playable (and no B-frames were seen). */
  playable: boolean;
  /** Why not, or what is missing (AAC audio, H.265, B-frames), one sentence each. */
  notes: string[];
  /** Milliseconds sampled (0: DESCRIBE/SETUP only). */
  sampledMs: number;
}

export interface ProbeOptions extends Omit<RtspClientOptions, 'url'> {
  /** Play this long to measure frame rate, bitrate and B-frames (default 2000; 0: no PLAY). */
  sampleMs?: number;
}

/**
 * Asks a camera what it offers: tracks, codecs, size, frame rate, whether a browser can play it
 * and why not. Rejects with an `RtspError` (`RTSP_AUTH_FAILED`, `RTSP_NOT_FOUND`, …).
 *
 * @example
 * const r = await probe('rtsp://admin:secret@10.0.0.5/stream1');
 * for (const t of r.tracks) console.log(t.codec, t.width, t.height, t.browser.playable, t.browser.reason ?? '');
 */
export async function probe(url: string, options: ProbeOptions = {}): Promise<ProbeResult> {
  const clock = options.clock ?? systemClock;
  const sampleMs = options.sampleMs ?? 2000;
  const transport = options.transport ?? 'tcp';
  const depacketizers: Array<TrackDepacketizer | undefined> = [];
  const bytes: number[] = [];
  const frames: Frame[][] = [];
  const session = new RtspSession({
    ...options,
    url,
    transport,
    clock,
    onTracks: (setup) => {
      setup.forEach((st, i) => {
        frames[i] = [];
        bytes[i] = 0;
        depacketizers[i] = createTrackDepacketizer(st.track, { clock, onFrame: (f) => frames[i]?.push(f) });
      });
    },
    onPacket: (st, payload, kind) => {
      if (kind !== 'rtp') return;
      const i = session.setup.indexOf(st);
      bytes[i] = (bytes[i] ?? 0) + payload.length;
      depacketizers[i]?.push(payload);
    },
  });
  // Without sampling, skip SETUP/PLAY entirely: DESCRIBE says enough.
  const describeOnly = sampleMs <= 0;
  try {
    if (describeOnly) await session.describeOnly();
    else {
      await session.start();
      await new Promise<void>((resolve) => clock.setTimer(sampleMs, resolve));
    }
  } finally {
    await session.close();
  }

  const info = session.description;
  const tracks: ProbeTrack[] = (info?.tracks ?? []).map((track) => {
    const i = session.setup.findIndex((s) => s.track === track);
    const got = i >= 0 ? (frames[i] ?? []) : [];
    const videoFrames = got.filter((f) => f.kind === 'video');
    let inBandSps: Uint8Array | undefined;
    for (const f of videoFrames) {
      inBandSps = f.nalus.find((n) =>
        track.codec === 'H264' ? ((n[0] as number) & 0x1f) === 7 : (((n[0] as number) >> 1) & 0x3f) === 33,
      );
      if (inBandSps) break;
    }
    const v = videoInfo(track) ?? videoInfo(track, inBandSps);
    const d = i >= 0 ? depacketizers[i] : undefined;
    const meter = new FrameRateMeter(track.clockRate, Math.max(2, videoFrames.length));
    for (const f of videoFrames) meter.push(f.timestamp);
    const measuredFps = meter.rate();
    return {
      index: track.index,
      media: track.media,
      codec: track.codec,
      payloadType: track.payloadType,
      clockRate: track.clockRate,
      channels: track.channels,
      fmtp: Object.entries(track.fmtp)
        .map(([k, v]) => `${k}=${v}`)
        .join(';'),
      control: maskUrl(track.control),
      width: v?.width,
      height: v?.height,
      frameRate: measuredFps ?? v?.frameRate ?? track.framerate,
      profileLevelId: track.profileLevelId,
      bitrateKbps: i >= 0 && sampleMs > 0 ? Math.round(((bytes[i] ?? 0) * 8) / sampleMs) : undefined,
      frames: d ? d.stats.frames : undefined,
      keyframes: d ? d.stats.keyframes : undefined,
      bFrames: d && track.media === 'video' ? d.stats.bFrames : undefined,
      browser: track.browser,
    };
  });

  const notes: string[] = [];
  const video = tracks.filter((t) => t.media === 'video');
  if (video.length === 0) notes.push('no video track');
  for (const t of tracks) {
    if (!t.browser.playable)
      notes.push(`track ${t.index} (${t.codec}): ${t.browser.reason ?? 'not playable'}`);
    if (t.bFrames) notes.push(`track ${t.index} (${t.codec}): ${B_FRAMES_WARNING}`);
    if (sampleMs > 0 && t.frames === 0 && t.browser.playable)
      notes.push(`track ${t.index} (${t.codec}): no frames arrived while sampling`);
  }
  const playable = video.some((t) => t.browser.playable && !t.bFrames);
  return {
    url: maskUrl(url),
    server: session.server,
    auth: session.authScheme,
    publicMethods: session.publicMethods,
    transport,
    tracks,
    playable,
    notes,
    sampledMs: sampleMs > 0 ? sampleMs : 0,
  };
}
