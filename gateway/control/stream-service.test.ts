import { readFileSync } from 'node:fs';
import path from 'node:path';
import * as grpc from '@grpc/grpc-js';
import t from 'tap';
import { unary } from '../../test/harness/grpc-client.ts';
import { failure, settle, startControlFixture, svc } from '../../test/harness/control-fixture.ts';
import { SourceProbeError } from './index.ts';
import type { ProbeResult, SourceProber, StreamRegistry, StreamWire } from './index.ts';

const SECRET = 'tops3cret';
const URL_1 = `rtsp://admin:${SECRET}@10.0.0.5:554/stream1`;

function stateFile(dataDir: string): { version: number; streams: { name: string; sourceUrl: string }[] } {
  return JSON.parse(readFileSync(path.join(dataDir, 'state.json'), 'utf8')) as {
    version: number;
    streams: { name: string; sourceUrl: string }[];
  };
}

const add = (c: grpc.Client, req: object) => unary<{ stream: StreamWire }>(c, svc.streams, 'AddStream', req);

t.test('AddStream persists, and every response masks the password', async (t) => {
  const f = await startControlFixture(t);
  const added = await add(f.client, {
    name: 'cam-1',
    sourceUrl: URL_1,
    rtspTransport: 'RTSP_TRANSPORT_TCP',
    description: 'gate',
  });
  t.match(added.stream, {
    name: 'cam-1',
    sourceUrl: 'rtsp://admin:***@10.0.0.5:554/stream1',
    rtspTransport: 'RTSP_TRANSPORT_TCP',
    description: 'gate',
    origin: 'STREAM_ORIGIN_RUNTIME',
    state: 'STREAM_STATE_UNSPECIFIED',
    viewers: 0,
  });
  t.ok(Number(added.stream.createdAt.seconds) > 1_700_000_000, 'createdAt is a real timestamp');
  const listed = await unary<{ streams: StreamWire[] }>(f.client, svc.streams, 'ListStreams', {});
  const got = await unary<{ stream: StreamWire }>(f.client, svc.streams, 'GetStream', { name: 'cam-1' });
  t.same(
    listed.streams.map((s) => s.name),
    ['cam-1'],
  );
  t.same(got.stream, added.stream);
  for (const res of [added, listed, got])
    t.notMatch(JSON.stringify(res), SECRET, 'no password in a response');
  // Stored with the credentials: the RTSP client needs them.
  t.same(
    stateFile(f.dataDir).streams.map((s) => s.sourceUrl),
    [URL_1],
  );
  t.notOk(
    f.logger.lines.some((l) => JSON.stringify(l).includes(SECRET)),
    'no password in the log either',
  );
});

t.test('a stream added over gRPC survives a restart', async (t) => {
  const first = await startControlFixture(t);
  await add(first.client, { name: 'yard', sourceUrl: 'rtsp://10.0.0.9/live', description: '' });
  await first.stop();
  const second = await startControlFixture(t, { dataDir: first.dataDir });
  t.equal(second.streams.loaded.source, 'file');
  const got = await unary<{ stream: StreamWire }>(second.client, svc.streams, 'GetStream', { name: 'yard' });
  t.match(got.stream, {
    name: 'yard',
    sourceUrl: 'rtsp://10.0.0.9/live',
    rtspTransport: 'RTSP_TRANSPORT_AUTO',
    origin: 'STREAM_ORIGIN_RUNTIME',
  });
});

t.test('validation errors are INVALID_ARGUMENT naming the field, never echoing the URL', async (t) => {
  const f = await startControlFixture(t);
  const cases: [object, RegExp][] = [
    [{ name: '', sourceUrl: URL_1 }, /^name: required$/],
    [{ name: 'bad name', sourceUrl: URL_1 }, /^name: must be 1-64 characters/],
    [{ name: '-x', sourceUrl: URL_1 }, /^name: /],
    [{ name: 'x'.repeat(65), sourceUrl: URL_1 }, /^name: /],
    [{ name: 'a', sourceUrl: '' }, /^source_url: required$/],
    [{ name: 'a', sourceUrl: `http://admin:${SECRET}@cam/` }, /^source_url: scheme must be rtsp or rtsps/],
    [{ name: 'a', sourceUrl: `rtsp://admin:${SECRET}@cam/ x` }, /^source_url: must not contain whitespace$/],
    [{ name: 'a', sourceUrl: `${SECRET}` }, /^source_url: not a URL/],
    [{ name: 'a', sourceUrl: `rtsp://cam/${'x'.repeat(2100)}` }, /^source_url: longer than 2048/],
    [{ name: 'a', sourceUrl: URL_1, description: 'd'.repeat(257) }, /^description: longer than 256/],
    [{ name: 'a', sourceUrl: URL_1, rtspTransport: 9 }, /^rtsp_transport: unknown value 9$/],
  ];
  for (const [req, details] of cases) {
    const s = await settle(add(f.client, req));
    t.equal(s.code, grpc.status.INVALID_ARGUMENT, JSON.stringify(req).slice(0, 60));
    t.match(s.details, details);
    t.notMatch(s.details, SECRET);
  }
  t.same((await f.streams.list()).length, 0, 'nothing was added');
});

t.test(
  'duplicates are ALREADY_EXISTS, also against a config stream; concurrent adds give one winner',
  async (t) => {
    const f = await startControlFixture(t, {
      fixed: [
        {
          origin: 'config',
          spec: { name: 'lobby', sourceUrl: 'rtsp://u:p@cam/1', rtspTransport: 'auto', description: '' },
        },
      ],
    });
    await add(f.client, { name: 'cam-1', sourceUrl: URL_1 });
    const again = await settle(add(f.client, { name: 'cam-1', sourceUrl: 'rtsp://other/' }));
    t.same(again, { code: grpc.status.ALREADY_EXISTS, details: 'stream "cam-1" already exists' });
    t.equal(
      (await settle(add(f.client, { name: 'lobby', sourceUrl: 'rtsp://x/' }))).code,
      grpc.status.ALREADY_EXISTS,
    );
    const race = await Promise.all(
      Array.from({ length: 5 }, (_, i) =>
        settle(add(f.client, { name: 'race', sourceUrl: `rtsp://cam/${i}` })),
      ),
    );
    t.same(race.map((r) => r.code).sort(), [0, 6, 6, 6, 6], 'one OK, four ALREADY_EXISTS');
    t.same(
      stateFile(f.dataDir)
        .streams.map((s) => s.name)
        .sort(),
      ['cam-1', 'race'],
    );
  },
);

t.test('unknown names are NOT_FOUND for Get, Update and Remove', async (t) => {
  const f = await startControlFixture(t);
  const nf = { code: grpc.status.NOT_FOUND, details: 'stream "ghost" not found' };
  t.same(await settle(unary(f.client, svc.streams, 'GetStream', { name: 'ghost' })), nf);
  t.same(await settle(unary(f.client, svc.streams, 'UpdateStream', { name: 'ghost', description: 'x' })), nf);
  t.same(
    await settle(unary(f.client, svc.streams, 'UpdateStream', { name: 'ghost', sourceUrl: 'rtsp://a/' })),
    nf,
  );
  t.same(await settle(unary(f.client, svc.streams, 'RemoveStream', { name: 'ghost' })), nf);
  t.equal(
    (await settle(unary(f.client, svc.streams, 'GetStream', { name: '' }))).code,
    grpc.status.INVALID_ARGUMENT,
  );
});

t.test('UpdateStream changes only the fields set; a masked password keeps the stored one', async (t) => {
  const f = await startControlFixture(t);
  const before = await add(f.client, { name: 'cam-1', sourceUrl: URL_1, description: 'old' });
  const upd = (req: object) => unary<{ stream: StreamWire }>(f.client, svc.streams, 'UpdateStream', req);

  const d = await upd({ name: 'cam-1', description: '' });
  t.equal(d.stream.description, '', 'set to empty: proto3 optional tells "empty" from "unset"');
  t.equal(d.stream.rtspTransport, 'RTSP_TRANSPORT_AUTO', 'unchanged');
  t.equal(d.stream.sourceUrl, before.stream.sourceUrl, 'unchanged');

  const u = await upd({
    name: 'cam-1',
    sourceUrl: 'rtsp://admin:***@10.0.0.6/stream2',
    rtspTransport: 'RTSP_TRANSPORT_UDP',
  });
  t.equal(u.stream.sourceUrl, 'rtsp://admin:***@10.0.0.6/stream2');
  t.equal(u.stream.rtspTransport, 'RTSP_TRANSPORT_UDP');
  t.same(
    stateFile(f.dataDir).streams[0]?.sourceUrl,
    `rtsp://admin:${SECRET}@10.0.0.6/stream2`,
    'password kept',
  );

  await upd({ name: 'cam-1', sourceUrl: 'rtsp://viewer:n3w@10.0.0.6/stream2' });
  t.same(
    stateFile(f.dataDir).streams[0]?.sourceUrl,
    'rtsp://viewer:n3w@10.0.0.6/stream2',
    'a new password replaces',
  );

  const none = await settle(upd({ name: 'cam-1' }));
  t.equal(none.code, grpc.status.INVALID_ARGUMENT);
  t.match(none.details, /nothing to update/);
  const bad = await settle(upd({ name: 'cam-1', sourceUrl: 'ftp://x/' }));
  t.match(bad, { code: grpc.status.INVALID_ARGUMENT, details: /^source_url: / });
});

t.test('config and built-in streams are listed but read-only: FAILED_PRECONDITION', async (t) => {
  const f = await startControlFixture(t, {
    fixed: [
      {
        origin: 'config',
        spec: { name: 'lobby', sourceUrl: 'rtsp://u:pw@cam/1', rtspTransport: 'tcp', description: '' },
      },
      {
        origin: 'builtin',
        spec: { name: 'demo', sourceUrl: 'file:///demo', rtspTransport: 'auto', description: 'demo' },
      },
    ],
  });
  await add(f.client, { name: 'zeta', sourceUrl: 'rtsp://z/' });
  const listed = await unary<{ streams: StreamWire[] }>(f.client, svc.streams, 'ListStreams', {});
  t.same(
    listed.streams.map((s) => [s.name, s.origin, s.sourceUrl]),
    [
      ['demo', 'STREAM_ORIGIN_BUILTIN', 'file:///demo'],
      ['lobby', 'STREAM_ORIGIN_CONFIG', 'rtsp://u:***@cam/1'],
      ['zeta', 'STREAM_ORIGIN_RUNTIME', 'rtsp://z/'],
    ],
    'sorted by name, origins told apart, config URLs masked too',
  );
  const rm = await settle(unary(f.client, svc.streams, 'RemoveStream', { name: 'lobby' }));
  t.equal(rm.code, grpc.status.FAILED_PRECONDITION);
  t.match(rm.details, /comes from the config file/);
  const up = await settle(unary(f.client, svc.streams, 'UpdateStream', { name: 'demo', description: 'x' }));
  t.equal(up.code, grpc.status.FAILED_PRECONDITION);
  t.same(
    stateFile(f.dataDir).streams.map((s) => s.name),
    ['zeta'],
    'fixed streams are not persisted',
  );
});

t.test('RemoveStream removes and persists; events tell added/updated/removed in order', async (t) => {
  const f = await startControlFixture(t);
  const seen: string[] = [];
  f.events.subscribe({}, (e) => seen.push(`${e.kind}:${e.streamName}`));
  await add(f.client, { name: 'cam-1', sourceUrl: 'rtsp://a/' });
  await unary(f.client, svc.streams, 'UpdateStream', { name: 'cam-1', description: 'x' });
  t.same(await unary(f.client, svc.streams, 'RemoveStream', { name: 'cam-1' }), {});
  t.same(stateFile(f.dataDir).streams, []);
  t.equal(
    (await settle(unary(f.client, svc.streams, 'GetStream', { name: 'cam-1' }))).code,
    grpc.status.NOT_FOUND,
  );
  t.same(seen, ['stream_added:cam-1', 'stream_updated:cam-1', 'stream_removed:cam-1']);
});

const PROBED: ProbeResult = {
  server: '',
  auth: 'digest',
  publicMethods: ['OPTIONS', 'DESCRIBE'],
  transport: 'tcp',
  playable: true,
  notes: [],
  sampledMs: 2000,
  tracks: [
    {
      index: 0,
      media: 'video',
      codec: 'H264',
      payloadType: 96,
      clockRate: 90000,
      channels: 0,
      fmtp: 'packetization-mode=1',
      control: `rtsp://admin:${SECRET}@10.0.0.5:554/stream1/trackID=0`,
      width: 1280,
      height: 720,
      frameRate: 29.97,
      profileLevelId: '42c01f',
      bitrateKbps: 812,
      frames: 60,
      keyframes: 2,
      bFrames: false,
      browserPlayable: true,
      browserReason: '',
    },
  ],
};

t.test('ProbeSource: UNIMPLEMENTED without a prober; with one, data masked; failures mapped', async (t) => {
  const none = await startControlFixture(t);
  const un = await settle(unary(none.client, svc.streams, 'ProbeSource', { sourceUrl: URL_1 }));
  t.equal(un.code, grpc.status.UNIMPLEMENTED);

  const calls: { url: string; timeoutMs: number; sampleMs: number; rtspTransport: string }[] = [];
  let next: () => Promise<ProbeResult> = async () => PROBED;
  const prober: SourceProber = {
    probe: (url, opts) => {
      calls.push({
        url,
        timeoutMs: opts.timeoutMs,
        sampleMs: opts.sampleMs,
        rtspTransport: opts.rtspTransport,
      });
      return next();
    },
  };
  const f = await startControlFixture(t, { prober });
  const probe = (req: object) => unary<Record<string, unknown>>(f.client, svc.streams, 'ProbeSource', req);
  const res = await probe({ sourceUrl: URL_1, rtspTransport: 'RTSP_TRANSPORT_TCP' });
  t.match(res, {
    sourceUrl: 'rtsp://admin:***@10.0.0.5:554/stream1',
    auth: 'digest',
    publicMethods: ['OPTIONS', 'DESCRIBE'],
    rtspTransport: 'RTSP_TRANSPORT_TCP',
    playable: true,
    notes: [],
    sampled: { seconds: '2', nanos: 0 },
    tracks: [{ ...PROBED.tracks[0], control: 'rtsp://admin:***@10.0.0.5:554/stream1/trackID=0' }],
  });
  t.notMatch(JSON.stringify(res), SECRET, 'no password anywhere in the response');
  t.same(
    calls[0],
    { url: URL_1, timeoutMs: 5000, sampleMs: 2000, rtspTransport: 'tcp' },
    'the prober gets the real URL and the defaults',
  );
  await probe({ sourceUrl: URL_1, timeout: { seconds: 2, nanos: 500_000_000 }, sample: { seconds: 0 } });
  t.match(calls[1], { timeoutMs: 2500, sampleMs: 0 }, 'an explicit zero sample is DESCRIBE only');

  next = () => Promise.reject(new SourceProbeError('timeout', 'no answer in 5 s'));
  t.same(await settle(probe({ sourceUrl: URL_1 })), {
    code: grpc.status.DEADLINE_EXCEEDED,
    details: 'no answer in 5 s',
  });
  next = () =>
    Promise.reject(new SourceProbeError('unreachable', `connect ECONNREFUSED for ${URL_1} (${SECRET})`));
  const unreachable = await settle(probe({ sourceUrl: URL_1 }));
  t.equal(unreachable.code, grpc.status.UNAVAILABLE);
  t.equal(unreachable.details, 'connect ECONNREFUSED for rtsp://admin:***@10.0.0.5:554/stream1 (***)');

  next = () =>
    Promise.reject(new SourceProbeError('auth', 'the source refused the credentials', { sourceStatus: 401 }));
  const auth = await failure(probe({ sourceUrl: URL_1 }));
  t.equal(auth.code, grpc.status.FAILED_PRECONDITION, 'wrong camera credentials');
  t.equal(auth.md['edgegw-camera-status'], '401', "with the camera's status in the trailers");
  next = () => Promise.reject(new SourceProbeError('not_found', 'DESCRIBE: 404', { sourceStatus: 404 }));
  t.equal((await settle(probe({ sourceUrl: URL_1 }))).code, grpc.status.NOT_FOUND);
  next = () => Promise.reject(new SourceProbeError('refused', 'DESCRIBE: 503', { sourceStatus: 503 }));
  t.equal((await settle(probe({ sourceUrl: URL_1 }))).code, grpc.status.UNAVAILABLE, 'a 5xx may pass');
  next = () => Promise.reject(new SourceProbeError('refused', 'DESCRIBE: 403', { sourceStatus: 403 }));
  t.equal((await settle(probe({ sourceUrl: URL_1 }))).code, grpc.status.FAILED_PRECONDITION, 'a 4xx');
  next = () => Promise.reject(new SourceProbeError('protocol', 'bad CSeq'));
  t.equal((await settle(probe({ sourceUrl: URL_1 }))).code, grpc.status.UNAVAILABLE);
  next = () => Promise.reject(new Error('prober bug'));
  t.equal((await settle(probe({ sourceUrl: URL_1 }))).code, grpc.status.INTERNAL);

  const before = calls.length;
  t.match(await settle(probe({ sourceUrl: 'http://x/' })), {
    code: grpc.status.INVALID_ARGUMENT,
    details: /^source_url: /,
  });
  t.match(await settle(probe({ sourceUrl: URL_1, timeout: { seconds: 61 } })), {
    code: grpc.status.INVALID_ARGUMENT,
    details: /^timeout: /,
  });
  t.match(await settle(probe({ sourceUrl: URL_1, timeout: { seconds: 3 }, sample: { seconds: 3 } })), {
    code: grpc.status.INVALID_ARGUMENT,
    details: /^sample: /,
  });
  t.match(await settle(probe({ sourceUrl: URL_1, rtspTransport: 9 })), {
    code: grpc.status.INVALID_ARGUMENT,
    details: /^rtsp_transport: /,
  });
  t.equal(calls.length, before, 'invalid requests never reach the prober');
});

t.test('a registry failure is INTERNAL with no details leaked, and logged', async (t) => {
  const broken: StreamRegistry = {
    list: () => [],
    get: () => undefined,
    add: () => Promise.reject(new Error(`disk full writing ${URL_1}`)),
    update: () => Promise.reject(new Error('x')),
    remove: () => Promise.reject(new Error('x')),
  };
  const f = await startControlFixture(t, { streams: broken });
  const s = await settle(add(f.client, { name: 'a', sourceUrl: URL_1 }));
  t.same(s, { code: grpc.status.INTERNAL, details: 'AddStream failed; see the gateway log' });
  t.ok(f.logger.lines.some((l) => l.level === 'error' && l.msg === 'gRPC handler failed'));
});

t.test('NodeService.GetStats counts streams and viewers and reports the process', async (t) => {
  const f = await startControlFixture(t);
  await add(f.client, { name: 'a', sourceUrl: 'rtsp://a/' });
  await add(f.client, { name: 'b', sourceUrl: 'rtsp://b/' });
  f.sessions.upsert({
    id: 's1',
    streamName: 'a',
    remoteAddress: '127.0.0.1:5000',
    state: 'connected',
    bytesSent: 1234,
    packetsSent: 10,
    packetsLost: 0,
    rttSeconds: 0.01,
    startedAt: new Date(),
    protocol: 'whep',
  });
  const stats = await unary<Record<string, unknown>>(f.client, svc.node, 'GetStats', {});
  t.match(stats, { streams: 2, streamsOnline: 0, viewers: 1, bytesIn: '0', bytesOut: '1234' });
  t.ok(Number(stats.memoryRssBytes) > 10_000_000, 'rss of a Node process');
  t.ok(Number(stats.memoryHeapUsedBytes) > 0);
  const cpu = stats.cpuUser as { seconds: string; nanos: number };
  t.ok(Number(cpu.seconds) + cpu.nanos > 0, 'some CPU time used');

  const custom = await startControlFixture(t, {
    stats: () => ({ streams: 7, streamsOnline: 5, viewers: 40, bytesIn: 2 ** 40, bytesOut: 2 ** 41 }),
  });
  t.match(await unary(custom.client, svc.node, 'GetStats', {}), {
    streams: 7,
    streamsOnline: 5,
    viewers: 40,
    bytesIn: String(2 ** 40),
    bytesOut: String(2 ** 41),
  });
});
