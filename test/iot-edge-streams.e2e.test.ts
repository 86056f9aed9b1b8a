/**
 * Issue 7 (Azure IoT Edge): the module twin configures streams, end to end. The gateway runs in
 * this process as an IoT Edge module would (IOTEDGE_* env): the workload API stub signs its SAS
 * token and hands out the edge CA, mosquitto over TLS stands in for edgeHub, and the test answers
 * twin requests on it as edgeHub does. Desired streams point at a real GStreamer RTSP camera
 * (behind Basic auth, so masking is checked too).
 */
import t from 'tap';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { startGatewayInProcess, type InProcessGateway } from './harness/gateway-inproc.ts';
import { startMosquitto } from './harness/mosquitto.ts';
import { createTestPki } from './harness/pki.ts';
import { startRtspCamera } from './harness/rtsp-camera.ts';
import { FakeEdgeHub, startWorkloadStub, waitFor } from './iot-edge-stubs.ts';

interface Summary {
  name: string;
  state?: string;
  video?: { codec: string };
}

async function streams(gw: InProcessGateway): Promise<Map<string, Summary>> {
  const body = (await (await fetch(`${gw.http}/api/streams`)).json()) as { streams: Summary[] };
  return new Map(body.streams.map((s) => [s.name, s]));
}

t.test('desired streams are applied, patched, versioned, validated and reported', async (t) => {
  const pki = createTestPki();
  t.teardown(() => pki.close());
  const camera = await startRtspCamera(t, { user: 'admin', password: 's3cret-pw', auth: 'basic' });
  const workload = await startWorkloadStub(t, pki.ca.cert);
  const broker = await startMosquitto(t, {
    tls: { certFile: pki.server.certFile, keyFile: pki.server.keyFile, caFile: pki.ca.certFile },
  });
  const hub = await FakeEdgeHub.start(t, broker.url);
  const camUrl = (mount: '/cam' | '/cam-video' | '/cam-pcma') =>
    camera.mountUrl(mount, { credentials: true });
  hub.setDesired({
    streams: {
      cam1: { url: camUrl('/cam'), transport: 'tcp', onDemand: false },
      cam2: { url: camUrl('/cam-video'), transport: 'tcp', onDemand: false },
      bad: { url: 'http://127.0.0.1/not-rtsp', transport: 'tcp', onDemand: false },
      yard: { url: camUrl('/cam'), transport: 'tcp', onDemand: false },
    },
  });

  // A config-file stream the twin must leave alone.
  const cfgDir = await mkdtemp(join(tmpdir(), 'edgegw-twin-cfg-'));
  t.teardown(() => rm(cfgDir, { recursive: true, force: true }));
  const cfg = join(cfgDir, 'gateway.yaml');
  await writeFile(cfg, 'streams:\n  yard:\n    url: rtsp://127.0.0.1:9/yard\n    onDemand: true\n');
  const edgeEnv: Record<string, string> = {
    IOTEDGE_WORKLOADURI: workload.uri,
    IOTEDGE_DEVICEID: 'dev-1',
    IOTEDGE_MODULEID: 'edgegateway',
    IOTEDGE_MODULEGENERATIONID: '638000000000000001',
    IOTEDGE_IOTHUBHOSTNAME: 'hub1.azure-devices.net',
    IOTEDGE_GATEWAYHOSTNAME: 'localhost',
    IOTEDGE_APIVERSION: '2019-01-30',
    IOTEDGE_AUTHSCHEME: 'sasToken',
    EDGEGW_IOTEDGE_MQTT_PORT: String(broker.tlsPort),
  };
  Object.assign(process.env, edgeEnv);
  t.teardown(() => {
    for (const k of Object.keys(edgeEnv)) delete process.env[k];
  });
  const started = performance.now();
  const gw = await startGatewayInProcess(t, { EDGEGW_CONFIG: cfg });

  // The whole twin: cam1 and cam2 applied, bad and yard reported as errors.
  await hub.until(
    () => hub.reportedPatches.some((p) => p.desiredVersion === 2),
    'the report for desired $version 2',
  );
  const firstMs = Math.round(performance.now() - started);
  const r2 = hub.reportedPatches.find((p) => p.desiredVersion === 2);
  t.match(r2, {
    desiredVersion: 2,
    streams: {
      cam1: { status: 'applied', transport: 'tcp', onDemand: false, desiredVersion: 2 },
      cam2: { status: 'applied', desiredVersion: 2 },
      bad: {
        status: 'error',
        code: 'IOTEDGE_STREAM_INVALID',
        message: /url: must be an rtsp/,
        desiredVersion: 2,
      },
      yard: { status: 'error', code: 'IOTEDGE_STREAM_READ_ONLY', desiredVersion: 2 },
    },
  });
  t.match(
    (r2?.streams as Record<string, { url?: string }>).cam1?.url,
    /^rtsp:\/\/admin:\*\*\*@127\.0\.0\.1:\d+\/cam$/,
  );
  const online = await waitFor(async () => {
    const s = await streams(gw);
    return s.get('cam1')?.state === 'online' && s.get('cam2')?.state === 'online' ? s : undefined;
  }, 'cam1 and cam2 online');
  const onlineMs = Math.round(performance.now() - started);
  t.equal(online.get('cam1')?.video?.codec, 'H264');
  t.equal(online.has('bad'), false);
  t.ok(online.has('yard'), 'config stream still there');
  t.ok(online.has('demo'), 'built-in demo untouched');
  t.comment(`gateway start → first report ${firstMs} ms, → both twin cameras online ${onlineMs} ms`);

  // A desired patch: cam2 removed (null), cam3 added, bad fixed.
  const v3 = await hub.patchDesired({
    streams: { cam2: null, cam3: { url: camUrl('/cam-pcma'), transport: 'udp', onDemand: false }, bad: null },
  });
  t.equal(v3, 3);
  await hub.until(() => hub.reportedPatches.some((p) => p.desiredVersion === 3), 'the report for $version 3');
  t.match(
    hub.reportedPatches.find((p) => p.desiredVersion === 3),
    {
      streams: {
        cam2: null,
        bad: null,
        cam3: { status: 'applied', transport: 'udp' },
        cam1: { status: 'applied' },
      },
    },
  );
  const after3 = await waitFor(async () => {
    const s = await streams(gw);
    return !s.has('cam2') && s.get('cam3')?.state === 'online' ? s : undefined;
  }, 'cam2 gone and cam3 online');
  t.ok(after3.has('cam1'));

  // A patch with an older $version is ignored: cam1 stays.
  const reportsBefore = hub.reportedPatches.length;
  await hub.publishDesired({ streams: { cam1: null }, $version: 2 }, 2);
  await waitFor(
    () =>
      gw
        .logEntries()
        .find((e) => e.msg === 'twin: stale desired properties ignored' && e.desiredVersion === 2),
    'the stale patch logged as ignored',
  );
  t.ok((await streams(gw)).has('cam1'), 'stale patch did not remove cam1');
  t.equal(hub.reportedPatches.length, reportsBefore, 'nothing reported for a stale patch');

  // The hub's merged reported properties say what runs now.
  t.match(hub.reported, {
    desiredVersion: 3,
    streams: { cam1: { status: 'applied' }, cam3: { status: 'applied' }, yard: { status: 'error' } },
  });
  const reported = hub.reported.streams as Record<string, unknown>;
  t.notOk('cam2' in reported || 'bad' in reported, 'removed entries gone from reported');

  // The module identity edgeHub saw, and no password anywhere.
  t.match(
    broker.connections().find((c) => c.clientId === 'dev-1/edgegateway'),
    {
      username: 'hub1.azure-devices.net/dev-1/edgegateway/?api-version=2018-06-30',
    },
  );
  t.notMatch(
    JSON.stringify(hub.reportedPatches),
    /s3cret-pw/,
    'reported properties never carry the password',
  );
  t.notMatch(JSON.stringify(gw.logEntries()), /s3cret-pw/, 'logs never carry the password');
  t.ok(workload.signs.length >= 1);
});
