import { decodeRtcpCompound } from '../webrtc/rtcp/index.ts';
import {
  addr,
  systemClock,
  udpNet,
  type Addr,
  type Clock,
  type DatagramConn,
  type Net,
  type Timer,
} from '../webrtc/transport/index.ts';
import type { ByteStream, Dialer } from './byte-stream.ts';
import { describeBase } from './control-url.ts';
import { RtspError, toRtspError } from './errors.ts';
import { silentLogger, type RtspLogger } from './logger.ts';
import { bodyText, type RtspResponse } from './message.ts';
import type { MessageLimits } from './message-parser.ts';
import { ReceiverReporter } from './receiver-reporter.ts';
import { ReceptionStats } from './reception-stats.ts';
import { RtspConnection, type RequestLogEntry } from './rtsp-connection.ts';
import { maskUrl, parseRtspUrl, type RtspCredentials } from './rtsp-url.ts';
import { parseSessionDescription, type SessionDescriptionInfo } from './session-description.ts';
import { parseSessionHeader } from './session-header.ts';
import { tcpDialer } from './tcp-dialer.ts';
import { nextSessionState, type SessionEvent, type SessionState } from './session-state.ts';
import type { RtspTrack } from './track.ts';
import { formatTransport, parseTransport, type TransportSpec } from './transport-header.ts';

export type RtspTransport = 'tcp' | 'udp';

/** A track as set up: how its packets arrive. */
export interface SetupTrack {
  track: RtspTrack;
  transport: RtspTransport;
  /** TCP: the interleaved channels (RTP, RTCP). */
  channels?: [number, number];
  /** UDP: our ports and the camera's. */
  clientPorts?: [number, number];
  serverPorts?: [number, number];
  /** The SSRC the camera announced in Transport, if it did. */
  ssrc?: number;
  /** Sequence, loss and jitter of the track's RTP (RFC 3550 A.1/A.3/A.8), for RRs and metrics. */
  reception: ReceptionStats;
  /** UDP: the receiver reports sent to the camera's RTCP port (RFC 3550 §6.4.2). */
  reporter?: ReceiverReporter;
}

export type PacketKind = 'rtp' | 'rtcp';

/** What a client needs to reach a camera: shared by {@link RtspSession}, `RtspSource` and `probe`. */
export interface RtspClientOptions {
  /** `rtsp://[user:pass@]host[:port]/path` */
  url: string;
  /** Credentials from config; those in the URL win when both are given. */
  credentials?: RtspCredentials;
  /** Default `tcp` (interleaved): the most reliable through NAT and Wi-Fi. */
  transport?: RtspTransport;
  /** Default systemClock. */
  clock?: Clock;
  /** Default {@link tcpDialer} (node:net). */
  dialer?: Dialer;
  /** For `transport: 'udp'`; default webrtc/transport's `udpNet`. */
  net?: Net;
  /** Where UDP receivers bind (default `0.0.0.0`). */
  udpBindAddress?: string;
  userAgent?: string;
  connectTimeoutMs?: number;
  requestTimeoutMs?: number;
  /** Keepalive period; default half the session timeout the camera announced (RFC 2326 §12.37). */
  keepaliveIntervalMs?: number;
  /** 3xx redirects followed before giving up (default 3). */
  maxRedirects?: number;
  /** Which tracks to SETUP (default all). */
  selectTrack?: (track: RtspTrack) => boolean;
  limits?: Partial<MessageLimits>;
  logger?: RtspLogger;
  /** The cnonce source for Digest (tests). */
  cnonce?: () => string;
  /** UDP receiver reports: the §6.2 minimum interval (default 5000 ms) and the randomness (tests). */
  rtcp?: { minIntervalMs?: number; random?: () => number; cname?: string };
}

export interface RtspSessionOptions extends RtspClientOptions {
  onPacket: (track: SetupTrack, payload: Uint8Array, kind: PacketKind) => void;
  /** A UDP datagram from someone other than the camera was dropped. */
  onForeignPacket?: () => void;
  /** Called with the set-up tracks right before PLAY (packets may follow the PLAY reply at once). */
  onTracks?: (tracks: SetupTrack[]) => void;
  onRequest?: (entry: RequestLogEntry) => void;
}

/** An IPv4 dotted quad or an IPv6 literal (a DNS name is neither). */
function isIpLiteral(host: string): boolean {
  return /^\d{1,3}(\.\d{1,3}){3}$/.test(host) || host.includes(':');
}

const REDIRECTS = new Set([301, 302, 303, 305, 307]);

function statusError(method: string, url: string, res: RtspResponse): RtspError {
  const what = `${method} ${maskUrl(url)}: ${res.status} ${res.reason}`;
  if (res.status === 404) return new RtspError('RTSP_NOT_FOUND', what, { status: 404 });
  return new RtspError('RTSP_STATUS', what, { status: res.status });
}

/**
 * One RTSP session with one camera: connect, OPTIONS, DESCRIBE (following redirects), SETUP every
 * selected track, PLAY, keep it alive, TEARDOWN on close. It does not retry: `RtspSource` does.
 *
 * @example
 * const s = new RtspSession({ url, onPacket: (track, rtp, kind) => … });
 * await s.start();          // resolves once playing
 * s.onEnd((err) => …);       // EOF, failed keepalive, socket error
 * await s.close();           // TEARDOWN, then the socket
 */
export class RtspSession {
  private stateValue: SessionState = 'init';
  private readonly opts: RtspSessionOptions;
  private readonly log: RtspLogger;
  private readonly clock: Clock;
  private conn: RtspConnection | undefined;
  private readonly udpConns: DatagramConn[] = [];
  private keepaliveTimer: Timer | undefined;
  private endHandlers: Array<(err: RtspError) => void> = [];
  private ended: RtspError | undefined;
  private closing = false;
  private byChannel: Array<{ st: SetupTrack; kind: PacketKind } | undefined> = [];
  /** Final URL after redirects (no credentials). */
  url: string;
  description: SessionDescriptionInfo | undefined;
  readonly setup: SetupTrack[] = [];
  /** Methods the camera listed in `Public` (RFC 2326 §12.28). */
  publicMethods: string[] = [];
  sessionId: string | undefined;
  sessionTimeoutSec = 60;
  keepaliveMethod: 'GET_PARAMETER' | 'OPTIONS' = 'OPTIONS';
  /** UDP datagrams dropped because they did not come from the camera. */
  foreignPackets = 0;
  private credentials: RtspCredentials | undefined;

  constructor(options: RtspSessionOptions) {
    this.opts = options;
    this.log = options.logger ?? silentLogger;
    this.clock = options.clock ?? systemClock;
    const parsed = parseRtspUrl(options.url);
    this.url = parsed.url;
    this.credentials = parsed.credentials ?? options.credentials;
  }

  get state(): SessionState {
    return this.stateValue;
  }

  /** The auth scheme the camera asked for, if any. */
  get authScheme(): string | undefined {
    return this.conn?.authScheme;
  }

  private go(event: SessionEvent): void {
    this.stateValue = nextSessionState(this.stateValue, event);
  }

  private foreign(): void {
    this.foreignPackets++;
    this.opts.onForeignPacket?.();
  }

  /** Runs once when a started session ends without `close()`: EOF, socket error, failed keepalive. */
  onEnd(handler: (err: RtspError) => void): void {
    if (this.ended) handler(this.ended);
    else this.endHandlers.push(handler);
  }

  /** Connects and plays. Rejects with an `RtspError` (the session is then closed). */
  async start(): Promise<void> {
    try {
      await this.negotiate();
    } catch (err) {
      const e = toRtspError(err, 'RTSP_PROTOCOL', 'session failed');
      await this.close();
      throw e;
    }
  }

  /** OPTIONS and DESCRIBE only (following redirects): what `probe` needs without playing. */
  async describeOnly(): Promise<void> {
    try {
      await this.negotiate(false);
    } catch (err) {
      const e = toRtspError(err, 'RTSP_PROTOCOL', 'session failed');
      await this.close();
      throw e;
    }
  }

  private async negotiate(play = true): Promise<void> {
    const maxRedirects = this.opts.maxRedirects ?? 3;
    let redirects = 0;
    this.go('connect');
    for (;;) {
      const conn = await this.connect();
      const options = await conn.request('OPTIONS', this.url);
      if (this.closing) throw new RtspError('RTSP_CLOSED', 'closed');
      let next = this.redirectTarget('OPTIONS', options);
      if (next === undefined) {
        // Cameras that refuse OPTIONS (405/501) still serve DESCRIBE: only 401/404 are final here.
        if (options.status === 404) throw statusError('OPTIONS', this.url, options);
        this.publicMethods = (options.headers.get('public') ?? '')
          .split(',')
          .map((m) => m.trim().toUpperCase())
          .filter((m) => m !== '');
        this.keepaliveMethod = this.publicMethods.includes('GET_PARAMETER') ? 'GET_PARAMETER' : 'OPTIONS';
        this.go('options-ok');
        const describe = await conn.request('DESCRIBE', this.url, { Accept: 'application/sdp' });
        if (this.closing) throw new RtspError('RTSP_CLOSED', 'closed');
        next = this.redirectTarget('DESCRIBE', describe);
        if (next === undefined) {
          if (describe.status < 200 || describe.status >= 300)
            throw statusError('DESCRIBE', this.url, describe);
          const base = describeBase(
            this.url,
            describe.headers.get('content-base'),
            describe.headers.get('content-location'),
          );
          this.description = parseSessionDescription(bodyText(describe), base);
          this.go('describe-ok');
          break;
        }
      }
      if (++redirects > maxRedirects) {
        throw new RtspError(
          'RTSP_REDIRECT_LIMIT',
          `more than ${maxRedirects} redirects from ${maskUrl(this.url)}`,
        );
      }
      this.log.info({ from: maskUrl(this.url), to: maskUrl(next) }, 'rtsp redirect');
      this.conn = undefined;
      conn.close();
      const target = parseRtspUrl(next);
      this.url = target.url;
      if (target.credentials) this.credentials = target.credentials;
      this.go('redirect');
    }
    if (!play) return;
    await this.setupTracks();
    await this.play();
  }

  /** The Location of a 3xx reply (RFC 2326 §11.3), resolved; undefined when not a redirect. */
  private redirectTarget(method: string, res: RtspResponse): string | undefined {
    if (!REDIRECTS.has(res.status)) return undefined;
    const location = res.headers.get('location')?.trim();
    if (!location) {
      throw new RtspError(
        'RTSP_REDIRECT_LIMIT',
        `${method} ${maskUrl(this.url)}: ${res.status} without Location`,
        {
          status: res.status,
        },
      );
    }
    if (/^rtsps?:\/\//i.test(location)) return location;
    const origin = /^(rtsp:\/\/[^/]+)/i.exec(this.url)?.[1] ?? '';
    return location.startsWith('/') ? `${origin}${location}` : `${origin}/${location}`;
  }

  private async connect(): Promise<RtspConnection> {
    const { host, port } = parseRtspUrl(this.url);
    const timeoutMs = this.opts.connectTimeoutMs ?? 5000;
    const abort = new AbortController();
    let timer: Timer | undefined;
    let stream: ByteStream;
    try {
      stream = await Promise.race([
        (this.opts.dialer ?? tcpDialer)(host, port, abort.signal),
        new Promise<never>((_, reject) => {
          timer = this.clock.setTimer(timeoutMs, () => {
            abort.abort();
            reject(
              new RtspError('RTSP_TIMEOUT', `connect to ${maskUrl(this.url)}: no answer in ${timeoutMs} ms`),
            );
          });
        }),
      ]);
    } catch (err) {
      throw toRtspError(err, 'RTSP_CONNECT', `connect to ${host}:${port} failed`);
    } finally {
      timer?.cancel();
    }
    if (this.closing) {
      stream.close();
      throw new RtspError('RTSP_CLOSED', 'closed');
    }
    const conn = new RtspConnection(stream, {
      clock: this.clock,
      credentials: this.credentials,
      userAgent: this.opts.userAgent,
      requestTimeoutMs: this.opts.requestTimeoutMs,
      limits: this.opts.limits,
      cnonce: this.opts.cnonce,
      onRequest: (e) => {
        this.log.debug({ ...e }, 'rtsp request');
        this.opts.onRequest?.(e);
      },
      onParseError: (e) => this.log.warn({ code: e.code, err: e.message }, 'rtsp: dropped a broken message'),
      acceptChannel: (c) => this.byChannel[c] !== undefined,
      onData: (channel, payload) => {
        const route = this.byChannel[channel];
        if (route) this.deliver(route.st, payload, route.kind);
      },
    });
    conn.onClose((err) => {
      if (this.conn === conn) this.end(err);
    });
    this.conn = conn;
    return conn;
  }

  private async setupTracks(): Promise<void> {
    const conn = this.conn as RtspConnection;
    const info = this.description as SessionDescriptionInfo;
    const select = this.opts.selectTrack ?? (() => true);
    const tracks = info.tracks.filter(select);
    if (tracks.length === 0) throw new RtspError('RTSP_SDP', 'no track selected for SETUP');
    const transport = this.opts.transport ?? 'tcp';
    for (const [i, track] of tracks.entries()) {
      let st: SetupTrack;
      let request: string;
      let udp: [DatagramConn, DatagramConn] | undefined;
      if (transport === 'tcp') {
        conn.expectInterleaved = true;
        st = {
          track,
          transport,
          channels: [2 * i, 2 * i + 1],
          reception: new ReceptionStats(track.clockRate),
        };
        request = formatTransport({ lower: 'TCP', interleaved: [2 * i, 2 * i + 1] });
      } else {
        udp = await this.bindUdpPair();
        const ports: [number, number] = [udp[0].localAddr.port, udp[1].localAddr.port];
        st = { track, transport, clientPorts: ports, reception: new ReceptionStats(track.clockRate) };
        request = formatTransport({ lower: 'UDP', clientPort: ports });
      }
      const res = await conn.request('SETUP', track.control, { Transport: request });
      if (res.status < 200 || res.status >= 300) throw statusError('SETUP', track.control, res);
      const session = parseSessionHeader(res.headers.get('session'));
      if (!session && !this.sessionId) {
        throw new RtspError('RTSP_PROTOCOL', `SETUP ${maskUrl(track.control)}: reply without Session`);
      }
      if (session && !this.sessionId) {
        this.sessionId = session.id;
        this.sessionTimeoutSec = session.timeoutSec;
        conn.sessionId = session.id;
      }
      const reply: TransportSpec | undefined = parseTransport(res.headers.get('transport'));
      if (reply?.ssrc !== undefined) st.ssrc = reply.ssrc;
      if (transport === 'tcp') {
        if (reply && reply.lower !== 'TCP') {
          throw new RtspError('RTSP_PROTOCOL', `SETUP: asked for TCP, camera answered ${reply.protocol}`);
        }
        // Cameras may pick other channels; believe the reply, else ours stand.
        if (reply?.interleaved) st.channels = reply.interleaved;
        const [rtp, rtcp] = st.channels as [number, number];
        this.byChannel[rtp] = { st, kind: 'rtp' };
        this.byChannel[rtcp] = { st, kind: 'rtcp' };
      } else {
        if (reply?.lower === 'TCP') {
          throw new RtspError('RTSP_PROTOCOL', 'SETUP: asked for UDP, camera answered TCP');
        }
        if (reply?.serverPort) st.serverPorts = reply.serverPort;
        const [rtpConn, rtcpConn] = udp as [DatagramConn, DatagramConn];
        // Only the camera may feed a track: anyone who can reach our UDP ports could inject media
        // otherwise. The camera is the Transport `source=` or the URL's IP (a DNS name: no filter).
        const camera = reply?.source ?? parseRtspUrl(this.url).host;
        const accept = isIpLiteral(camera) ? (from: Addr) => from.address === camera : () => true;
        // Where receiver reports go: the camera's RTCP port (§6.4.2), at its IP or, for a DNS name,
        // the address its packets come from.
        let cameraIp = isIpLiteral(camera) ? camera : undefined;
        let cameraRtcp: Addr | undefined;
        rtpConn.onData((data, from) => {
          if (!accept(from)) return this.foreign();
          cameraIp ??= from.address;
          this.deliver(st, data, 'rtp');
        });
        rtcpConn.onData((data, from) => {
          if (!accept(from)) return this.foreign();
          cameraIp ??= from.address;
          st.reporter?.onRtcpReceived(data.length);
          this.deliver(st, data, 'rtcp');
        });
        const rtcpPort = reply?.serverPort?.[1];
        if (rtcpPort !== undefined) {
          st.reporter = new ReceiverReporter({
            clock: this.clock,
            reception: st.reception,
            ...this.opts.rtcp,
            send: (bytes) => {
              if (cameraIp === undefined || rtcpConn.closed) return;
              cameraRtcp ??= addr(cameraIp, rtcpPort);
              rtcpConn.send(bytes, cameraRtcp);
            },
          });
        }
      }
      this.setup.push(st);
      this.go(i === tracks.length - 1 ? 'setup-done' : 'setup-more');
    }
  }

  /** Updates the track's reception statistics (RTP: A.1/A.8; RTCP: the camera's SRs), then hands it on. */
  private deliver(st: SetupTrack, payload: Uint8Array, kind: PacketKind): void {
    if (kind === 'rtp') st.reception.onRtp(payload, this.clock.now());
    else {
      try {
        for (const p of decodeRtcpCompound(payload)) {
          if (p.type === 'sr') st.reception.onSenderReport(p, this.clock.now());
        }
      } catch {
        // A broken RTCP packet carries no SR for LSR: ignored (the RTP keeps flowing).
      }
    }
    this.opts.onPacket(st, payload, kind);
  }

  /** Binds an even RTP port and the odd RTCP port above it (RFC 3550 §11). */
  private async bindUdpPair(): Promise<[DatagramConn, DatagramConn]> {
    const net = this.opts.net ?? udpNet;
    const address = this.opts.udpBindAddress ?? '0.0.0.0';
    for (let tries = 0; tries < 20; tries++) {
      const rtp = await net.listenUdp(address, 0);
      if (rtp.localAddr.port % 2 !== 0 || rtp.localAddr.port >= 65535) {
        rtp.close();
        continue;
      }
      try {
        const rtcp = await net.listenUdp(address, rtp.localAddr.port + 1);
        this.udpConns.push(rtp, rtcp);
        return [rtp, rtcp];
      } catch {
        rtp.close();
      }
    }
    throw new RtspError('RTSP_CONNECT', 'could not bind an even/odd UDP port pair');
  }

  private async play(): Promise<void> {
    const conn = this.conn as RtspConnection;
    const url = (this.description as SessionDescriptionInfo).aggregateControl;
    this.opts.onTracks?.(this.setup);
    const res = await conn.request('PLAY', url, { Range: 'npt=0.000-' });
    if (res.status < 200 || res.status >= 300) throw statusError('PLAY', url, res);
    this.go('play-ok');
    this.scheduleKeepalive();
    for (const st of this.setup) st.reporter?.start();
    this.log.info(
      {
        url: maskUrl(this.url),
        transport: this.opts.transport ?? 'tcp',
        tracks: this.setup.map((s) => s.track.codec),
        sessionTimeoutSec: this.sessionTimeoutSec,
        keepalive: this.keepaliveMethod,
      },
      'rtsp playing',
    );
  }

  /** The keepalive period: configured, else half the session timeout (RFC 2326 §12.37). */
  get keepaliveIntervalMs(): number {
    return this.opts.keepaliveIntervalMs ?? Math.max(1000, (this.sessionTimeoutSec * 1000) / 2);
  }

  private scheduleKeepalive(): void {
    this.keepaliveTimer = this.clock.setTimer(this.keepaliveIntervalMs, () => {
      void this.keepalive();
    });
  }

  private async keepalive(): Promise<void> {
    const conn = this.conn;
    if (!conn || this.stateValue !== 'playing') return;
    const url = (this.description as SessionDescriptionInfo).aggregateControl;
    try {
      const res = await conn.request(this.keepaliveMethod, url);
      if (this.stateValue !== 'playing') return;
      if (res.status === 454) {
        // RFC 2326 §11.3.8 Session Not Found: the camera forgot us.
        return this.end(new RtspError('RTSP_PROTOCOL', 'keepalive: 454 Session Not Found', { status: 454 }));
      }
      if (this.keepaliveMethod === 'GET_PARAMETER' && (res.status === 405 || res.status === 501)) {
        this.keepaliveMethod = 'OPTIONS';
      }
      this.scheduleKeepalive();
    } catch (err) {
      this.end(toRtspError(err, 'RTSP_TIMEOUT', 'keepalive failed'));
    }
  }

  private end(err: RtspError): void {
    if (this.ended || this.closing) return;
    this.ended = err;
    this.keepaliveTimer?.cancel();
    for (const st of this.setup) st.reporter?.close({ bye: false });
    const wasStarted = this.stateValue === 'playing';
    void this.close();
    if (wasStarted) for (const h of this.endHandlers.splice(0)) h(err);
  }

  /**
   * TEARDOWN (when a session exists and the connection lives; bounded by the request timeout),
   * then closes the socket and the UDP ports. Idempotent; never rejects.
   */
  async close(): Promise<void> {
    if (this.closing) return;
    this.closing = true;
    this.keepaliveTimer?.cancel();
    // §6.3.7: a BYE tells the camera we are leaving (sent before the ports close).
    for (const st of this.setup) st.reporter?.close();
    const conn = this.conn;
    if (this.stateValue !== 'closed') this.stateValue = nextSessionState(this.stateValue, 'close');
    if (this.stateValue === 'teardown') {
      if (conn && !conn.closed && this.sessionId && this.description) {
        // RFC 2326 §10.7: TEARDOWN frees the camera's resources at once instead of at timeout.
        // Bounded: a camera that does not answer TEARDOWN must not hold close() for long.
        const ms = Math.min(this.opts.requestTimeoutMs ?? 10_000, 2000);
        await conn
          .request('TEARDOWN', this.description.aggregateControl, {}, undefined, ms)
          .catch(() => undefined);
      }
      this.go('teardown-done');
    }
    conn?.close();
    for (const c of this.udpConns) c.close();
  }
}
