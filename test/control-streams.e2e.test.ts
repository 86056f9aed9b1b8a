import t from 'tap';
import * as grpc from '@grpc/grpc-js';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { loadControlProtos } from '../gateway/control/index.ts';
import { startGatewayProcess } from './harness/gateway-process.ts';
import { service, serverStream, unary } from './harness/grpc-client.ts';
import { startRtspCamera } from './harness/rtsp-camera.ts';

/*
 * Issue 6 end to end: a fleet manager adds a camera over gRPC → it appears in GET /api/streams and
 * goes online; WatchEvents reports the camera going down and coming back, in order; the gateway
 * restarts on the same data dir → the stream is still there. Real camera, real gRPC client.
 */
const protos = loadControlProtos();
const streamSvc = service(protos.packageDefinition, 'edgegw.v1.StreamService');
const eventSvc = service(protos.packageDefinition, 'edgegw.v1.EventService');

interface Ev {
  event?: { kind: string; streamName: string; reason: string };
}

async function apiStream(http: string, name: string) {
  const r = (await (await fetch(`${http}/api/streams`)).json()) as {
    streams: { name: string; state: string }[];
  };
  return r.streams.find((s) => s.name === name);
}

async function until<T>(fn: () => Promise<T | undefined>, ms: number): Promise<T | undefined> {
  const end = performance.now() + ms;
  for (;;) {
    const v = await fn();
    if (v !== undefined || performance.now() > end) return v;
    await new Promise((r) => setTimeout(r, 100));
  }
}

t.test('AddStream over gRPC → online; events of a camera outage in order; survives a restart', async (t) => {
  const cam = await startRtspCamera(t, { gopSeconds: 1, user: 'admin', password: 'secret', auth: 'digest' });
  const dataDir = mkdtempSync(join(tmpdir(), 'edgegw-control-e2e-'));
  t.teardown(() => rmSync(dataDir, { recursive: true, force: true }));
  const gw = await startGatewayProcess(t, { dataDir, env: { EDGEGW_DEMO: '0' } });
  const client = new grpc.Client(gw.grpc, grpc.credentials.createInsecure());
  t.teardown(() => client.close());

  const watch = serverStream(client, eventSvc, 'WatchEvents', { streamNames: ['yard'] });
  const seen: string[] = [];
  watch.on('data', (m: Ev) => m.event && seen.push(m.event.kind));
  watch.on('error', () => {});
  await new Promise((r) => setTimeout(r, 200));

  const url = cam.mountUrl('/cam-video', { credentials: true });
  t.match(url, /admin:secret@/);
  const added = await unary<{ stream: { name: string; origin: string } }>(client, streamSvc, 'AddStream', {
    name: 'yard',
    sourceUrl: url,
    rtspTransport: 'RTSP_TRANSPORT_TCP',
    description: 'the yard',
  });
  t.match(added.stream, { name: 'yard', origin: 'STREAM_ORIGIN_RUNTIME' });
  const online = await until(
    async () => ((await apiStream(gw.http, 'yard'))?.state === 'online' ? true : undefined),
    10_000,
  );
  t.ok(online, 'the added camera is online in GET /api/streams');

  await cam.restart();
  await until(
    async () => (seen.filter((k) => k === 'EVENT_KIND_STREAM_ONLINE').length >= 2 ? true : undefined),
    15_000,
  );
  const outage = seen.filter((k) => k !== 'EVENT_KIND_STREAM_ADDED');
  t.comment(`events: ${seen.join(', ')}`);
  t.equal(seen[0], 'EVENT_KIND_STREAM_ADDED');
  t.equal(outage[0], 'EVENT_KIND_STREAM_ONLINE', 'online first');
  t.ok(outage.indexOf('EVENT_KIND_STREAM_RETRYING') > 0, 'then retrying while the camera is down');
  t.equal(outage[outage.length - 1], 'EVENT_KIND_STREAM_ONLINE', 'then online again');
  watch.cancel();

  // A duplicate is ALREADY_EXISTS; a bad URL INVALID_ARGUMENT naming the field.
  await t.rejects(
    unary(client, streamSvc, 'AddStream', {
      name: 'yard',
      sourceUrl: url,
      rtspTransport: 'RTSP_TRANSPORT_TCP',
    }),
    { code: grpc.status.ALREADY_EXISTS },
  );
  await t.rejects(
    unary(client, streamSvc, 'AddStream', {
      name: 'x',
      sourceUrl: 'http://nope',
      rtspTransport: 'RTSP_TRANSPORT_TCP',
    }),
    { code: grpc.status.INVALID_ARGUMENT, details: /source_url/ },
  );

  client.close();
  const exit = await gw.stop();
  t.equal(exit.code, 0);
  const gw2 = await startGatewayProcess(t, { dataDir, env: { EDGEGW_DEMO: '0' } });
  const again = await until(
    async () => ((await apiStream(gw2.http, 'yard'))?.state === 'online' ? true : undefined),
    10_000,
  );
  t.ok(again, 'after a restart the runtime stream is back and online');
  const c2 = new grpc.Client(gw2.grpc, grpc.credentials.createInsecure());
  t.teardown(() => c2.close());
  const list = await unary<{ streams: { name: string; sourceUrl: string }[] }>(
    c2,
    streamSvc,
    'ListStreams',
    {},
  );
  const yard = list.streams.find((s) => s.name === 'yard');
  t.ok(yard, 'listed over gRPC');
  t.match(
    yard?.sourceUrl,
    /^rtsp:\/\/admin:\*\*\*@127\.0\.0\.1:\d+\/cam-video$/,
    'credentials stored (it plays) but never returned unmasked',
  );
});
