import {
  probe,
  tcpDialer,
  RtspError,
  type Dialer,
  type ProbeOptions,
  type ProbeResult as RtspProbeResult,
  type RtspErrorCode,
} from './ingest-rtsp/index.ts';
import {
  InvalidFieldError,
  SourceProbeError,
  type ProbeFailure,
  type ProbeResult,
  type SourceProber,
} from './control/index.ts';

/** How each RTSP client failure reads as a probe failure (and so which gRPC code it becomes). */
const FAILURE_OF: Partial<Record<RtspErrorCode, ProbeFailure>> = {
  RTSP_AUTH_FAILED: 'auth',
  RTSP_NOT_FOUND: 'not_found',
  RTSP_STATUS: 'refused',
  RTSP_TIMEOUT: 'timeout',
  RTSP_CONNECT: 'unreachable',
  RTSP_EOF: 'unreachable',
  RTSP_CLOSED: 'unreachable',
};

/** An RTSP client error as the control plane's probe error; RtspError messages are already masked. */
function probeFailure(err: RtspError): SourceProbeError | InvalidFieldError {
  if (err.code === 'RTSP_BAD_URL') return new InvalidFieldError('source_url', err.message);
  const reason = FAILURE_OF[err.code] ?? 'protocol';
  const message =
    reason === 'auth'
      ? `the source refused the credentials${err.status === undefined ? '' : ` (RTSP ${err.status})`}: ${err.message}`
      : err.message;
  return new SourceProbeError(reason, message, { cause: err, sourceStatus: err.status });
}

/** ingest-rtsp's probe result in the control plane's shape (unknowns as 0 / ""). */
function toProbeResult(r: RtspProbeResult): ProbeResult {
  return {
    server: r.server ?? '',
    auth: r.auth ?? '',
    publicMethods: r.publicMethods,
    transport: r.transport,
    playable: r.playable,
    notes: r.notes,
    sampledMs: r.sampledMs,
    tracks: r.tracks.map((t) => ({
      index: t.index,
      media: t.media,
      codec: t.codec,
      payloadType: t.payloadType,
      clockRate: t.clockRate,
      channels: t.channels ?? 0,
      fmtp: t.fmtp,
      control: t.control,
      width: t.width ?? 0,
      height: t.height ?? 0,
      frameRate: t.frameRate ?? 0,
      profileLevelId: t.profileLevelId ?? '',
      bitrateKbps: t.bitrateKbps ?? 0,
      frames: t.frames ?? 0,
      keyframes: t.keyframes ?? 0,
      bFrames: t.bFrames ?? false,
      browserPlayable: t.browser.playable,
      browserReason: t.browser.playable ? '' : (t.browser.reason ?? 'not playable'),
    })),
  };
}

export interface RtspProberOptions {
  /** Opens the RTSP connection; default node:net ({@link tcpDialer}). */
  readonly dialer?: Dialer;
  /** Where UDP receivers bind for `udp` probes (default the RTSP client's). */
  readonly udpBindAddress?: string;
}

/**
 * StreamService.ProbeSource over ingest-rtsp's `probe` (what `edge-gateway probe` prints). The whole
 * probe ends within `timeoutMs`: the connect and request timeouts are bounded by it, and when it
 * expires, or the gRPC call is cancelled, the RTSP connection is closed at once. `auto` probes over
 * TCP (interleaved), which works through every firewall the gateway itself would pull through.
 *
 * @example
 * const control = await startControlServer({ ..., prober: rtspSourceProber() });
 */
export function rtspSourceProber(opts: RtspProberOptions = {}): SourceProber {
  const baseDialer = opts.dialer ?? tcpDialer;
  return {
    async probe(url, req) {
      const stop = new AbortController();
      const timer = setTimeout(
        () =>
          stop.abort(
            new SourceProbeError('timeout', `no complete answer from the source in ${req.timeoutMs} ms`),
          ),
        req.timeoutMs,
      );
      timer.unref();
      const onCancel = (): void =>
        stop.abort(new SourceProbeError('unreachable', 'probe cancelled by the client'));
      if (req.signal.aborted) onCancel();
      else req.signal.addEventListener('abort', onCancel, { once: true });
      // Every connection the probe opens is closed when the probe is stopped.
      const dialer: Dialer = async (host, port, signal) => {
        const stream = await baseDialer(
          host,
          port,
          signal === undefined ? stop.signal : AbortSignal.any([signal, stop.signal]),
        );
        if (stop.signal.aborted) stream.close();
        else stop.signal.addEventListener('abort', () => stream.close(), { once: true });
        return stream;
      };
      const options: ProbeOptions = {
        transport: req.rtspTransport === 'udp' ? 'udp' : 'tcp',
        sampleMs: req.sampleMs,
        dialer,
        connectTimeoutMs: req.timeoutMs,
        requestTimeoutMs: req.timeoutMs,
        ...(opts.udpBindAddress === undefined ? {} : { udpBindAddress: opts.udpBindAddress }),
      };
      const stopped = new Promise<never>((_, reject) => {
        const fail = (): void => reject(stop.signal.reason);
        if (stop.signal.aborted) fail();
        else stop.signal.addEventListener('abort', fail, { once: true });
      });
      const probing = probe(url, options);
      // Whichever loses the race must not become an unhandled rejection.
      probing.catch(() => {});
      stopped.catch(() => {});
      try {
        return toProbeResult(await Promise.race([probing, stopped]));
      } catch (err) {
        if (err instanceof RtspError) throw probeFailure(err);
        throw err;
      } finally {
        clearTimeout(timer);
        req.signal.removeEventListener('abort', onCancel);
        // Stop anything still open (a lost race); the stop reason is not reported to anyone then.
        if (!stop.signal.aborted) stop.abort(new SourceProbeError('unreachable', 'probe finished'));
      }
    },
  };
}
