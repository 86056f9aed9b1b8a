import t from 'tap';
import { FakeCamera, FAKE_SDP, rtspResponse } from './ingest-rtsp/index.ts';
import { InvalidFieldError, SourceProbeError } from './control/index.ts';
import { rtspSourceProber } from './rtsp-prober.ts';

/*
 * The adapter's mapping from the RTSP client's failures to the control plane's probe failures
 * (each becomes a gRPC code in call-status.ts), against ingest-rtsp's scripted FakeCamera for the
 * replies the GStreamer camera cannot give (403, 503, a silent camera). The GStreamer camera
 * covers 401/404/refused in test/control-probe.e2e.test.ts.
 */
const URL = 'rtsp://admin:pa55word@cam.test/live';

function probeWith(
  cam: FakeCamera,
  extra: { timeoutMs?: number; sampleMs?: number; signal?: AbortSignal } = {},
) {
  return rtspSourceProber({ dialer: cam.dialer }).probe(URL, {
    rtspTransport: 'auto',
    timeoutMs: extra.timeoutMs ?? 2000,
    sampleMs: extra.sampleMs ?? 0,
    signal: extra.signal ?? new AbortController().signal,
  });
}

async function failureOf(p: Promise<unknown>): Promise<SourceProbeError | InvalidFieldError> {
  try {
    await p;
  } catch (err) {
    if (err instanceof SourceProbeError || err instanceof InvalidFieldError) return err;
    throw err;
  }
  throw new Error('the probe succeeded');
}

t.test('a describing camera: tracks as data, transport tcp for auto, no password anywhere', async (t) => {
  const r = await probeWith(new FakeCamera({ sdp: FAKE_SDP }));
  t.equal(r.transport, 'tcp');
  t.equal(r.sampledMs, 0);
  t.match(r.tracks, [
    { index: 0, media: 'video', codec: 'H264', payloadType: 96, clockRate: 90000, browserPlayable: true },
    { index: 1, media: 'audio', codec: 'PCMU', payloadType: 0, clockRate: 8000 },
  ]);
  t.ok(r.tracks[0] !== undefined && r.tracks[0].width > 0, 'size from sprop-parameter-sets');
  t.notMatch(JSON.stringify(r), 'pa55word');
});

t.test('camera replies become probe failures with the status', async (t) => {
  const replying = (status: number, reason: string) =>
    new FakeCamera({
      handler: (req) =>
        req.method === 'DESCRIBE'
          ? rtspResponse(status, reason, { cseq: req.headers.get('cseq') ?? '0' })
          : 'default',
    });
  const forbidden = await failureOf(probeWith(replying(403, 'Forbidden')));
  t.match(forbidden, { reason: 'refused', sourceStatus: 403 });
  const busy = await failureOf(probeWith(replying(503, 'Service Unavailable')));
  t.match(busy, { reason: 'refused', sourceStatus: 503 });
  const missing = await failureOf(probeWith(replying(404, 'Not Found')));
  t.match(missing, { reason: 'not_found', sourceStatus: 404 });
  const unauthorized = await failureOf(probeWith(replying(401, 'Unauthorized')));
  t.match(unauthorized, { reason: 'auth', message: /refused the credentials/ });
  for (const e of [forbidden, busy, missing, unauthorized]) t.notMatch(e.message, 'pa55word');

  const closed = new FakeCamera();
  closed.refuse = true;
  t.match(await failureOf(probeWith(closed)), { reason: 'unreachable' });
});

t.test('a silent camera times out at timeoutMs; an abort stops the probe at once', async (t) => {
  // The prober's timer is unref()ed (a real socket holds the process); in-memory streams do not.
  const keepAlive = setInterval(() => {}, 1000);
  t.teardown(() => clearInterval(keepAlive));
  const silent = new FakeCamera({ handler: () => undefined });
  const started = performance.now();
  const slow = await failureOf(probeWith(silent, { timeoutMs: 300 }));
  const took = performance.now() - started;
  t.match(slow, { reason: 'timeout' });
  t.ok(took >= 280 && took < 1500, `within the timeout (${Math.round(took)} ms)`);
  t.ok(
    silent.streams.every((s) => s.closed),
    'its connection closed',
  );

  const abort = new AbortController();
  const cam = new FakeCamera({ handler: () => undefined });
  const p = failureOf(probeWith(cam, { timeoutMs: 10_000, signal: abort.signal }));
  await new Promise((r) => setTimeout(r, 50));
  const at = performance.now();
  abort.abort();
  const cancelled = await p;
  t.ok(performance.now() - at < 200, 'stops at once');
  t.match(cancelled, { reason: 'unreachable', message: /cancelled/ });
  t.ok(
    cam.streams.every((s) => s.closed),
    'its connection closed',
  );
});
