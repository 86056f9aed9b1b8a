import type { Logger } from 'pino';
import type { Clock } from './webrtc/transport/index.ts';
import { DemoSource, StreamHub } from './media/index.ts';
import {
  RtspSource,
  createRtspCounters,
  maskUrl,
  type RtspCounters,
  type RtspSourceReport,
  type SourceState,
} from './ingest-rtsp/index.ts';
import type { RtspTransport } from './config/index.ts';
import type { StreamSummary } from './http/index.ts';

/** Where a stream's media comes from; the origin decides who may change it. */
export type StreamOrigin = 'builtin' | 'config' | 'runtime' | 'whip';

/** A stream's source state as the API, gRPC and events report it. */
export interface SourceStatus {
  readonly state: 'starting' | 'online' | 'offline' | 'retrying';
  readonly reason: string;
}

interface Entry {
  readonly hub: StreamHub;
  readonly origin: StreamOrigin;
  status: SourceStatus;
  /** An RTSP camera's counters, cumulative over its sessions (metrics). */
  rtsp?: RtspCounters;
  /** An RTSP camera: its masked URL and what its source reports (undefined while on-demand idle). */
  camera?: { url: string; transport: string; report(): RtspSourceReport | undefined };
  close(): void | Promise<void>;
}

export interface StreamTableOptions {
  readonly clock: Clock;
  readonly logger: Logger;
  /** Called on every source state change (stream online/offline/retrying events). */
  readonly onStatus?: (name: string, status: SourceStatus) => void;
}

function statusOf(s: SourceState): SourceStatus {
  switch (s.status) {
    case 'connecting':
      return { state: 'starting', reason: `connecting (attempt ${s.attempt}, ${s.transport})` };
    case 'live':
      return { state: 'online', reason: '' };
    case 'retrying':
      return {
        state: 'retrying',
        reason: `${s.code}: ${s.reason}; retry in ${Math.round(s.retryInMs / 1000)} s`,
      };
    default:
      return { state: 'offline', reason: s.status };
  }
}

/**
 * A camera stream's summary: the hub's view (what viewers get) completed by the source's tracks —
 * audio the hub never got (AAC: `relayed: false` and why), B-frames, a measured frame rate when the
 * SPS has none — and the source's own state (connecting, live, retrying with attempt and error).
 */
function withCamera(
  base: StreamSummary,
  cam: { url: string; transport: string },
  r: RtspSourceReport | undefined,
): StreamSummary {
  const v = r?.tracks.find((t) => t.media === 'video');
  const a = r?.tracks.find((t) => t.media === 'audio');
  const video = base.video ?? (v ? { codec: v.codec } : undefined);
  const audio = base.audio ?? (a ? { codec: a.codec, clockRate: a.clockRate } : undefined);
  return {
    ...base,
    video: video && {
      ...video,
      ...(video.fps === undefined && v?.fps !== undefined ? { fps: v.fps } : {}),
      ...(v?.bFrames !== undefined ? { bFrames: v.bFrames } : {}),
      ...(v?.warning ? { warning: v.warning } : {}),
    },
    audio: audio && {
      ...audio,
      relayed: base.audio !== undefined || (a?.relayed ?? false),
      ...(a && !a.relayed && a.reason ? { reason: a.reason } : {}),
    },
    source: {
      kind: 'rtsp',
      url: cam.url,
      status: r?.status ?? 'idle',
      transport: r?.transport ?? cam.transport,
      ...(r?.attempt !== undefined ? { attempt: r.attempt } : {}),
      ...(r?.retryInMs !== undefined ? { retryInMs: r.retryInMs } : {}),
      ...(r?.lastError ? { lastError: r.lastError } : {}),
    },
  };
}

/**
 * The node's streams: one stream hub each, and the source feeding it — the built-in demo, an RTSP
 * camera (from the config file or added at runtime), or a WHIP publisher. Viewers find hubs here;
 * a camera's reconnects never replace its hub, so viewers stay connected across them.
 */
export class StreamTable {
  private readonly entries = new Map<string, Entry>();

  constructor(private readonly opts: StreamTableOptions) {}

  hub(name: string): StreamHub | undefined {
    return this.entries.get(name)?.hub;
  }

  has(name: string): boolean {
    return this.entries.has(name);
  }

  status(name: string): (SourceStatus & { origin: StreamOrigin }) | undefined {
    const e = this.entries.get(name);
    return e ? { ...e.status, origin: e.origin } : undefined;
  }

  /** The built-in looped demo clip with live timestamps. */
  async addDemo(name = 'demo'): Promise<void> {
    const hub = new StreamHub({ name, clock: this.opts.clock });
    const demo = await DemoSource.open({ clock: this.opts.clock });
    demo.onFrame((f) => hub.pushFrame(f));
    demo.start();
    this.entries.set(name, {
      hub,
      origin: 'builtin',
      status: { state: 'online', reason: '' },
      close: () => demo.close(),
    });
  }

  /**
   * An RTSP camera; its frames go to the stream's hub, and it reconnects with backoff. With
   * `onDemand` it connects on the first viewer and disconnects `idleMs` after the last one leaves
   * (cameras that allow few sessions, metered links); otherwise it connects at once.
   */
  addRtsp(
    name: string,
    url: string,
    transport: RtspTransport,
    origin: 'config' | 'runtime',
    opts: { onDemand?: boolean; idleMs?: number } = {},
  ): void {
    const hub = new StreamHub({ name, clock: this.opts.clock });
    const log = this.opts.logger.child({ stream: name, camera: maskUrl(url) });
    let source: RtspSource | undefined;
    const counters = createRtspCounters();
    const entry: Entry = {
      hub,
      origin,
      rtsp: counters,
      camera: { url: maskUrl(url), transport, report: () => source?.report() },
      status: { state: 'starting', reason: 'connecting' },
      close: () => source?.close(),
    };
    const setStatus = (st: SourceStatus) => {
      entry.status = st;
      this.opts.onStatus?.(name, st);
    };
    const start = () => {
      const s = new RtspSource({
        url,
        ...(transport === 'auto' ? {} : { transport }),
        clock: this.opts.clock,
        logger: log,
        counters,
      });
      s.on('frame', (_track, frame) => hub.pushFrame(frame));
      // A new RTSP session restarts the camera's RTP clock: the hub keeps viewers' timeline continuous.
      s.on('tracks', () => hub.sourceRestarted());
      s.on('state', (st) => {
        if (source !== s) return;
        setStatus(statusOf(st));
        if (st.status === 'retrying') log.warn({ code: st.code, retryInMs: st.retryInMs }, 'camera retrying');
        else if (st.status === 'live') log.info({ transport: st.transport }, 'camera live');
      });
      source = s;
      s.connect();
    };
    this.entries.set(name, entry);
    if (!opts.onDemand) {
      start();
      return;
    }
    setStatus({ state: 'offline', reason: 'on demand: waiting for a viewer' });
    let idle: { cancel(): void } | undefined;
    hub.setViewerListener((count) => {
      idle?.cancel();
      idle = undefined;
      if (count > 0 && !source) start();
      else if (count === 0 && source) {
        idle = this.opts.clock.setTimer(opts.idleMs ?? 10_000, () => {
          const s = source;
          source = undefined;
          void s?.close();
          log.info({}, 'on demand: no viewers, camera disconnected');
          setStatus({ state: 'offline', reason: 'on demand: no viewers' });
        });
      }
    });
  }

  /**
   * A WHIP publisher's stream: the hub is created on first publish and kept after the publisher
   * leaves (viewers keep their sessions). Returns undefined when the name has another source.
   */
  claimForPublish(name: string): StreamHub | undefined {
    const e = this.entries.get(name);
    if (e && (e.origin !== 'whip' || e.status.state === 'online')) return undefined;
    const hub = e?.hub ?? new StreamHub({ name, clock: this.opts.clock });
    this.entries.set(name, { hub, origin: 'whip', status: { state: 'online', reason: '' }, close: () => {} });
    this.opts.onStatus?.(name, { state: 'online', reason: '' });
    return hub;
  }

  releasePublish(name: string): void {
    const e = this.entries.get(name);
    if (!e || e.origin !== 'whip') return;
    e.status = { state: 'offline', reason: 'publisher left' };
    this.opts.onStatus?.(name, e.status);
  }

  /** Stops a stream's source and its hub (viewers' sessions end with it). */
  async remove(name: string): Promise<boolean> {
    const e = this.entries.get(name);
    if (!e) return false;
    this.entries.delete(name);
    e.hub.close();
    await e.close();
    return true;
  }

  summaries(): StreamSummary[] {
    return [...this.entries.values()].map((e) => {
      const base: StreamSummary = { ...e.hub.info, state: e.status.state, reason: e.status.reason };
      return e.camera ? withCamera(base, e.camera, e.camera.report()) : base;
    });
  }

  /** Every RTSP camera's counters by stream name, for the `edgegw.rtsp.*` metrics. */
  rtspCounters(): Array<{ stream: string; counters: RtspCounters }> {
    const out: Array<{ stream: string; counters: RtspCounters }> = [];
    for (const [stream, e] of this.entries) if (e.rtsp) out.push({ stream, counters: e.rtsp });
    return out;
  }

  async closeAll(): Promise<void> {
    await Promise.all([...this.entries.keys()].map((n) => this.remove(n)));
  }
}
