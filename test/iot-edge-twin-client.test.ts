/**
 * The module twin against real parts: the workload API stub on a unix socket signs with a test
 * key; a TLS listener reads the CONNECT (clientId, username, SAS password checked against the key);
 * mosquitto (TLS, certificate from the edge CA the trust bundle hands out) stands in for edgeHub,
 * and the test answers twin requests on it as edgeHub does.
 */
import t from 'tap';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pino } from 'pino';
import { openRuntimeState } from '../gateway/config/index.ts';
import { openMemoryStreamRegistry, type MemoryStreamRegistry } from '../gateway/control/index.ts';
import {
  IOTHUB_MQTT_API_VERSION,
  moduleResourceUri,
  parseSasToken,
  readEdgeEnv,
  startModuleTwin,
  stringToSign,
  type EdgeModuleEnv,
} from '../gateway/iot-edge/index.ts';
import { startMosquitto } from './harness/mosquitto.ts';
import { createTestPki } from './harness/pki.ts';
import type { Teardown } from './harness/process.ts';
import { FakeEdgeHub, hmacOf, startConnectRecorder, startWorkloadStub, waitFor } from './iot-edge-stubs.ts';

const pki = createTestPki();
t.teardown(() => pki.close());

const HUB = 'hub1.azure-devices.net';

function edgeEnv(workloadUri: string, port: number): EdgeModuleEnv {
  const env = readEdgeEnv({
    IOTEDGE_WORKLOADURI: workloadUri,
    IOTEDGE_DEVICEID: 'dev-1',
    IOTEDGE_MODULEID: 'edgegateway',
    IOTEDGE_MODULEGENERATIONID: '638000000000000000',
    IOTEDGE_IOTHUBHOSTNAME: HUB,
    IOTEDGE_GATEWAYHOSTNAME: 'localhost',
    IOTEDGE_APIVERSION: '2019-01-30',
    IOTEDGE_AUTHSCHEME: 'sasToken',
    EDGEGW_IOTEDGE_MQTT_PORT: String(port),
  });
  if (!env) throw new Error('no env');
  return env;
}

async function registry(t: Teardown): Promise<MemoryStreamRegistry> {
  const dir = await mkdtemp(join(tmpdir(), 'edgegw-twin-'));
  t.teardown(() => rm(dir, { recursive: true, force: true }));
  return openMemoryStreamRegistry({ store: openRuntimeState(dir, pino({ level: 'silent' })) });
}

t.test('readEdgeEnv: off outside IoT Edge, loud when incomplete or not sasToken', async (t) => {
  t.equal(readEdgeEnv({}), undefined);
  t.throws(() => readEdgeEnv({ IOTEDGE_MODULEID: 'm' }), {
    code: 'IOTEDGE_ENV_INCOMPLETE',
    message: /IOTEDGE_WORKLOADURI/,
  });
  const full = {
    IOTEDGE_WORKLOADURI: 'unix:///var/run/iotedge/workload.sock',
    IOTEDGE_DEVICEID: 'd',
    IOTEDGE_MODULEID: 'm',
    IOTEDGE_MODULEGENERATIONID: 'g',
    IOTEDGE_IOTHUBHOSTNAME: 'h',
    IOTEDGE_APIVERSION: 'v',
  };
  t.match(readEdgeEnv(full), { mqttPort: 8883, gatewayHostname: undefined });
  t.throws(() => readEdgeEnv({ ...full, IOTEDGE_AUTHSCHEME: 'x509' }), { code: 'IOTEDGE_AUTH_SCHEME' });
});

t.test(
  'CONNECT: clientId device/module, IoT Hub username, a SAS token the workload API signed',
  async (t) => {
    const workload = await startWorkloadStub(t, pki.ca.cert);
    const recorder = await startConnectRecorder(t, pki.server);
    const twin = startModuleTwin({
      env: edgeEnv(workload.uri, recorder.port),
      registry: await registry(t),
      onDemand: new Map(),
      logger: pino({ level: 'silent' }),
      retryMs: 200,
    });
    t.teardown(() => twin.close());
    await waitFor(() => recorder.connects.length > 0, 'a CONNECT');
    const c = recorder.connects[0];
    t.equal(workload.trustBundleRequests, 1, 'edge CA from the trust bundle (the TLS handshake needed it)');
    t.equal(c?.protocolLevel, 4, 'MQTT 3.1.1');
    t.equal(c?.clientId, 'dev-1/edgegateway');
    t.equal(c?.username, `${HUB}/dev-1/edgegateway/?api-version=${IOTHUB_MQTT_API_VERSION}`);
    const token = parseSasToken(c?.password ?? '');
    t.ok(token, 'the password is a SAS token');
    if (!token) return;
    const resource = moduleResourceUri(HUB, 'dev-1', 'edgegateway');
    t.equal(token.sr, resource);
    t.equal(token.sig, hmacOf(stringToSign(resource, token.se)), 'signed with the module key');
    t.ok(
      token.se > Date.now() / 1000 + 3000 && token.se < Date.now() / 1000 + 3700,
      'expires in about an hour',
    );
    t.same(
      workload.signs.map((s) => [s.moduleId, s.generationId, s.apiVersion, s.data]),
      [['edgegateway', '638000000000000000', '2019-01-30', `${encodeURIComponent(resource)}\n${token.se}`]],
    );
    t.match(
      c?.password,
      /^SharedAccessSignature sr=hub1\.azure-devices\.net%2Fdevices%2Fdev-1%2Fmodules%2Fedgegateway&sig=.+&se=\d+$/,
    );
  },
);

t.test(
  'the token is renewed before it expires: a new signature, a new connection, the twin again',
  async (t) => {
    const workload = await startWorkloadStub(t, pki.ca.cert);
    const broker = await startMosquitto(t, {
      tls: { certFile: pki.server.certFile, keyFile: pki.server.keyFile, caFile: pki.ca.certFile },
    });
    const hub = await FakeEdgeHub.start(t, broker.url);
    const twin = startModuleTwin({
      env: edgeEnv(workload.uri, broker.tlsPort ?? 0),
      registry: await registry(t),
      onDemand: new Map(),
      logger: pino({ level: 'silent' }),
      tokenTtlSeconds: 6,
      renewMarginSeconds: 3,
    });
    t.teardown(() => twin.close());
    await hub.until(
      () => hub.gets.length >= 1 && hub.reportedPatches.length >= 1,
      'the first twin GET and report',
    );
    const first = workload.signs[0];
    await hub.until(() => hub.gets.length >= 2, 'a twin GET after the renewal', 15_000);
    const modules = broker.connections().filter((c) => c.clientId === 'dev-1/edgegateway');
    t.ok(modules.length >= 2, `reconnected (${modules.length} connections)`);
    t.equal(modules[0]?.username, `${HUB}/dev-1/edgegateway/?api-version=${IOTHUB_MQTT_API_VERSION}`);
    t.ok(workload.signs.length >= 2, 'signed again');
    const se = (s: { data: string } | undefined): number => Number(s?.data.split('\n')[1]);
    t.ok(se(workload.signs[1]) > se(first), 'a later expiry');
    t.equal(twin.desiredVersion, 1);
    t.comment(
      `signs at ${workload.signs.map((s) => s.data.split('\n')[1]).join(',')}, connections ${modules.length}, gets ${hub.gets.length}`,
    );
  },
);

t.test('a patch after a missed version gets the whole twin; garbage patches are ignored', async (t) => {
  const workload = await startWorkloadStub(t, pki.ca.cert);
  const broker = await startMosquitto(t, {
    tls: { certFile: pki.server.certFile, keyFile: pki.server.keyFile, caFile: pki.ca.certFile },
  });
  const hub = await FakeEdgeHub.start(t, broker.url);
  hub.setDesired({ streams: { a: { url: 'rtsp://127.0.0.1:9/a', transport: 'tcp', onDemand: false } } });
  const reg = await registry(t);
  const twin = startModuleTwin({
    env: edgeEnv(workload.uri, broker.tlsPort ?? 0),
    registry: reg,
    onDemand: new Map(),
    logger: pino({ level: 'silent' }),
  });
  t.teardown(() => twin.close());
  await hub.until(() => hub.reportedPatches.length >= 1, 'the first report');
  t.equal(twin.desiredVersion, 2);
  // Not JSON, not an object, no $version: nothing happens, nothing breaks.
  await hub.publishRaw('$iothub/twin/PATCH/properties/desired/?$version=3', '{not json');
  await hub.publishRaw('$iothub/twin/PATCH/properties/desired/', '[1,2]');
  await hub.publishRaw('$iothub/twin/res/200/?$rid=999999', '{}');
  // $version 9 while 2 is held: a patch was missed, so the client reads the whole twin again.
  await hub.publishDesired({ streams: { b: { url: 'rtsp://127.0.0.1:9/b' } }, $version: 9 }, 9);
  await hub.until(
    () => hub.gets.length >= 2 && hub.reportedPatches.length >= 2,
    'a second twin GET, applied and reported',
  );
  t.equal(reg.get('b'), undefined, 'the out-of-order patch was not merged');
  t.match(hub.reportedPatches[1], { desiredVersion: 2, streams: { a: { status: 'applied' } } });
  // The next real patch applies.
  await hub.patchDesired({
    streams: { b: { url: 'rtsp://127.0.0.1:9/b', transport: 'udp', onDemand: true } },
  });
  await hub.until(() => hub.reportedPatches.some((p) => p.desiredVersion === 3), 'the report for $version 3');
  t.match(await reg.get('b'), { sourceUrl: 'rtsp://127.0.0.1:9/b', rtspTransport: 'udp', origin: 'runtime' });
  t.ok(await reg.get('a'));
  t.equal(twin.desiredVersion, 3);
});

t.test('a throttled twin GET (429) is tried again on the same connection', async (t) => {
  const workload = await startWorkloadStub(t, pki.ca.cert);
  const broker = await startMosquitto(t, {
    tls: { certFile: pki.server.certFile, keyFile: pki.server.keyFile, caFile: pki.ca.certFile },
  });
  const hub = await FakeEdgeHub.start(t, broker.url);
  hub.throttleGets = 1;
  const logs: string[] = [];
  const logger = pino({ level: 'info' }, { write: (l: string) => void logs.push(l) });
  const twin = startModuleTwin({
    env: edgeEnv(workload.uri, broker.tlsPort ?? 0),
    registry: await registry(t),
    onDemand: new Map(),
    logger,
    retryMs: 300,
  });
  t.teardown(() => twin.close());
  await hub.until(() => hub.reportedPatches.length >= 1, 'a report after the retried GET');
  t.equal(hub.gets.length, 2, 'one 429, then the twin');
  t.equal(
    broker.connections().filter((c) => c.clientId === 'dev-1/edgegateway').length,
    1,
    'same connection',
  );
  t.match(logs.join(''), /"code":"IOTEDGE_TWIN_REQUEST"/, 'the 429 logged with its code');
});
