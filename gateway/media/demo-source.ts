import { readFile } from 'node:fs/promises';
import type { Clock, Timer } from '../webrtc/transport/index.ts';
import { closeOnAbort } from '../webrtc/transport/index.ts';
import { videoFrame } from './access-unit.ts';
import { MediaError } from './errors.ts';
import type { VideoFrame } from './frame.ts';
import { parseH264Clip, type H264Clip } from './h264-clip.ts';
import { h264Syntax } from './h264-nal.ts';
import { formatSpropParameterSets } from './sprop-parameter-sets.ts';

/** The committed demo clip (see demo/SOURCE.md). */
export const DEMO_CLIP_URL = new URL('./demo/demo.h264', import.meta.url);

export interface DemoSourceOptions {
  clock: Clock;
  /** Frames per second; default the clip's VUI frame rate, else 30. */
  fps?: number;
  /** 90 kHz timestamp of the first frame. Default 0. */
  startTimestamp?: number;
  /** Aborting closes the source. */
  signal?: AbortSignal;
}

/** What the demo stream is, for SDP answers and `GET /api/streams`. */
export interface DemoSourceInfo {
  codec: 'H264';
  width: number;
  height: number;
  fps: number;
  profileLevelId: string;
  /** SDP fmtp `sprop-parameter-sets` of the clip. */
  spropParameterSets: string;
  /** Access units in one loop of the clip. */
  framesPerLoop: number;
}

export interface DemoSourceStats {
  frames: number;
  loops: number;
  /** Times the source fell more than a second behind its schedule (a blocked event loop) and re-based. */
  rebased: number;
}

/*
 *   idle --start()--> running --close()/abort--> closed
 *     \-------------------close()/abort-------------^
 */
export type DemoSourceState = 'idle' | 'running' | 'closed';
type DemoSourceEvent = 'start' | 'close';

function transition(state: DemoSourceState, event: DemoSourceEvent): DemoSourceState {
  if (event === 'close') return 'closed';
  if (state === 'closed') throw new MediaError('MEDIA_CLOSED', 'demo source is closed');
  return 'running';
}

/** More than this far behind schedule, the source re-bases instead of bursting frames to catch up. */
const MAX_LAG_MS = 1000;

/**
 * The built-in demo stream: an H.264 clip played in a loop with live timestamps, paced by an injected
 * {@link Clock}. Timestamps grow by 90000/fps per frame across loops with no jump at the loop point;
 * the clip starts with an IDR carrying SPS+PPS, and so does every later IDR. Clips with B-frames are
 * refused (`MEDIA_BAD_CLIP`): their decoding order is not their presentation order.
 *
 * @example
 * const demo = await DemoSource.open({ clock: systemClock, signal });
 * const off = demo.onFrame((frame) => hub.push(frame));
 * demo.start();
 * // ...
 * demo.close();
 */
export class DemoSource {
  readonly info: DemoSourceInfo;
  readonly stats: DemoSourceStats = { frames: 0, loops: 0, rebased: 0 };
  private readonly clip: H264Clip;
  private readonly clock: Clock;
  private readonly frameMs: number;
  private readonly ticksPerFrame: number;
  private readonly startTimestamp: number;
  private readonly listeners = new Set<(frame: VideoFrame) => void>();
  private detachAbort: () => void = () => {};
  private st: DemoSourceState = 'idle';
  private timer: Timer | undefined;
  /** Monotonic time at which frame `stats.frames` is due, relative to `origin`. */
  private origin = 0;
  private originFrame = 0;

  /** Reads and parses a clip file (default: the committed demo clip). */
  static async open(opts: DemoSourceOptions & { path?: string | URL }): Promise<DemoSource> {
    const bytes = await readFile(opts.path ?? DEMO_CLIP_URL, { signal: opts.signal });
    return new DemoSource(
      parseH264Clip(new Uint8Array(bytes.buffer, bytes.byteOffset, bytes.byteLength)),
      opts,
    );
  }

  constructor(clip: H264Clip, opts: DemoSourceOptions) {
    const fps = opts.fps ?? clip.sps.frameRate ?? 30;
    if (!(fps > 0 && fps <= 240)) throw new RangeError(`fps ${fps} out of range`);
    // Timestamps follow decoding order here; B-frames would need presentation times from the POC.
    if (clip.hasBFrames) throw new MediaError('MEDIA_BAD_CLIP', 'demo clips must not hold B-frames');
    this.clip = clip;
    this.clock = opts.clock;
    this.frameMs = 1000 / fps;
    this.ticksPerFrame = 90_000 / fps;
    this.startTimestamp = opts.startTimestamp ?? 0;
    this.info = {
      codec: 'H264',
      width: clip.sps.width,
      height: clip.sps.height,
      fps,
      profileLevelId: clip.profileLevelId,
      spropParameterSets: formatSpropParameterSets([clip.spsNal, clip.ppsNal]),
      framesPerLoop: clip.accessUnits.length,
    };
    // An aborted signal closes at once, inside closeOnAbort: the state is set up before it runs.
    this.detachAbort = closeOnAbort(opts.signal, 'demo source', () => this.close());
  }

  get state(): DemoSourceState {
    return this.st;
  }

  /** Calls `fn` with every frame; returns a function that stops it. */
  onFrame(fn: (frame: VideoFrame) => void): () => void {
    this.listeners.add(fn);
    return () => this.listeners.delete(fn);
  }

  /** Starts playing: the first frame (an IDR) goes out on the next clock turn. Idempotent. */
  start(): void {
    const was = this.st;
    this.st = transition(this.st, 'start');
    if (was === 'running') return;
    this.origin = this.clock.now();
    this.originFrame = this.stats.frames;
    this.timer = this.clock.setTimer(0, () => this.tick());
  }

  /** Stops the source for good. Idempotent. */
  close(): void {
    this.st = transition(this.st, 'close');
    this.timer?.cancel();
    this.timer = undefined;
    this.detachAbort();
    this.listeners.clear();
  }

  private tick(): void {
    if (this.st !== 'running') return;
    const n = this.stats.frames;
    const len = this.clip.accessUnits.length;
    const nalus = this.clip.accessUnits[n % len] as readonly Uint8Array[];
    const timestamp = this.startTimestamp + Math.round(n * this.ticksPerFrame);
    const frame = videoFrame(h264Syntax, nalus, timestamp, this.clock.wallNow());
    this.stats.frames = n + 1;
    this.stats.loops = Math.floor((n + 1) / len);
    // Schedule the next frame before handing this one out, so a throwing listener cannot stop the stream.
    const now = this.clock.now();
    let due = this.origin + (n + 1 - this.originFrame) * this.frameMs;
    if (now - due > MAX_LAG_MS) {
      this.stats.rebased++;
      this.origin = now;
      this.originFrame = n + 1;
      due = now;
    }
    this.timer = this.clock.setTimer(due - now, () => this.tick());
    for (const fn of this.listeners) fn(frame);
  }
}
