import type { Clock } from '../webrtc/transport/index.ts';
import { AudioPacketizer, H264Packetizer, H265Packetizer } from '../webrtc/rtp/index.ts';
import { CLOCK_RATE, type Codec, type Frame } from './frame.ts';
import { GopCache } from './gop-cache.ts';
import { h264Syntax } from './h264-nal.ts';
import { h265Syntax } from './h265-nal.ts';
import { parseH264Sps } from './h264-sps.ts';
import { h264ProfileLevelId } from './h264-profile-level-id.ts';
import { parseH265Sps } from './h265-sps.ts';
import type { MediaPacket, ViewerSink } from './media-packet.ts';
import { ParameterSetCache } from './parameter-sets.ts';
import { StreamTrack, type StreamKind } from './stream-track.ts';

export interface StreamHubOptions {
  readonly name: string;
  readonly clock: Clock;
  /** RTP payload MTU; default 1200 (fits every path WebRTC sees, with SRTP and TURN overhead). */
  readonly mtu?: number;
  /** Packets kept per track for NACKs; default 1024 (~3 s of 2.5 Mbit/s video). */
  readonly historySize?: number;
  /** GOP cache bound in bytes; default 8 MiB. */
  readonly gopMaxBytes?: number;
  /** Randomness for the initial sequence numbers and timestamp offsets (RFC 3550 §5.1); default Math.random. */
  readonly random?: () => number;
}

/** What the hub knows of its stream, for `GET /api/streams`, gRPC and the player. */
/** An H.265 stream's RFC 7798 §7.1 parameters, from its SPS. */
export interface H265StreamParams {
  readonly profileSpace: number;
  readonly profileId: number;
  readonly tierFlag: number;
  readonly levelId: number;
}

export interface StreamInfo {
  readonly name: string;
  readonly video:
    | {
        codec: Codec;
        width?: number;
        height?: number;
        fps?: number;
        /** H.264: the SPS's profile-level-id (RFC 6184 §8.1), what WHEP answers with. */
        profileLevelId?: string;
        /** H.265: the SPS's profile, tier and level (RFC 7798 §7.1 profile-id, tier-flag, level-id). */
        h265?: H265StreamParams;
      }
    | undefined;
  readonly audio: { codec: Codec; clockRate: number } | undefined;
  /** Bits per second over the last few seconds, all tracks. */
  readonly bitrate: number;
  readonly viewers: number;
}

export interface StreamHubStats {
  frames: number;
  packets: number;
  bytes: number;
  keyframes: number;
  /** Times a viewer could not take a packet and was skipped to the next keyframe. */
  viewerSkips: number;
  retransmits: number;
  keyframeRequests: number;
  /** Timestamp rebases after a source restart or a jump. */
  rebases: number;
}

interface ViewerState {
  readonly sink: ViewerSink;
  readonly kinds: ReadonlySet<StreamKind>;
  skipping: boolean;
}

/** A viewer's handle on the hub: feedback goes back through it. */
export interface HubViewer {
  /** RFC 4585 generic NACK: resend these stream sequence numbers from the history. Returns how many. */
  nack(kind: StreamKind, seqs: readonly number[]): number;
  /** PLI/FIR (RFC 4585 §6.3.1, RFC 5104): answered from the GOP cache, since cameras cannot be asked. */
  requestKeyframe(): void;
  close(): void;
}

/**
 * One source, many viewers (DESIGN.md, the media path). Frames are packetized once per stream into
 * {@link MediaPacket}s with the stream's own continuous sequence numbers and timestamps; each viewer
 * gets the same packet objects through its {@link ViewerSink} and pays only a header rewrite, one
 * SRTP protect and one send. SPS/PPS(/VPS) go in-band before every keyframe; the current GOP is cached
 * so a new viewer starts at once; a viewer that cannot keep up skips to the next keyframe.
 *
 * @example
 * const hub = new StreamHub({ name: 'demo', clock });
 * demo.onFrame((f) => hub.pushFrame(f));
 * const v = hub.addViewer({ deliver: (p) => sender.send(p.data, p.payload, p.seq, p.timestamp) });
 */
export class StreamHub {
  readonly name: string;
  readonly stats: StreamHubStats = {
    frames: 0,
    packets: 0,
    bytes: 0,
    keyframes: 0,
    viewerSkips: 0,
    retransmits: 0,
    keyframeRequests: 0,
    rebases: 0,
  };
  private readonly clock: Clock;
  private readonly videoWaiters = new Set<(known: boolean) => void>();
  private readonly random: () => number;
  private readonly historySize: number;
  private readonly gop: GopCache;
  private readonly viewers = new Set<ViewerState>();
  private readonly video264: H264Packetizer;
  private readonly video265: H265Packetizer;
  private readonly audioPacketizer: AudioPacketizer;
  private videoTrack: StreamTrack | undefined;
  private audioTrack: StreamTrack | undefined;
  private paramSets: ParameterSetCache | undefined;
  private size:
    | { width: number; height: number; fps?: number; profileLevelId?: string; h265?: H265StreamParams }
    | undefined;
  private rateWindow = { start: 0, bytes: 0, bps: 0 };
  private closed = false;
  private keyframeRequester: (() => void) | undefined;
  private viewerListener: ((count: number) => void) | undefined;
  /** Packets of the frame being packetized (reused array). */
  private readonly batch: MediaPacket[] = [];
  private batchKind: StreamKind = 'video';
  private batchKeyframe = false;
  private batchTs = 0;
  private batchCapture = 0;
  private batchTrack: StreamTrack | undefined;
  private readonly collect = (data: Uint8Array, marker: boolean): void => {
    const track = this.batchTrack as StreamTrack;
    const seq = track.seq;
    track.seq = (seq + 1) & 0xffff;
    const v = new DataView(data.buffer, data.byteOffset, 12);
    v.setUint8(0, 0x80);
    v.setUint8(1, marker ? 0x80 : 0);
    v.setUint16(2, seq);
    v.setUint32(4, this.batchTs);
    v.setUint32(8, 0);
    this.batch.push({
      kind: this.batchKind,
      data,
      payload: data.subarray(12),
      seq,
      timestamp: this.batchTs,
      marker,
      keyframeStart: this.batchKeyframe && this.batch.length === 0,
      captureWallMs: this.batchCapture,
    });
  };

  constructor(opts: StreamHubOptions) {
    this.name = opts.name;
    this.clock = opts.clock;
    this.random = opts.random ?? Math.random;
    this.historySize = opts.historySize ?? 1024;
    this.gop = new GopCache(opts.gopMaxBytes);
    const po = { mtu: opts.mtu ?? 1200 };
    this.video264 = new H264Packetizer(po);
    this.video265 = new H265Packetizer(po);
    this.audioPacketizer = new AudioPacketizer(po);
    this.rateWindow.start = this.clock.now();
  }

  get info(): StreamInfo {
    this.rollRate();
    return {
      name: this.name,
      video: this.videoTrack ? { codec: this.videoTrack.codec, ...this.size } : undefined,
      audio: this.audioTrack
        ? { codec: this.audioTrack.codec, clockRate: this.audioTrack.clockRate }
        : undefined,
      bitrate: this.rateWindow.bps,
      viewers: this.viewers.size,
    };
  }

  /**
   * Resolves true once the stream's video parameters are known (its first keyframe's SPS was read:
   * codec, size, profile), false after `timeoutMs`. WHEP answers a viewer with what the stream
   * really is, so an offer that arrives while a camera is still connecting (always so for an
   * on-demand camera's first viewer) waits for this instead of guessing H.264 Constrained Baseline.
   */
  videoKnown(timeoutMs: number): Promise<boolean> {
    if (this.size !== undefined) return Promise.resolve(true);
    if (this.closed) return Promise.resolve(false);
    return new Promise((resolve) => {
      const done = (known: boolean): void => {
        timer.cancel();
        this.videoWaiters.delete(done);
        resolve(known);
      };
      const timer = this.clock.setTimer(timeoutMs, () => done(false));
      this.videoWaiters.add(done);
    });
  }

  get viewerCount(): number {
    return this.viewers.size;
  }

  /**
   * A source that can make keyframes on demand (a WHIP publisher, unlike most cameras) registers
   * here; the hub calls it when a viewer needs a keyframe the GOP cache cannot give. Rate limiting
   * is the source's business (it knows its encoder).
   */
  setKeyframeRequester(fn: (() => void) | undefined): void {
    this.keyframeRequester = fn;
  }

  /** Called with the viewer count whenever a viewer joins or leaves (on-demand sources start and stop on it). */
  setViewerListener(fn: ((count: number) => void) | undefined): void {
    this.viewerListener = fn;
  }

  /** The source restarted (a camera reconnect): the next timestamps continue the stream's. */
  sourceRestarted(): void {
    if (this.videoTrack) this.videoTrack.rebase = true;
    if (this.audioTrack) this.audioTrack.rebase = true;
  }

  /** Packetizes a frame once and fans it out to every viewer. */
  pushFrame(frame: Frame): void {
    if (this.closed) return;
    this.stats.frames++;
    this.batchCapture = frame.captureWallMs;
    if (frame.kind === 'video') this.pushVideo(frame.codec, frame.nalus, frame.timestamp, frame.keyframe);
    else this.pushAudio(frame.codec, frame.payload, frame.timestamp, frame.clockRate);
  }

  /**
   * Adds a viewer. Video viewers get the cached GOP first, so their decoder has a keyframe with its
   * parameter sets at once; then live packets.
   */
  addViewer(sink: ViewerSink, opts: { kinds?: readonly StreamKind[] } = {}): HubViewer {
    const state: ViewerState = { sink, kinds: new Set(opts.kinds ?? ['video', 'audio']), skipping: false };
    this.viewers.add(state);
    this.viewerListener?.(this.viewers.size);
    if (state.kinds.has('video')) {
      const gop = this.gop.snapshot();
      if (gop.length === 0) this.keyframeRequester?.();
      for (const p of gop) {
        if (!sink.deliver(p)) {
          this.skip(state);
          break;
        }
      }
    }
    return {
      nack: (kind, seqs) => this.nack(state, kind, seqs),
      requestKeyframe: () => this.requestKeyframe(state),
      close: () => {
        if (this.viewers.delete(state)) this.viewerListener?.(this.viewers.size);
      },
    };
  }

  close(): void {
    this.closed = true;
    for (const w of [...this.videoWaiters]) w(false);
    this.viewers.clear();
    this.gop.clear();
  }

  private trackFor(kind: StreamKind, codec: Codec, clockRate: number): StreamTrack {
    const cur = kind === 'video' ? this.videoTrack : this.audioTrack;
    if (cur && cur.codec === codec) return cur;
    // A new codec is a new RTP stream: fresh sequence space and history (RFC 3550 §5.1).
    const t = new StreamTrack(kind, codec, clockRate, this.random, this.historySize);
    if (kind === 'video') {
      this.videoTrack = t;
      this.paramSets = new ParameterSetCache(codec === 'H265' ? h265Syntax : h264Syntax);
      this.gop.clear();
    } else this.audioTrack = t;
    return t;
  }

  private pushVideo(codec: Codec, nalus: readonly Uint8Array[], srcTs: number, keyframe: boolean): void {
    const track = this.trackFor('video', codec, CLOCK_RATE[codec]);
    const sets = this.paramSets as ParameterSetCache;
    // In-band parameter sets before every keyframe: browsers decode nothing without them.
    const units = keyframe ? sets.complete(nalus) : nalus;
    if (keyframe) {
      this.stats.keyframes++;
      this.learnSize(codec, sets);
    }
    const out = track.outTimestamp(srcTs);
    if (out.rebased) this.stats.rebases++;
    this.begin(track, out.ts, keyframe);
    if (codec === 'H265') this.video265.packetize(units, this.collect);
    else this.video264.packetize(units, this.collect);
    this.fanOut();
  }

  private pushAudio(codec: Codec, payload: Uint8Array, srcTs: number, clockRate: number): void {
    const track = this.trackFor('audio', codec, clockRate);
    const out = track.outTimestamp(srcTs);
    if (out.rebased) this.stats.rebases++;
    this.begin(track, out.ts, false);
    this.audioPacketizer.packetize(payload, this.collect);
    this.fanOut();
  }

  private begin(track: StreamTrack, ts: number, keyframe: boolean): void {
    this.batch.length = 0;
    this.batchTrack = track;
    this.batchKind = track.kind;
    this.batchTs = ts;
    this.batchKeyframe = keyframe;
  }

  private fanOut(): void {
    const track = this.batchTrack as StreamTrack;
    for (const p of this.batch) {
      track.history.push(p);
      if (p.kind === 'video') this.gop.push(p);
      this.stats.packets++;
      this.stats.bytes += p.data.byteLength;
      this.rateWindow.bytes += p.data.byteLength;
      for (const v of this.viewers) {
        if (!v.kinds.has(p.kind)) continue;
        if (v.skipping) {
          if (!p.keyframeStart) continue;
          v.skipping = false;
        }
        if (!v.sink.deliver(p) && p.kind === 'video') this.skip(v);
      }
    }
    this.batch.length = 0;
  }

  private skip(v: ViewerState): void {
    v.skipping = true;
    this.stats.viewerSkips++;
  }

  private nack(v: ViewerState, kind: StreamKind, seqs: readonly number[]): number {
    const track = kind === 'video' ? this.videoTrack : this.audioTrack;
    if (!track || !this.viewers.has(v)) return 0;
    let n = 0;
    for (const s of seqs) {
      const p = track.history.get(s);
      if (p && v.sink.deliver(p)) n++;
    }
    this.stats.retransmits += n;
    return n;
  }

  private requestKeyframe(v: ViewerState): void {
    if (!this.viewers.has(v)) return;
    this.stats.keyframeRequests++;
    const kf = this.gop.keyframe();
    // The cache answers at once; a source that can encode a fresh keyframe is asked too.
    this.keyframeRequester?.();
    for (const p of kf) if (!v.sink.deliver(p)) break;
  }

  private learnSize(codec: Codec, sets: ParameterSetCache): void {
    const sps = sets.get('sps');
    if (!sps) return;
    try {
      if (codec === 'H265') {
        const s = parseH265Sps(sps);
        const ptl = s.profileTierLevel;
        this.size = {
          width: s.width,
          height: s.height,
          ...(s.frameRate ? { fps: s.frameRate } : {}),
          h265: {
            profileSpace: ptl.profileSpace,
            profileId: ptl.profileIdc,
            tierFlag: ptl.tierFlag,
            levelId: ptl.levelIdc,
          },
        };
      } else {
        const s = parseH264Sps(sps);
        // What WHEP answers viewers with: the stream as it really is (RFC 6184 §8.1).
        this.size = {
          width: s.width,
          height: s.height,
          ...(s.frameRate ? { fps: s.frameRate } : {}),
          profileLevelId: h264ProfileLevelId(s),
        };
      }
    } catch {
      // An SPS we cannot parse leaves the size unknown; the stream still relays.
    }
    if (this.size !== undefined) for (const w of [...this.videoWaiters]) w(true);
  }

  private rollRate(): void {
    const now = this.clock.now();
    const dt = now - this.rateWindow.start;
    if (dt >= 2000) {
      this.rateWindow.bps = Math.round((this.rateWindow.bytes * 8 * 1000) / dt);
      this.rateWindow.start = now;
      this.rateWindow.bytes = 0;
    }
  }
}
