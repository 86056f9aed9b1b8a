import { EventEmitter } from 'node:events';
import { systemClock, type Clock, type Timer } from '../webrtc/transport/index.ts';
import { backoffMs } from './backoff.ts';
import { RtspError, toRtspError, type RtspErrorCode } from './errors.ts';
import { silentLogger, type RtspLogger } from './logger.ts';
import type { RequestLogEntry } from './rtsp-connection.ts';
import {
  createRtspCounters,
  mediaCounters,
  type RtspCounters,
  type RtspMediaCounters,
} from './rtsp-counters.ts';
import type { ReceptionStats } from '../webrtc/interceptor/index.ts';
import { FrameRateMeter } from './frame-rate-meter.ts';
import { trackReport, type RtspSourceReport } from './source-report.ts';
import type { RtspClientOptions } from './client-options.ts';
import { RtspSession } from './rtsp-session.ts';
import type { PacketKind, RtspTransport, SetupTrack } from './setup-track.ts';
import { maskUrl, parseRtspUrl } from './rtsp-url.ts';
import type { RtspTrack } from './track.ts';
import {
  createTrackDepacketizer,
  type TrackDepacketizer,
  type TrackDepacketizerStats,
} from './track-depacketizer.ts';
import type { Frame } from '../media/index.ts';

/** What a source is doing, for `GET /api/streams` and events (reasons never contain credentials). */
export type SourceState =
  | { status: 'idle' }
  | { status: 'connecting'; attempt: number; transport: RtspTransport }
  | { status: 'live'; since: number; transport: RtspTransport; tracks: RtspTrack[] }
  | { status: 'retrying'; code: RtspErrorCode; reason: string; attempt: number; retryInMs: number }
  | { status: 'closed' };

export interface RtspSourceOptions extends RtspClientOptions {
  /** UDP: no packet this long after PLAY switches the source to TCP for good (default 3 s; 0: never). */
  udpFallbackMs?: number;
  /** No RTP for this long while live reconnects (default 10 s). */
  silenceTimeoutMs?: number;
  /** Backoff bounds (default 1 s … 30 s). */
  backoffBaseMs?: number;
  backoffMaxMs?: number;
  /** Live this long resets the backoff to its base (default 10 s). */
  stableAfterMs?: number;
  /** Aborting it closes the source. */
  signal?: AbortSignal;
  /** Depacketize into `frame` events (default true); false delivers RTP `packet`s only. */
  depacketize?: boolean;
  /** Cumulative counters to increment (shared across sources of one stream); default a new set. */
  counters?: RtspCounters;
}

export interface TrackStats {
  index: number;
  codec: string;
  packets: number;
  bytes: number;
  rtcpPackets: number;
  /** Sequence, loss (RFC 3550 A.3) and jitter of this session's packets. */
  reception: ReceptionStats;
  /** Depacketizer counters (frames, keyframes, lost packets, B-frames); absent for tracks not relayed. */
  media: TrackDepacketizerStats | undefined;
}

export interface SourceStats {
  reconnects: number;
  /** UDP datagrams dropped because they did not come from the camera. */
  foreignPackets: number;
  udpFallbacks: number;
  tracks: TrackStats[];
  lastError: { code: RtspErrorCode; message: string } | undefined;
}

/** Events of {@link RtspSource}. `packet` is the hot path: no object per packet. */
export interface RtspSourceEvents {
  state: [state: SourceState];
  /** The tracks of each new session (after SETUP, before PLAY): before its first packet. */
  tracks: [tracks: SetupTrack[]];
  /** One RTP or RTCP packet of a track; `payload` is the receiver's to keep. */
  packet: [track: SetupTrack, payload: Uint8Array, kind: PacketKind];
  /** Every failure, also reflected in `state` (not named `error`: no listener must not throw). */
  failure: [error: RtspError];
  /**
   * A depacketized frame of a relayable track (H.264/H.265 access units with parameter sets before
   * keyframes; PCMU/PCMA/Opus payloads), timestamps unwrapped and continuous within a session.
   */
  frame: [track: SetupTrack, frame: Frame];
  /** Each finished RTSP request (URL masked). */
  request: [entry: RequestLogEntry];
}

/**
 * A camera as a long-lived source: connects, delivers RTP per track, and reconnects with capped
 * exponential backoff (1 s … 30 s) on errors, EOF and silence; over UDP it falls back to TCP when
 * no packet arrives. Time comes from the injected clock.
 *
 * @example
 * const source = new RtspSource({ url: 'rtsp://admin:secret@10.0.0.5/stream1' });
 * source.on('packet', (track, rtp, kind) => { if (kind === 'rtp') hub.push(track.track.index, rtp); });
 * source.on('state', (s) => log.info({ url: source.maskedUrl, ...s }, 'camera'));
 * source.connect();
 * await source.whenLive(); // rejects with RtspError (e.g. RTSP_AUTH_FAILED) if the attempt fails
 * await source.close();
 */
export class RtspSource extends EventEmitter<RtspSourceEvents> {
  /** The URL with its password masked: what logs and API responses show. */
  readonly maskedUrl: string;
  readonly stats: SourceStats = {
    reconnects: 0,
    foreignPackets: 0,
    udpFallbacks: 0,
    tracks: [],
    lastError: undefined,
  };
  /** Monotonic across sessions: what `edgegw.rtsp.*` metrics read. */
  readonly counters: RtspCounters;
  private readonly opts: RtspSourceOptions;
  private readonly clock: Clock;
  private readonly log: RtspLogger;
  private stateValue: SourceState = { status: 'idle' };
  private session: RtspSession | undefined;
  private transport: RtspTransport;
  private attempt = 0;
  private retryTimer: Timer | undefined;
  private watchdog: Timer | undefined;
  private lastPacketAt = 0;
  private liveSince = 0;
  private packetsThisSession = 0;
  private closed = false;
  private currentTracks: SetupTrack[] = [];
  private depacketizers: Array<TrackDepacketizer | undefined> = [];
  /** Per track of the current session: its media's counters and the loss already added to them. */
  private trackCounters: RtspMediaCounters[] = [];
  private lostSeen: number[] = [];
  private fpsMeters: Array<FrameRateMeter | undefined> = [];

  constructor(options: RtspSourceOptions) {
    super();
    parseRtspUrl(options.url); // fail fast on a bad URL (RTSP_BAD_URL, masked)
    this.opts = options;
    this.maskedUrl = maskUrl(options.url);
    this.clock = options.clock ?? systemClock;
    this.log = options.logger ?? silentLogger;
    this.transport = options.transport ?? 'tcp';
    this.counters = options.counters ?? createRtspCounters();
    options.signal?.addEventListener('abort', () => void this.close(), { once: true });
  }

  get state(): SourceState {
    return this.stateValue;
  }

  /** The transport in use (after a UDP→TCP fallback: `tcp`). */
  get currentTransport(): RtspTransport {
    return this.transport;
  }

  /** The tracks of the current session. */
  get tracks(): SetupTrack[] {
    return this.currentTracks;
  }

  /**
   * What the source is doing and what its tracks are (relayed or why not, B-frames, measured fps):
   * for `GET /api/streams`. No credentials inside.
   */
  report(): RtspSourceReport {
    const s = this.stateValue;
    const r: RtspSourceReport = {
      status: s.status,
      transport: this.transport,
      tracks: this.currentTracks.map((st, i) =>
        trackReport(st, this.depacketizers[i]?.stats, this.fpsMeters[i]?.rate()),
      ),
    };
    if (s.status === 'connecting' || s.status === 'retrying') r.attempt = s.attempt;
    if (s.status === 'retrying') r.retryInMs = s.retryInMs;
    if (this.stats.lastError) r.lastError = { ...this.stats.lastError };
    return r;
  }

  /** Starts connecting (idempotent). Progress and failures arrive as `state`/`failure` events. */
  connect(): void {
    if (this.closed || this.stateValue.status !== 'idle') return;
    this.startAttempt();
  }

  /**
   * Resolves when the source is (or becomes) live; rejects with the next failure, so a caller can
   * report `RTSP_AUTH_FAILED` or `RTSP_NOT_FOUND` at once (the source itself keeps retrying).
   */
  whenLive(): Promise<void> {
    if (this.stateValue.status === 'live') return Promise.resolve();
    if (this.closed) return Promise.reject(new RtspError('RTSP_CLOSED', 'source closed'));
    return new Promise((resolve, reject) => {
      const onState = (s: SourceState): void => {
        if (s.status === 'live') {
          done();
          resolve();
        } else if (s.status === 'closed') {
          done();
          reject(new RtspError('RTSP_CLOSED', 'source closed'));
        }
      };
      const onFailure = (err: RtspError): void => {
        done();
        reject(err);
      };
      const done = (): void => {
        this.off('state', onState);
        this.off('failure', onFailure);
      };
      this.on('state', onState);
      this.on('failure', onFailure);
    });
  }

  private setState(s: SourceState): void {
    this.stateValue = s;
    this.emit('state', s);
  }

  private startAttempt(): void {
    if (this.closed) return;
    this.retryTimer = undefined;
    this.setState({ status: 'connecting', attempt: this.attempt + 1, transport: this.transport });
    const transport = this.transport;
    const session = new RtspSession({
      ...this.opts,
      transport,
      clock: this.clock,
      logger: this.log,
      onRequest: (e) => this.emit('request', e),
      onForeignPacket: () => {
        this.stats.foreignPackets++;
        this.counters.foreignPackets++;
      },
      onPacket: (st, payload, kind) => this.onPacket(st, payload, kind),
      onTracks: (setup) => {
        if (this.session === session) this.useTracks(setup);
      },
    });
    this.session = session;
    this.packetsThisSession = 0;
    session.start().then(
      () => {
        if (this.session !== session || this.closed) return;
        session.onEnd((err) => this.fail(session, err));
        this.liveSince = this.clock.now();
        this.lastPacketAt = this.liveSince;
        this.armWatchdog(session);
        this.setState({
          status: 'live',
          since: this.clock.wallNow(),
          transport,
          tracks: session.setup.map((s) => s.track),
        });
      },
      (err: unknown) => this.fail(session, toRtspError(err, 'RTSP_PROTOCOL', 'session failed')),
    );
  }

  /** Per-session track state, set before PLAY so the first packets are counted and depacketized. */
  private useTracks(setup: SetupTrack[]): void {
    this.currentTracks = setup;
    this.emit('tracks', setup);
    this.fpsMeters = setup.map((st) =>
      st.track.media === 'video' ? new FrameRateMeter(st.track.clockRate) : undefined,
    );
    this.depacketizers = setup.map((st, i) => {
      if (this.opts.depacketize === false) return undefined;
      const fps = this.fpsMeters[i];
      return createTrackDepacketizer(st.track, {
        clock: this.clock,
        onFrame: (f) => {
          fps?.push(f.timestamp);
          this.emit('frame', st, f);
        },
      });
    });
    this.stats.tracks = setup.map((s, i) => ({
      index: s.track.index,
      codec: s.track.codec,
      packets: 0,
      bytes: 0,
      rtcpPackets: 0,
      reception: s.reception,
      media: this.depacketizers[i]?.stats,
    }));
    this.trackCounters = setup.map((s) => mediaCounters(this.counters, s.track.media, s.track.codec));
    this.lostSeen = setup.map(() => 0);
  }

  private onPacket(st: SetupTrack, payload: Uint8Array, kind: PacketKind): void {
    this.lastPacketAt = this.clock.now();
    this.packetsThisSession++;
    const i = this.currentTracks.indexOf(st);
    const ts = this.stats.tracks[i];
    const c = this.trackCounters[i];
    if (ts && c) {
      if (kind === 'rtp') {
        ts.packets++;
        ts.bytes += payload.length;
        c.packets++;
        c.bytes += payload.length;
        const lost = st.reception.lostPackets;
        const seen = this.lostSeen[i] as number;
        if (lost > seen) {
          c.lostPackets += lost - seen;
          this.lostSeen[i] = lost;
        }
      } else {
        ts.rtcpPackets++;
        c.rtcpPackets++;
      }
    }
    this.emit('packet', st, payload, kind);
    if (kind === 'rtp') this.depacketizers[i]?.push(payload);
  }

  /**
   * One timer per session: fires when the source has been silent for the silence timeout (or, on
   * UDP before the first packet, the fallback delay), re-armed lazily from the last packet's time.
   */
  private armWatchdog(session: RtspSession): void {
    const silenceMs = this.opts.silenceTimeoutMs ?? 10_000;
    const fallbackMs = this.opts.udpFallbackMs ?? 3000;
    const waitingForFirstUdp = this.transport === 'udp' && this.packetsThisSession === 0 && fallbackMs > 0;
    const limit = waitingForFirstUdp ? Math.min(fallbackMs, silenceMs) : silenceMs;
    const due = this.lastPacketAt + limit - this.clock.now();
    this.watchdog = this.clock.setTimer(Math.max(0, due), () => {
      if (this.session !== session || this.closed) return;
      const idle = this.clock.now() - this.lastPacketAt;
      const stillWaiting = this.transport === 'udp' && this.packetsThisSession === 0 && fallbackMs > 0;
      if (stillWaiting && idle >= Math.min(fallbackMs, silenceMs)) {
        // RTP over UDP does not get through (firewall, NAT): TCP interleaved rides the control connection.
        this.stats.udpFallbacks++;
        this.counters.udpFallbacks++;
        this.log.warn({ url: this.maskedUrl, afterMs: idle }, 'rtsp: no RTP over UDP, falling back to TCP');
        this.transport = 'tcp';
        this.attempt = 0;
        return this.fail(
          session,
          new RtspError('RTSP_TIMEOUT', `no RTP over UDP in ${Math.round(idle)} ms; switching to TCP`),
          0,
        );
      }
      if (idle >= silenceMs) {
        return this.fail(
          session,
          new RtspError('RTSP_TIMEOUT', `no RTP for ${Math.round(idle)} ms (silence)`),
        );
      }
      this.armWatchdog(session);
    });
  }

  private fail(session: RtspSession, err: RtspError, delayOverrideMs?: number): void {
    if (this.session !== session || this.closed) return;
    this.session = undefined;
    this.watchdog?.cancel();
    void session.close();
    // A camera refusing UDP (461 Unsupported Transport) gets TCP next time.
    if (this.transport === 'udp' && err.status === 461) this.transport = 'tcp';
    if (this.liveSince > 0 && this.clock.now() - this.liveSince >= (this.opts.stableAfterMs ?? 10_000)) {
      this.attempt = 0;
    }
    this.liveSince = 0;
    this.attempt++;
    this.stats.reconnects++;
    this.counters.reconnects++;
    this.stats.lastError = { code: err.code, message: err.message };
    const retryInMs =
      delayOverrideMs ?? backoffMs(this.attempt, this.opts.backoffBaseMs, this.opts.backoffMaxMs);
    this.log.warn({ url: this.maskedUrl, code: err.code, err: err.message, retryInMs }, 'rtsp source failed');
    this.setState({
      status: 'retrying',
      code: err.code,
      reason: err.message,
      attempt: this.attempt,
      retryInMs,
    });
    this.emit('failure', err);
    if (this.closed) return;
    this.retryTimer = this.clock.setTimer(retryInMs, () => this.startAttempt());
  }

  /** Stops retrying, TEARDOWNs the session and closes its sockets. Idempotent. */
  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    this.retryTimer?.cancel();
    this.watchdog?.cancel();
    const session = this.session;
    this.session = undefined;
    await session?.close();
    this.setState({ status: 'closed' });
  }
}
