/**
 * RtspSource against the real GStreamer RTSP server (test/harness/rtsp-camera.py): TCP and UDP,
 * Basic and Digest, H.264+PCMU, H.264+PCMA, H.265+PCMU, keepalive, TEARDOWN, restart, fallback.
 */
import t from 'tap';
import { once } from 'node:events';
import { createSocket } from 'node:dgram';
import { startRtspCamera } from '../../test/harness/rtsp-camera.ts';
import { udpNet, type DatagramConn, type Net } from '../webrtc/transport/index.ts';
import type { RtspError } from './errors.ts';
import type { RequestLogEntry } from './rtsp-connection.ts';
import { RtspSource, type RtspSourceOptions } from './rtsp-source.ts';
import type { Frame } from '../media/index.ts';
import { videoInfo } from './track-info.ts';

// The source's timers come from systemClock and are unref()'d (they never hold the gateway open);
// while a test awaits a retry, this ref'd interval keeps the process alive.
const hold = setInterval(() => {}, 1000);
t.teardown(() => clearInterval(hold));

interface Seen {
  rtp: Map<string, number>;
  payloadTypes: Map<string, Set<number>>;
  requests: RequestLogEntry[];
}

function watch(source: RtspSource): Seen {
  const seen: Seen = { rtp: new Map(), payloadTypes: new Map(), requests: [] };
  source.on('packet', (st, payload, kind) => {
    if (kind !== 'rtp') return;
    const key = `${st.track.media}:${st.track.codec}`;
    seen.rtp.set(key, (seen.rtp.get(key) ?? 0) + 1);
    // RFC 3550 §5.1: version 2; PT is the low 7 bits of byte 1.
    if ((payload[0] as number) >> 6 !== 2) throw new Error('not RTP v2');
    const pts = seen.payloadTypes.get(key) ?? new Set<number>();
    pts.add((payload[1] as number) & 0x7f);
    seen.payloadTypes.set(key, pts);
  });
  source.on('request', (e) => seen.requests.push(e));
  return seen;
}

function open(t: { teardown(fn: () => unknown): void }, options: RtspSourceOptions): RtspSource {
  const source = new RtspSource(options);
  t.teardown(() => source.close());
  return source;
}

async function waitFor(cond: () => boolean, ms = 5000): Promise<void> {
  const end = performance.now() + ms;
  while (!cond()) {
    if (performance.now() > end) throw new Error('timed out waiting');
    await new Promise((r) => setTimeout(r, 20));
  }
}

for (const [mount, video, audio, audioPt] of [
  ['/cam', 'H264', 'PCMU', 0],
  ['/cam-pcma', 'H264', 'PCMA', 8],
  ['/cam-h265', 'H265', 'PCMU', 0],
] as const) {
  for (const transport of ['tcp', 'udp'] as const) {
    t.test(`${mount} over ${transport}: RTP on every track, keepalive, TEARDOWN on close`, async (t) => {
      const cam = await startRtspCamera(t);
      const source = open(t, {
        url: cam.mountUrl(mount),
        transport,
        keepaliveIntervalMs: 200,
        udpBindAddress: '127.0.0.1',
      });
      const seen = watch(source);
      const frames: Frame[] = [];
      source.on('frame', (_st, f) => frames.push(f));
      source.connect();
      await source.whenLive();
      t.equal(source.currentTransport, transport);
      t.same(
        source.tracks.map((s) => s.track.codec),
        [video, audio],
      );
      await waitFor(
        () => (seen.rtp.get(`video:${video}`) ?? 0) > 10 && (seen.rtp.get(`audio:${audio}`) ?? 0) > 2,
      );
      t.same([...(seen.payloadTypes.get(`audio:${audio}`) ?? [])], [audioPt], 'audio payload type');
      t.same([...(seen.payloadTypes.get(`video:${video}`) ?? [])], [video === 'H264' ? 96 : 97]);
      await waitFor(() => seen.requests.filter((r) => r.method === 'GET_PARAMETER').length >= 2);
      t.ok(
        seen.requests.filter((r) => r.method === 'GET_PARAMETER').every((r) => r.status === 200),
        'keepalive GET_PARAMETER (the camera lists it in Public) answered 200',
      );
      // Depacketized: the first video frame is a keyframe with its parameter sets (GOP start or SDP).
      await waitFor(() => frames.filter((f) => f.kind === 'video').length > 5);
      const video0 = frames.find((f) => f.kind === 'video');
      t.match(video0, { codec: video, keyframe: true, parameterSetsInBand: true }, 'first frame decodable');
      const vTrack = source.tracks[0]?.track;
      const spsType = video === 'H264' ? 7 : 33;
      const sps =
        video0?.kind === 'video'
          ? video0.nalus.find(
              (n) =>
                (video === 'H264' ? (n[0] as number) & 0x1f : ((n[0] as number) >> 1) & 0x3f) === spsType,
            )
          : undefined;
      t.match(vTrack && videoInfo(vTrack, sps), { width: 640, height: 360 }, 'size from the SPS');
      const vts = frames.filter((f) => f.kind === 'video').map((f) => f.timestamp);
      t.ok(
        vts.every((ts, i) => i === 0 || ts - (vts[i - 1] as number) === 6000),
        '15 fps: 6000 ticks of 90 kHz between frames',
      );
      const audio0 = frames.find((f) => f.kind === 'audio');
      t.match(audio0, { codec: audio, clockRate: 8000 });
      t.equal(source.stats.tracks[0]?.media?.bFrames, false, 'no B-frames');
      t.equal(source.stats.tracks[0]?.media?.lostPackets, 0);
      if (transport === 'udp') {
        // A datagram from another address (127.0.0.2) to our RTP port is not the camera's: dropped.
        const spoof = createSocket('udp4');
        await new Promise<void>((r) => spoof.bind(0, '127.0.0.2', r));
        const port = source.tracks[0]?.clientPorts?.[0] as number;
        const fake = Uint8Array.from([0x80, 111, 0, 1, 0, 0, 0, 1, 0, 0, 0, 7, 0x65]);
        await new Promise<void>((r) => spoof.send(fake, port, '127.0.0.1', () => r()));
        await waitFor(() => source.stats.foreignPackets === 1);
        spoof.close();
        t.notOk(
          seen.payloadTypes.get(`video:${video}`)?.has(111),
          'the spoofed packet never reached the track',
        );
      }
      t.equal(source.stats.udpFallbacks, 0);
      t.equal(source.stats.reconnects, 0);
      t.ok((source.stats.tracks[0]?.bytes ?? 0) > 1000);
      await source.close();
      const teardown = seen.requests.find((r) => r.method === 'TEARDOWN');
      t.equal(teardown?.status, 200, 'TEARDOWN answered 200');
      t.same(
        seen.requests.slice(0, 5).map((r) => r.method),
        ['OPTIONS', 'DESCRIBE', 'SETUP', 'SETUP', 'PLAY'],
      );
      t.equal(source.state.status, 'closed');
    });
  }
}

for (const auth of ['basic', 'digest'] as const) {
  t.test(`${auth} auth: URL credentials, config credentials, wrong password, none`, async (t) => {
    const cam = await startRtspCamera(t, { user: 'admin', password: 's3cr:t@x', auth });
    // Credentials in the URL (percent-encoded by the harness).
    const ok = open(t, { url: cam.mountUrl('/cam', { credentials: true }) });
    const seen = watch(ok);
    ok.connect();
    await ok.whenLive();
    await waitFor(() => (seen.rtp.get('video:H264') ?? 0) > 3);
    t.ok(
      seen.requests.some((r) => r.status === 401),
      'the camera challenged',
    );
    t.ok(
      seen.requests.every((r) => !r.url.includes('s3cr')),
      'no password in request logs',
    );
    await ok.close();

    // Credentials from options.
    const viaConfig = open(t, {
      url: cam.mountUrl('/cam-video'),
      credentials: { username: 'admin', password: 's3cr:t@x' },
    });
    viaConfig.connect();
    await viaConfig.whenLive();
    await viaConfig.close();

    for (const [what, url] of [
      ['wrong password', cam.mountUrl('/cam').replace('rtsp://', 'rtsp://admin:wrong-pass@')],
      ['no credentials', cam.mountUrl('/cam')],
    ] as const) {
      const bad = open(t, { url });
      bad.connect();
      const err = (await bad.whenLive().catch((e: unknown) => e)) as RtspError;
      t.equal(err.code, 'RTSP_AUTH_FAILED', `${what}: RTSP_AUTH_FAILED`);
      t.equal(err.status, 401);
      t.notMatch(err.message, /wrong-pass/, 'the error message carries no password');
      t.match(bad.state, { status: 'retrying', code: 'RTSP_AUTH_FAILED' });
      t.match(bad.maskedUrl, what === 'wrong password' ? 'rtsp://admin:***@' : 'rtsp://127.0.0.1');
      await bad.close();
    }
  });
}

t.test('unknown mount: RTSP_NOT_FOUND; refused port: RTSP_CONNECT then backoff', async (t) => {
  const cam = await startRtspCamera(t);
  const missing = open(t, { url: `${cam.url}/nope` });
  missing.connect();
  t.match(await missing.whenLive().catch((e: unknown) => e), { code: 'RTSP_NOT_FOUND', status: 404 });
  await missing.close();
  await cam.stop();
  const refused = open(t, { url: cam.mountUrl('/cam'), backoffBaseMs: 50 });
  refused.connect();
  t.match(await refused.whenLive().catch((e: unknown) => e), { code: 'RTSP_CONNECT' });
  t.match(refused.state, { status: 'retrying', attempt: 1, retryInMs: 50 });
  const [s2] = (await once(refused, 'state')) as [unknown];
  t.match(s2, { status: 'connecting', attempt: 2 });
  const [s3] = (await once(refused, 'state')) as [unknown];
  t.match(s3, { status: 'retrying', attempt: 2, retryInMs: 100 }, 'backoff doubles');
});

t.test('reconnects after camera.restart() on the same port; RTP flows again', async (t) => {
  const cam = await startRtspCamera(t);
  const source = open(t, { url: cam.mountUrl('/cam') });
  const seen = watch(source);
  const states: string[] = [];
  source.on('state', (s) => states.push(s.status));
  source.connect();
  await source.whenLive();
  await waitFor(() => (seen.rtp.get('video:H264') ?? 0) > 5);
  const restartAt = performance.now();
  await cam.restart();
  await waitFor(() => states.includes('retrying'));
  seen.rtp.clear();
  await source.whenLive();
  await waitFor(() => (seen.rtp.get('video:H264') ?? 0) > 5);
  const ms = performance.now() - restartAt;
  t.ok(ms < 5000, `RTP again ${Math.round(ms)} ms after the restart began`);
  t.match(source.stats.lastError, { code: 'RTSP_EOF' });
  t.same(states.slice(0, 4), ['connecting', 'live', 'retrying', 'connecting']);
});

t.test('UDP that never arrives falls back to TCP', async (t) => {
  const cam = await startRtspCamera(t);
  // A Net whose sockets bind for real but never deliver (a firewall eating RTP).
  const blackhole: Net = {
    async listenUdp(address, port) {
      const conn = await udpNet.listenUdp(address, port);
      return new Proxy(conn, {
        get(target, prop, receiver) {
          if (prop === 'onData') return () => {};
          const v = Reflect.get(target, prop, receiver) as unknown;
          return typeof v === 'function' ? (v as (...a: unknown[]) => unknown).bind(target) : v;
        },
      }) as DatagramConn;
    },
  };
  const source = open(t, {
    url: cam.mountUrl('/cam'),
    transport: 'udp',
    net: blackhole,
    udpFallbackMs: 500,
    udpBindAddress: '127.0.0.1',
  });
  const seen = watch(source);
  source.connect();
  await source.whenLive();
  t.equal(source.currentTransport, 'udp');
  const failure = (await once(source, 'failure')) as [RtspError];
  t.match(failure[0], { code: 'RTSP_TIMEOUT', message: /switching to TCP/ });
  await source.whenLive();
  t.equal(source.currentTransport, 'tcp');
  await waitFor(() => (seen.rtp.get('video:H264') ?? 0) > 5);
  t.equal(source.stats.udpFallbacks, 1);
});

for (const transport of ['udp', 'tcp'] as const) {
  t.test(
    `${transport}: GStreamer receives our RTCP receiver reports and computes a round trip from LSR/DLSR`,
    async (t) => {
      const cam = await startRtspCamera(t);
      const source = open(t, { url: cam.mountUrl('/cam'), transport, udpBindAddress: '127.0.0.1' });
      source.connect();
      await source.whenLive();
      // The first report leaves 2.05–6.2 s after PLAY (§6.2: half the 5 s minimum, randomised);
      // it carries LSR only once the camera's SR arrived, so allow a second report.
      await waitFor(() => cam.receiverReports().some((r) => r.stream === 0 && r.lsr !== 0), 14_000);
      // Each track has its own RTCP timer (randomised interval): the audio report may come a little
      // later than the video one that had an LSR.
      await waitFor(() => cam.receiverReports().some((r) => r.stream === 1), 8_000);
      const reports = cam.receiverReports();
      t.comment(reports.map((r) => JSON.stringify(r)).join('\n'));
      const video = reports.filter((r) => r.stream === 0 && r.lsr !== 0).at(-1);
      const rx = source.tracks[0]?.reception.snapshot();
      t.ok(
        video && video.exthighestseq > 0 && video.exthighestseq <= (rx?.extendedHighestSeq ?? 0),
        'highest seq it sent',
      );
      t.equal(video?.lost, 0, 'no loss on loopback');
      t.ok(
        video && video.rtt < 65536,
        `the camera computed a round trip of ${((video?.rtt ?? 0) / 65.536).toFixed(1)} ms`,
      );
      t.ok(rx && rx.senderReports > 0, 'the camera sent SRs');
      t.ok(
        reports.some((r) => r.stream === 1),
        'the audio track is reported too',
      );
      t.equal(source.state.status, 'live', 'the session stays up');
      t.equal(source.stats.reconnects, 0);
      t.equal(source.counters.media.get('video')?.lostPackets, 0);
    },
  );
}
