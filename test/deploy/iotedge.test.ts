/**
 * azure-iot-edge/: the deployment manifest validated (stopgap schemas, iotedge-schema.ts), IoT Edge's
 * limits checked (createOptions in ≤ 512-character chunks, module twins < 32 KB), the modules'
 * container options asserted, routes resolved, the twin's streams and the module env accepted by the
 * gateway's own config loader, and the healthcheck kept equal to the image's HEALTHCHECK.
 */
import t from 'tap';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import {
  CREATE_OPTIONS_CHUNK,
  TWIN_DESIRED_MAX_BYTES,
  deploymentManifest,
  joinCreateOptions,
  type DeploymentManifest,
} from './iotedge-schema.ts';
import { REPO, loadGatewayConfig, readJson, unknownGatewayEnv } from './manifest-helpers.ts';

const raw = readJson('azure-iot-edge/deployment.template.json');
const manifest: DeploymentManifest = deploymentManifest.parse(raw);
const content = manifest.modulesContent;
const agent = content.$edgeAgent['properties.desired'];
const modules = agent.modules;
const gateway = modules['edgegateway'];
const nats = modules['nats'];
if (!gateway || !nats) throw new Error('edgegateway and nats modules expected');

interface CreateOptions {
  Healthcheck?: { Test: string[]; Interval: number; Timeout: number; Retries: number };
  StopTimeout?: number;
  Cmd?: string[];
  HostConfig: { NetworkMode: string; Binds?: string[] };
  NetworkingConfig?: { EndpointsConfig: Record<string, unknown> };
}
const opts = (m: typeof gateway) => JSON.parse(joinCreateOptions(m.settings)) as CreateOptions;

t.test('the manifest validates; the schema rejects mistakes', async (t) => {
  t.ok(manifest);
  const typo = structuredClone(raw) as {
    modulesContent: {
      $edgeAgent: { 'properties.desired': { modules: Record<string, Record<string, unknown>> } };
    };
  };
  const m = typo.modulesContent.$edgeAgent['properties.desired'].modules['edgegateway'];
  if (m) m['restartPolicy'] = 'sometimes';
  t.notOk(deploymentManifest.safeParse(typo).success, 'bad restartPolicy');
  const long = structuredClone(raw) as typeof typo;
  const s = long.modulesContent.$edgeAgent['properties.desired'].modules['edgegateway']?.[
    'settings'
  ] as Record<string, string>;
  s['createOptions'] = 'x'.repeat(CREATE_OPTIONS_CHUNK + 1);
  t.notOk(deploymentManifest.safeParse(long).success, 'a 513-character chunk');
  const gap = structuredClone(raw) as typeof typo;
  const g = gap.modulesContent.$edgeAgent['properties.desired'].modules['edgegateway']?.[
    'settings'
  ] as Record<string, string>;
  g['createOptions03'] = '}';
  t.notOk(deploymentManifest.safeParse(gap).success, 'non-consecutive chunks');
});

t.test('IoT Edge limits: createOptions chunks ≤ 512 characters, twins < 32 KB', async (t) => {
  for (const [name, m] of Object.entries({ ...modules, edgeHub: agent.systemModules.edgeHub })) {
    for (const [k, v] of Object.entries(m.settings))
      if (k.startsWith('createOptions'))
        t.ok(v.length <= CREATE_OPTIONS_CHUNK, `${name}.${k}: ${v.length} characters`);
    t.doesNotThrow(() => JSON.parse(joinCreateOptions(m.settings)), `${name}: chunks join to JSON`);
  }
  t.ok(
    Object.keys(gateway.settings).includes('createOptions01'),
    'the gateway needs (and has) more than one chunk',
  );
  for (const [name, twin] of Object.entries(content)) {
    const bytes = Buffer.byteLength(JSON.stringify(twin['properties.desired']));
    t.ok(bytes < TWIN_DESIRED_MAX_BYTES, `${name} desired properties: ${bytes} bytes`);
  }
});

t.test('modules: host network, binds, restart policy, healthcheck, NATS', async (t) => {
  const g = opts(gateway);
  t.equal(g.HostConfig.NetworkMode, 'host');
  t.same(
    Object.keys(g.NetworkingConfig?.EndpointsConfig ?? {}),
    ['host'],
    'IoT Edge needs the host endpoint too',
  );
  t.ok(
    g.HostConfig.Binds?.some((b) => b.endsWith(':/data')),
    'data bind',
  );
  t.ok(
    g.HostConfig.Binds?.some((b) => b.startsWith('/etc/edge-gateway:/etc/edge-gateway')),
    'config bind',
  );
  t.equal(gateway.restartPolicy, 'always');
  t.ok((g.StopTimeout ?? 0) > 8, 'stop timeout longer than the gateway’s 8 s drain');
  t.equal(g.Healthcheck?.Retries, 3);
  // The same check as the image's HEALTHCHECK (Containerfile), so the two never disagree.
  const containerfile = readFileSync(join(REPO, 'Containerfile'), 'utf8');
  const m = /HEALTHCHECK[^\n]*\\\n\s*CMD (\[.*\])/.exec(containerfile);
  t.ok(m, 'Containerfile has an exec-form HEALTHCHECK');
  t.same(g.Healthcheck?.Test, ['CMD', ...(JSON.parse(m?.[1] ?? '[]') as string[])]);
  const n = opts(nats);
  t.equal(n.HostConfig.NetworkMode, 'host');
  t.ok(
    nats.startupOrder !== undefined &&
      gateway.startupOrder !== undefined &&
      nats.startupOrder < gateway.startupOrder,
    'NATS starts first',
  );
  t.same(n.Cmd?.slice(0, 4), ['--addr', '127.0.0.1', '--port', '4222'], 'NATS on loopback');
  t.equal(gateway.env?.['EDGEGW_NATS_URL']?.value, 'nats://127.0.0.1:4222', 'the gateway uses it');
});

t.test('$edgeHub routes name modules that exist', async (t) => {
  const routes = content.$edgeHub['properties.desired'].routes;
  t.ok(Object.keys(routes).length > 0);
  for (const [name, r] of Object.entries(routes)) {
    const text = typeof r === 'string' ? r : r.route;
    const mm =
      /^FROM \/messages\/modules\/([^/]+)\/outputs\/[^ ]+ INTO (\$upstream|BrokeredEndpoint\("\/modules\/[^/]+\/inputs\/[^"]+"\))$/.exec(
        text,
      );
    t.ok(mm, `${name}: ${text}`);
    t.ok(mm?.[1] && mm[1] in modules, `${name}: module ${mm?.[1]} is deployed`);
  }
});

t.test('no drift: env names, twin streams and module env load with the gateway loader', async (t) => {
  const env = Object.fromEntries(Object.entries(gateway.env ?? {}).map(([k, v]) => [k, String(v.value)]));
  t.same(unknownGatewayEnv(Object.keys(env)), [], 'every env var is one the gateway reads');
  const twin = content['edgegateway']?.['properties.desired'] ?? {};
  t.same(Object.keys(twin), ['streams'], 'the twin configures streams');
  delete env['EDGEGW_CONFIG'];
  const { config } = loadGatewayConfig(JSON.stringify({ streams: twin['streams'] }), env);
  t.same(Object.keys(config.streams), ['yard-gate']);
  t.equal(config.grpc.addr.host, '127.0.0.1');
  t.throws(
    () => loadGatewayConfig(JSON.stringify({ streams: { 'bad name': { url: 'rtsp://x' } } }), env),
    'a bad stream name fails as on the device',
  );
});
