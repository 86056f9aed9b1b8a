/**
 * Issue 7 (Azure IoT Edge): twin-applied streams across a gateway restart. They persist like
 * gRPC-added ones; a stream removed from the desired properties while the gateway was down is
 * removed at the next start (the reported properties say which streams the twin applied), and
 * an on-demand stream comes back on demand.
 */
import t from 'tap';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { startGatewayInProcess, type InProcessGateway } from './harness/gateway-inproc.ts';
import { startMosquitto } from './harness/mosquitto.ts';
import { createTestPki } from './harness/pki.ts';
import { FakeEdgeHub, startWorkloadStub, waitFor } from './iot-edge-stubs.ts';

async function names(gw: InProcessGateway): Promise<string[]> {
  const body = (await (await fetch(`${gw.http}/api/streams`)).json()) as { streams: { name: string }[] };
  return body.streams.map((s) => s.name).sort();
}

t.test('twin streams persist; removals while down apply at the next start', async (t) => {
  const pki = createTestPki();
  t.teardown(() => pki.close());
  const workload = await startWorkloadStub(t, pki.ca.cert);
  const broker = await startMosquitto(t, {
    tls: { certFile: pki.server.certFile, keyFile: pki.server.keyFile, caFile: pki.ca.certFile },
  });
  const hub = await FakeEdgeHub.start(t, broker.url);
  const keep = { url: 'rtsp://127.0.0.1:9/keep', transport: 'tcp', onDemand: true };
  const drop = { url: 'rtsp://127.0.0.1:9/drop', transport: 'tcp', onDemand: false };
  hub.setDesired({ streams: { keep, drop } });
  const edgeEnv: Record<string, string> = {
    IOTEDGE_WORKLOADURI: workload.uri,
    IOTEDGE_DEVICEID: 'dev-1',
    IOTEDGE_MODULEID: 'edgegateway',
    IOTEDGE_MODULEGENERATIONID: '638000000000000002',
    IOTEDGE_IOTHUBHOSTNAME: 'hub1.azure-devices.net',
    IOTEDGE_GATEWAYHOSTNAME: 'localhost',
    IOTEDGE_APIVERSION: '2019-01-30',
    EDGEGW_IOTEDGE_MQTT_PORT: String(broker.tlsPort),
  };
  Object.assign(process.env, edgeEnv);
  t.teardown(() => {
    for (const k of Object.keys(edgeEnv)) delete process.env[k];
  });
  const dataDir = await mkdtemp(join(tmpdir(), 'edgegw-twin-restart-'));
  t.teardown(() => rm(dataDir, { recursive: true, force: true }));
  const env = { EDGEGW_DATA_DIR: dataDir, EDGEGW_DEMO: '0' };

  const gw1 = await startGatewayInProcess(t, env);
  await hub.until(() => hub.reportedPatches.some((p) => p.desiredVersion === 2), 'the first report');
  t.same(await names(gw1), ['drop', 'keep']);
  await gw1.close();

  // While the gateway is down, the deployment drops one stream.
  hub.setDesired({ streams: { keep } });
  const before = hub.reportedPatches.length;
  const gw2 = await startGatewayInProcess(t, env);
  await hub.until(
    () => hub.reportedPatches.some((p) => p.desiredVersion === 3),
    'the report after the restart',
  );
  t.match(
    hub.reportedPatches.slice(before).find((p) => p.desiredVersion === 3),
    {
      streams: { drop: null, keep: { status: 'applied', onDemand: true } },
    },
  );
  await waitFor(async () => (await names(gw2)).join() === 'keep', 'drop removed, keep running');
  t.ok(
    gw2.logEntries().some((e) => e.msg === 'twin: stream keep update'),
    'keep restarted with its on-demand flag (runtime state has none)',
  );
  t.notOk(
    gw2.logEntries().some((e) => e.msg === 'twin: stream keep add'),
    'keep came back from the data dir, not re-added',
  );
});
