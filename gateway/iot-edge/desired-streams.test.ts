import t from 'tap';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pino } from 'pino';
import { openRuntimeState } from '../config/index.ts';
import { openMemoryStreamRegistry } from '../control/index.ts';
import {
  DesiredStreams,
  parseDesiredStreams,
  planStreams,
  redactUrls,
  type CurrentStream,
} from './desired-streams.ts';
import { DesiredStreamError } from './errors.ts';

const rt = (name: string, url: string, over: Partial<CurrentStream> = {}): CurrentStream => ({
  name,
  origin: 'runtime',
  sourceUrl: url,
  rtspTransport: 'tcp',
  onDemand: false,
  ...over,
});

t.test('parse: each entry alone with the config schema, defaults filled', async (t) => {
  const p = parseDesiredStreams({
    a: { url: 'rtsp://h/a' },
    b: { url: 'http://h/b' },
    c: { url: 'rtsp://h/c', transport: 'carrier-pigeon' },
    'bad name!': { url: 'rtsp://h/d' },
    e: { url: 'rtsp://u:s3cret@h/e', extra: 1 },
    f: 'rtsp://h/f',
  });
  if (p instanceof DesiredStreamError) throw p;
  t.same([...p.valid], [['a', { url: 'rtsp://h/a', transport: 'tcp', onDemand: false }]]);
  t.same([...p.invalid.keys()].sort(), ['b', 'bad name!', 'c', 'e', 'f']);
  t.match(p.invalid.get('b')?.message, /url: must be an rtsp/);
  t.match(p.invalid.get('c')?.message, /transport/);
  t.equal(p.invalid.get('c')?.code, 'IOTEDGE_STREAM_INVALID');
  for (const e of p.invalid.values()) t.notMatch(e.message, /s3cret/);
  t.ok(parseDesiredStreams('nope') instanceof DesiredStreamError);
  t.same(parseDesiredStreams(null), { valid: new Map(), invalid: new Map() });
});

t.test('plan: add, update, keep, remove only managed, never config streams', async (t) => {
  const desired = parseDesiredStreams({
    new1: { url: 'rtsp://h/new1' },
    same: { url: 'rtsp://h/same' },
    moved: { url: 'rtsp://h/moved2', transport: 'udp' },
    ondemand: { url: 'rtsp://h/od', onDemand: true },
    fromfile: { url: 'rtsp://h/x' },
    broken: { url: 'ftp://x' },
  });
  if (desired instanceof DesiredStreamError) throw desired;
  const current = [
    rt('same', 'rtsp://h/same'),
    rt('moved', 'rtsp://h/moved'),
    rt('ondemand', 'rtsp://h/od'),
    rt('fromfile', 'rtsp://h/x', { origin: 'config' }),
    rt('broken', 'rtsp://h/broken'),
    rt('gone', 'rtsp://h/gone'),
    rt('grpc', 'rtsp://h/grpc'),
    rt('demo', 'builtin:demo', { origin: 'builtin' }),
  ];
  const plan = planStreams(desired, current, new Set(['gone', 'same', 'broken', 'demo', 'vanished']));
  t.same(
    plan.map((a) => `${a.kind}:${a.name}`),
    [
      'remove:gone',
      'reject:broken',
      'keep:same',
      'update:moved',
      'update:ondemand',
      'reject:fromfile',
      'add:new1',
    ],
  );
  const ro = plan.find((a) => a.name === 'fromfile');
  t.equal(ro?.kind === 'reject' ? ro.error.code : '', 'IOTEDGE_STREAM_READ_ONLY');
});

t.test('redactUrls masks every password', async (t) => {
  t.equal(
    redactUrls('a rtsp://admin:pw@cam/x and rtsps://u:p@h:1/y.'),
    'a rtsp://admin:***@cam/x and rtsps://u:***@h:1/y.',
  );
});

t.test('apply through the real stream registry; report per stream; masked URLs', async (t) => {
  const dir = await mkdtemp(join(tmpdir(), 'edgegw-desired-'));
  t.teardown(() => rm(dir, { recursive: true, force: true }));
  const log = pino({ level: 'silent' });
  const added: string[] = [];
  const onDemand = new Map<string, boolean>();
  const registry = await openMemoryStreamRegistry({
    store: openRuntimeState(dir, log),
    fixed: [
      {
        origin: 'config',
        spec: { name: 'yard', sourceUrl: 'rtsp://h/yard', rtspTransport: 'tcp', description: '' },
      },
    ],
    listener: { added: (e) => added.push(`${e.name}:${onDemand.get(e.name) ?? false}`) },
  });
  await registry.add({ name: 'grpc', sourceUrl: 'rtsp://h/grpc', rtspTransport: 'tcp', description: '' });
  const ds = new DesiredStreams({ registry, onDemand });
  ds.adoptReported({ streams: { old: { status: 'applied' }, olderr: { status: 'error' } } });
  const r1 = await ds.apply({
    version: 3,
    doc: {
      streams: {
        cam: { url: 'rtsp://admin:s3cret@h/cam', onDemand: true },
        yard: { url: 'rtsp://h/other' },
        bad: { url: 'rtsp://h/bad', transport: 'x' },
      },
    },
  });
  t.same(added, ['grpc:false', 'cam:true'], 'on-demand flag set before the source starts');
  t.match(r1, {
    desiredVersion: 3,
    streams: {
      cam: {
        status: 'applied',
        url: 'rtsp://admin:***@h/cam',
        transport: 'tcp',
        onDemand: true,
        desiredVersion: 3,
      },
      yard: { status: 'error', code: 'IOTEDGE_STREAM_READ_ONLY' },
      bad: { status: 'error', code: 'IOTEDGE_STREAM_INVALID', desiredVersion: 3 },
      old: null,
      olderr: null,
    },
  });
  t.notMatch(JSON.stringify(r1), /s3cret/);
  t.equal((await registry.get('cam'))?.sourceUrl, 'rtsp://admin:s3cret@h/cam');
  t.equal((await registry.get('yard'))?.sourceUrl, 'rtsp://h/yard', 'config stream untouched');

  const r2 = await ds.apply({ version: 4, doc: { streams: { bad: { url: 'rtsp://h/bad' } } } });
  t.same(Object.keys((r2.streams ?? {}) as object).sort(), ['bad', 'cam', 'yard']);
  t.match(r2, { streams: { cam: null, yard: null, bad: { status: 'applied' } } });
  t.equal(await registry.get('cam'), undefined, 'managed stream removed');
  t.ok(await registry.get('grpc'), 'gRPC stream untouched');
  t.equal(onDemand.has('cam'), false);

  const r3 = await ds.apply({ version: 5, doc: { streams: 7 } });
  t.match(r3, { desiredVersion: 5, streamsError: { code: 'IOTEDGE_STREAM_INVALID' } });
  t.ok(await registry.get('bad'), 'a non-object streams changes nothing');
  await registry.flush();
});
