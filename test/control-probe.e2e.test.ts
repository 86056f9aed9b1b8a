import t from 'tap';
import { createServer, type Socket } from 'node:net';
import type { AddressInfo } from 'node:net';
import * as grpc from '@grpc/grpc-js';
import { runProbeCli } from '../gateway/ingest-rtsp/index.ts';
import { rtspSourceProber } from '../gateway/rtsp-prober.ts';
import { cliAt, failure, startControlFixture, svc } from './harness/control-fixture.ts';
import { unary } from './harness/grpc-client.ts';
import { startRtspCamera } from './harness/rtsp-camera.ts';
import { startGatewayInProcess } from './harness/gateway-inproc.ts';

/*
 * Issue 6: StreamService.ProbeSource over the real RTSP client against the real GStreamer camera
 * (Digest auth), with a real grpc-js client: the same data `edge-gateway probe` prints, the
 * password never returned, and each failure as a gRPC code a fleet manager can act on.
 */
const PASSWORD = 'hunter2-probe';

interface ProbeTrackWire {
  index: number;
  media: string;
  codec: string;
  clockRate: number;
  width: number;
  height: number;
  frameRate: number;
  bitrateKbps: number;
  frames: number;
  keyframes: number;
  bFrames: boolean;
  browserPlayable: boolean;
  browserReason: string;
  control: string;
}
interface ProbeWire {
  sourceUrl: string;
  server: string;
  auth: string;
  rtspTransport: string;
  playable: boolean;
  notes: string[];
  tracks: ProbeTrackWire[];
  elapsed: { seconds: string; nanos: number };
  sampled: { seconds: string; nanos: number };
}

/** `edge-gateway probe --json` in this process. */
async function probeCliJson(url: string, seconds: number): Promise<{ code: number; json: unknown }> {
  let out = '';
  const sink = { write: (s: string) => ((out += s), true) };
  type Out = Parameters<typeof runProbeCli>;
  const code = await runProbeCli(
    [url, '--seconds', String(seconds), '--json'],
    sink as unknown as Out[1],
    sink as unknown as Out[2],
  );
  return { code, json: code === 0 || code === 3 ? JSON.parse(out) : out };
}

t.test('ProbeSource against a Digest camera: tracks, size, fps, verdict; same data as the CLI', async (t) => {
  const cam = await startRtspCamera(t, { user: 'admin', password: PASSWORD, auth: 'digest', fps: 15 });
  const f = await startControlFixture(t, { prober: rtspSourceProber() });
  const probe = (req: object) => unary<ProbeWire>(f.client, svc.streams, 'ProbeSource', req);
  const url = cam.mountUrl('/cam', { credentials: true });

  const r = await probe({ sourceUrl: url, sample: { seconds: 1 } });
  t.comment(JSON.stringify(r.tracks.map((x) => [x.codec, x.width, x.height, x.frameRate, x.bitrateKbps])));
  t.match(r, {
    sourceUrl: /^rtsp:\/\/admin:\*\*\*@127\.0\.0\.1:\d+\/cam$/,
    auth: 'digest',
    rtspTransport: 'RTSP_TRANSPORT_TCP',
    playable: true,
    sampled: { seconds: '1', nanos: 0 },
  });
  const video = r.tracks.find((x) => x.media === 'video');
  const audio = r.tracks.find((x) => x.media === 'audio');
  t.match(r.server, /GStreamer/, 'the camera’s Server header');
  t.match(video, {
    fmtp: /packetization-mode=1/,
    codec: 'H264',
    clockRate: 90000,
    width: 640,
    height: 360,
    browserPlayable: true,
    bFrames: false,
  });
  t.ok(video && video.frameRate > 12 && video.frameRate < 18, `measured ~15 fps: ${video?.frameRate}`);
  t.ok(video && video.frames >= 8 && video.bitrateKbps > 0, 'frames and bitrate sampled');
  t.match(audio, { codec: 'PCMU', clockRate: 8000, browserPlayable: true });
  t.notMatch(JSON.stringify(r), PASSWORD, 'the password appears nowhere in the response');
  t.ok(Number(r.elapsed.seconds) + r.elapsed.nanos / 1e9 >= 1, 'elapsed covers the sample');

  // The same camera through `edge-gateway probe --json`: the same tracks and verdict.
  const cli = await probeCliJson(url, 1);
  t.equal(cli.code, 0);
  const c = cli.json as {
    playable: boolean;
    auth: string;
    tracks: { codec: string; width?: number; height?: number }[];
  };
  t.equal(c.playable, r.playable);
  t.equal(c.auth, r.auth);
  t.same(
    c.tracks.map((x) => [x.codec, x.width ?? 0, x.height ?? 0]),
    r.tracks.map((x) => [x.codec, x.width, x.height]),
    'ProbeSource and the CLI agree on codecs and sizes',
  );

  // DESCRIBE only (sample 0): quick, codecs and SDP data, nothing sampled.
  const quick = await probe({ sourceUrl: url, sample: {} });
  t.equal(quick.sampled.seconds, '0');
  t.same(
    quick.tracks.map((x) => [x.codec, x.frames]),
    [
      ['H264', 0],
      ['PCMU', 0],
    ],
  );

  // H.265: the camera answers, but browsers cannot play it, and the response says why.
  const h265 = await probe({ sourceUrl: cam.mountUrl('/cam-h265', { credentials: true }), sample: {} });
  t.equal(h265.playable, false);
  t.match(h265.tracks[0], { codec: 'H265', browserPlayable: false, browserReason: /H\.265/ });
  t.ok(
    h265.notes.some((n) => /H\.?265/.test(n)),
    `notes say why: ${h265.notes.join(' | ')}`,
  );
});

t.test('ProbeSource failures: wrong Digest credentials, none, unknown path, unreachable', async (t) => {
  const cam = await startRtspCamera(t, { user: 'admin', password: PASSWORD, auth: 'digest' });
  const f = await startControlFixture(t, { prober: rtspSourceProber() });
  const probe = (req: object) => unary<ProbeWire>(f.client, svc.streams, 'ProbeSource', req);

  const wrong = await failure(
    probe({ sourceUrl: cam.mountUrl('/cam').replace('rtsp://', 'rtsp://admin:not-it@'), sample: {} }),
  );
  t.equal(wrong.code, grpc.status.FAILED_PRECONDITION, `wrong credentials: ${wrong.details}`);
  t.match(wrong.details, /refused the credentials \(RTSP 401\)/);
  t.equal(wrong.md['edgegw-camera-status'], '401', "the camera's status in the trailers");
  t.notMatch(wrong.details, /not-it/, 'the wrong password is not echoed');

  const none = await failure(probe({ sourceUrl: cam.mountUrl('/cam'), sample: {} }));
  t.equal(none.code, grpc.status.FAILED_PRECONDITION, `no credentials: ${none.details}`);
  t.equal(none.md['edgegw-camera-status'], '401');

  const missing = await failure(
    probe({ sourceUrl: cam.mountUrl('/nope' as '/cam', { credentials: true }), sample: {} }),
  );
  t.equal(missing.code, grpc.status.NOT_FOUND, `unknown path: ${missing.details}`);
  t.equal(missing.md['edgegw-camera-status'], '404');
  t.notMatch(missing.details, PASSWORD);

  // A port nobody listens on (bound, then released).
  const free = createServer();
  await new Promise<void>((r) => free.listen(0, '127.0.0.1', r));
  const { port } = free.address() as AddressInfo;
  await new Promise<void>((r) => free.close(() => r()));
  const refused = await failure(probe({ sourceUrl: `rtsp://admin:${PASSWORD}@127.0.0.1:${port}/cam` }));
  t.equal(refused.code, grpc.status.UNAVAILABLE, `unreachable: ${refused.details}`);
  t.notMatch(refused.details, PASSWORD);

  t.match(await failure(probe({ sourceUrl: 'rtsp:///cam' })), {
    code: grpc.status.INVALID_ARGUMENT,
    details: /^source_url: /,
  });
});

t.test(
  'ProbeSource of a source that never answers: DEADLINE_EXCEEDED in time, connection closed',
  async (t) => {
    const sockets: Socket[] = [];
    const closed: number[] = [];
    const silent = createServer((s) => {
      sockets.push(s);
      // Read (and ignore) the requests: a paused socket would never see the prober's FIN.
      s.resume();
      s.on('close', () => closed.push(performance.now()));
      s.on('error', () => {});
    });
    await new Promise<void>((r) => silent.listen(0, '127.0.0.1', r));
    t.teardown(() => {
      for (const s of sockets) s.destroy();
      return new Promise<void>((r) => silent.close(() => r()));
    });
    const { port } = silent.address() as AddressInfo;
    const f = await startControlFixture(t, { prober: rtspSourceProber() });
    const started = performance.now();
    const r = await failure(
      unary(f.client, svc.streams, 'ProbeSource', {
        sourceUrl: `rtsp://127.0.0.1:${port}/cam`,
        timeout: { seconds: 1 },
        sample: {},
      }),
    );
    const took = performance.now() - started;
    t.equal(r.code, grpc.status.DEADLINE_EXCEEDED, r.details);
    t.ok(took >= 900 && took < 3000, `ended at the 1 s timeout (${Math.round(took)} ms)`);
    await new Promise((res) => setTimeout(res, 100));
    t.equal(sockets.length, 1, 'one connection was made');
    t.equal(closed.length, 1, 'and closed by the prober');

    // A client that cancels mid-probe: the prober closes its connection too.
    const m = svc.streams.ProbeSource;
    if (m === undefined) throw new Error('no ProbeSource');
    const call = f.client.makeUnaryRequest(
      m.path,
      m.requestSerialize,
      m.responseDeserialize,
      { sourceUrl: `rtsp://127.0.0.1:${port}/cam`, timeout: { seconds: 30 } },
      () => {},
    );
    const deadline = performance.now() + 3000;
    while (sockets.length < 2 && performance.now() < deadline)
      await new Promise((res) => setTimeout(res, 20));
    t.equal(sockets.length, 2, 'the second probe connected');
    call.cancel();
    while (closed.length < 2 && performance.now() < deadline) await new Promise((res) => setTimeout(res, 20));
    t.equal(closed.length, 2, 'a cancelled call closes the camera connection at once');
  },
);

t.test('edge-gateway streams probe: the CLI over gRPC to a running gateway', async (t) => {
  const cam = await startRtspCamera(t, { user: 'admin', password: PASSWORD, auth: 'digest' });
  const gw = await startGatewayInProcess(t, { EDGEGW_DEMO: '0' });
  const cli = (...argv: string[]) => cliAt(gw.addresses.grpc, ...argv);
  const ok = await cli('streams', 'probe', cam.mountUrl('/cam', { credentials: true }), '--seconds', '1');
  t.equal(ok.code, 0, ok.err);
  t.match(
    ok.out,
    /^source rtsp:\/\/admin:\*\*\*@127\.0\.0\.1:\d+\/cam {2}\(transport tcp, auth digest, [0-9.]+ s\)$/m,
  );
  t.match(ok.out, /track 0: video H264\/90000 640x360 1[0-9.]* fps \d+ kbit\/s {2}browser: yes/);
  t.match(ok.out, /playable in browsers: yes/);
  t.notMatch(ok.out + ok.err, PASSWORD);

  const json = await cli(
    'streams',
    'probe',
    cam.mountUrl('/cam-h265', { credentials: true }),
    '--seconds',
    '0',
    '--json',
  );
  t.equal(json.code, 3, 'answers, but browsers cannot play H.265');
  t.match(JSON.parse(json.out), { playable: false, tracks: [{ codec: 'H265' }] });

  const wrong = await cli('streams', 'probe', cam.mountUrl('/cam').replace('rtsp://', 'rtsp://admin:nope@'));
  t.equal(wrong.code, 1);
  t.match(wrong.err, /^edge-gateway: FAILED_PRECONDITION: the source refused the credentials \(RTSP 401\)/);
  t.notMatch(wrong.err, /nope/);

  t.equal(
    (await cli('streams', 'probe', 'rtsp://x/', '--seconds', 'soon')).code,
    2,
    'a bad --seconds is usage',
  );
});
