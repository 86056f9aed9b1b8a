import { decodeRtcpCompound } from '../webrtc/rtcp/index.ts';
import { systemClock, udpNet, type Clock, type DatagramConn, type Timer } from '../webrtc/transport/index.ts';
import type { RtspClientOptions } from './client-options.ts';
import { describeBase } from './control-url.ts';
import { dialWithTimeout } from './dial.ts';
import { RtspError, toRtspError } from './errors.ts';
import { silentLogger, type RtspLogger } from './logger.ts';
import { bodyText } from './message.ts';
import { randomCname, ReceiverReporter } from './receiver-reporter.ts';
import { ReceptionStats } from '../webrtc/interceptor/index.ts';
import { redirectTarget, statusError } from './reply-status.ts';
import { RtspConnection, type RequestLogEntry } from './rtsp-connection.ts';
import { maskUrl, parseRtspUrl, type RtspCredentials } from './rtsp-url.ts';
import { parseSessionDescription, type SessionDescriptionInfo } from './session-description.ts';
import { parseSessionHeader } from './session-header.ts';
import { nextSessionState, type SessionEvent, type SessionState } from './session-state.ts';
import type { PacketKind, SetupTrack } from './setup-track.ts';
import { tcpDialer } from './tcp-dialer.ts';
import { formatTransport, parseTransport, type TransportSpec } from './transport-header.ts';
import { bindUdpPair } from './udp-port-pair.ts';
import { wireUdpTrack } from './udp-track.ts';

export interface RtspSessionOptions extends RtspClientOptions {
  onPacket: (track: SetupTrack, payload: Uint8Array, kind: PacketKind) => void;
  /** A UDP datagram from someone other than the camera was dropped. */
  onForeignPacket?: () => void;
  /** Called with the set-up tracks right before PLAY (packets may follow the PLAY reply at once). */
  onTracks?: (tracks: SetupTrack[]) => void;
  onRequest?: (entry: RequestLogEntry) => void;
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
  /** The camera's `Server` header (RFC 2326 §12.36), e.g. its make and firmware; undefined when absent. */
  server: string | undefined;
  sessionId: string | undefined;
  sessionTimeoutSec = 60;
  keepaliveMethod: 'GET_PARAMETER' | 'OPTIONS' = 'OPTIONS';
  /** UDP datagrams dropped because they did not come from the camera. */
  foreignPackets = 0;
  private credentials: RtspCredentials | undefined;
  /** One CNAME for every track's RTP session: RFC 3550 §6.5.1 binds a participant's sessions by it. */
  private readonly rtcpOptions: NonNullable<RtspClientOptions['rtcp']>;

  constructor(options: RtspSessionOptions) {
    this.opts = options;
    this.log = options.logger ?? silentLogger;
    this.clock = options.clock ?? systemClock;
    const parsed = parseRtspUrl(options.url);
    this.url = parsed.url;
    this.credentials = parsed.credentials ?? options.credentials;
    this.rtcpOptions = { ...options.rtcp, cname: options.rtcp?.cname ?? randomCname() };
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
      let next = redirectTarget(this.url, 'OPTIONS', options);
      if (next === undefined) {
        // Cameras that refuse OPTIONS (405/501) still serve DESCRIBE: only 401/404 are final here.
        if (options.status === 404) throw statusError('OPTIONS', this.url, options);
        this.publicMethods = (options.headers.get('public') ?? '')
          .split(',')
          .map((m) => m.trim().toUpperCase())
          .filter((m) => m !== '');
        this.keepaliveMethod = this.publicMethods.includes('GET_PARAMETER') ? 'GET_PARAMETER' : 'OPTIONS';
        this.server = options.headers.get('server')?.trim() || undefined;
        this.go('options-ok');
        const describe = await conn.request('DESCRIBE', this.url, { Accept: 'application/sdp' });
        this.server ??= describe.headers.get('server')?.trim() || undefined;
        if (this.closing) throw new RtspError('RTSP_CLOSED', 'closed');
        next = redirectTarget(this.url, 'DESCRIBE', describe);
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

  private async connect(): Promise<RtspConnection> {
    const { host, port } = parseRtspUrl(this.url);
    const stream = await dialWithTimeout(
      this.opts.dialer ?? tcpDialer,
      { host, port, url: this.url },
      this.clock,
      this.opts.connectTimeoutMs ?? 5000,
    );
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
        udp = await bindUdpPair(this.opts.net ?? udpNet, this.opts.udpBindAddress ?? '0.0.0.0');
        this.udpConns.push(...udp);
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
        // RTCP rides the control connection too (RFC 2326 §10.12): cameras that time a session out
        // on RTCP silence (live555-based ones) keep it, and they learn our reception quality.
        st.reporter = new ReceiverReporter({
          clock: this.clock,
          reception: st.reception,
          ...this.rtcpOptions,
          send: (bytes) => conn.writeInterleaved(rtcp, bytes),
        });
      } else {
        if (reply?.lower === 'TCP') {
          throw new RtspError('RTSP_PROTOCOL', 'SETUP: asked for UDP, camera answered TCP');
        }
        if (reply?.serverPort) st.serverPorts = reply.serverPort;
        const [rtp, rtcp] = udp as [DatagramConn, DatagramConn];
        wireUdpTrack({
          st,
          rtp,
          rtcp,
          camera: reply?.source ?? parseRtspUrl(this.url).host,
          cameraRtcpPort: reply?.serverPort?.[1],
          clock: this.clock,
          rtcpOptions: this.rtcpOptions,
          deliver: (t, payload, kind) => this.deliver(t, payload, kind),
          foreign: () => this.foreign(),
        });
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
