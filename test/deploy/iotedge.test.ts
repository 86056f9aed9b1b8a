/**
 * azure-iot-edge/: the deployment manifest validated against the $edgeAgent 1.1 and $edgeHub 1.1
 * desired-properties schemas (schemas/SOURCE.md), IoT Edge's limits checked (createOptions in ≤ 512-
 * character chunks that reassemble to JSON, module twins < 32 KB), the modules' container options
 * asserted, routes resolved, the twin's streams and the module env accepted by the gateway's own
 * config loader, and the healthcheck kept equal to the image's HEALTHCHECK.
 */
import t from 'tap';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { configSchema } from '../../gateway/config/index.ts';
import { REPO, loadGatewayConfig, readJson, unknownGatewayEnv } from './manifest-helpers.ts';
import {
  CREATE_OPTIONS_CHUNK,
  DRAFT04_SAFE_KEYWORDS,
  EDGE_AGENT_SCHEMA,
  EDGE_HUB_SCHEMA,
  TWIN_DESIRED_MAX_BYTES,
  createOptionsErrors,
  joinCreateOptions,
  twinSizeErrors,
  validateIotEdgeManifest,
} from './platform-schemas.ts';

interface EdgeModule {
  settings: Record<string, string>;
  restartPolicy?: string;
  startupOrder?: number;
  env?: Record<string, { value: string | number | boolean }>;
}
interface DeploymentManifest {
  modulesContent: {
    $edgeAgent: {
      'properties.desired': {
        systemModules: { edgeAgent: EdgeModule; edgeHub: EdgeModule };
        modules: Record<string, EdgeModule>;
      };
    };
    $edgeHub: {
      'properties.desired': { routes: Record<string, string | { route: string }> };
    };
    [twin: string]: { 'properties.desired': Record<string, unknown> };
  };
}

const raw = readJson('azure-iot-edge/deployment.template.json');
const manifest = raw as DeploymentManifest;
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
const opts = (m: EdgeModule) => JSON.parse(joinCreateOptions(m.settings)) as CreateOptions;

/** A broken copy of the manifest: `edit` changes it, then every check runs. */
function brokenCopy(edit: (m: DeploymentManifest) => void): string {
  const m = structuredClone(raw) as DeploymentManifest;
  edit(m);
  const d = m.modulesContent.$edgeAgent['properties.desired'];
  const all = { ...d.modules, ...d.systemModules };
  return [
    ...validateIotEdgeManifest(m),
    ...Object.values(all).flatMap((x) => createOptionsErrors(x.settings ?? {})),
    ...twinSizeErrors(m),
  ].join('\n');
}
const gw = (m: DeploymentManifest) =>
  m.modulesContent.$edgeAgent['properties.desired'].modules['edgegateway']!;

t.test('the manifest validates against the $edgeAgent and $edgeHub schemas', async (t) => {
  t.same(validateIotEdgeManifest(raw), []);
  t.equal(
    brokenCopy(() => {}),
    '',
    'the unbroken copy passes every check',
  );
});

t.test('the draft-04 schemas use only keywords that mean the same in draft-07', async (t) => {
  const seen = new Set<string>();
  const walk = (s: unknown, inMap: boolean): void => {
    if (Array.isArray(s)) return s.forEach((x) => walk(x, false));
    if (s === null || typeof s !== 'object') return;
    for (const [k, v] of Object.entries(s)) {
      if (!inMap) seen.add(k);
      // Values of these are maps from names/patterns to schemas; `examples`/`enum` hold data.
      if (['examples', 'enum', 'required'].includes(k)) continue;
      walk(v, !inMap && ['properties', 'patternProperties', 'definitions'].includes(k));
    }
  };
  for (const f of [EDGE_AGENT_SCHEMA, EDGE_HUB_SCHEMA]) {
    const s = JSON.parse(readFileSync(join(REPO, 'test/deploy/schemas', f), 'utf8')) as Record<
      string,
      unknown
    >;
    t.equal(s['$schema'], 'http://json-schema.org/draft-04/schema#', `${f} is draft-04`);
    walk(s, false);
  }
  t.same(
    [...seen].filter((k) => !DRAFT04_SAFE_KEYWORDS.has(k)),
    [],
    'no other keyword',
  );
});

t.test('broken copies are rejected', async (t) => {
  t.match(
    brokenCopy((m) => (gw(m).restartPolicy = 'sometimes')),
    /restartPolicy must be equal to one of the allowed values/,
    'bad restartPolicy',
  );
  t.match(
    brokenCopy((m) => (gw(m).settings['createOption'] = '{}')),
    /must NOT have additional properties/,
    'misspelt createOptions key',
  );
  t.match(
    brokenCopy((m) => delete (gw(m) as Partial<EdgeModule>).settings),
    /required property 'settings'/,
    'module without settings',
  );
  t.match(
    brokenCopy((m) => (gw(m).env = { 'EDGEGW.BAD': { value: 'x' } })),
    /must NOT have additional properties/,
    'env name with a dot',
  );
  t.match(
    brokenCopy(
      (m) =>
        (m.modulesContent.$edgeHub['properties.desired'].routes['r'] = {
          route: 'FROM /* INTO $upstream',
          priority: 10,
        } as never),
    ),
    /priority must be <= 9/,
    'route priority above 9',
  );
  t.match(
    brokenCopy((m) => delete (m.modulesContent as Record<string, unknown>)['$edgeHub']),
    /\$edgeHub missing/,
    'no $edgeHub',
  );
  t.match(
    brokenCopy((m) => (gw(m).settings['createOptions'] = 'x'.repeat(CREATE_OPTIONS_CHUNK + 1))),
    /createOptions: 513 characters \(max 512\)/,
    'a 513-character chunk',
  );
  t.match(
    brokenCopy((m) => (gw(m).settings['createOptions03'] = '}')),
    /are not createOptions,createOptions01,createOptions02/,
    'non-consecutive chunks',
  );
  t.match(
    brokenCopy((m) => (gw(m).settings['createOptions01'] = gw(m).settings['createOptions01']!.slice(1))),
    /reassembled createOptions is not JSON/,
    'chunks that do not reassemble to JSON',
  );
  t.match(
    brokenCopy(
      (m) =>
        (m.modulesContent['edgegateway']!['properties.desired']['pad'] = 'x'.repeat(TWIN_DESIRED_MAX_BYTES)),
    ),
    /edgegateway desired properties: \d+ bytes \(max 32768\)/,
    'a twin over 32 KB',
  );
});

t.test(
  'IoT Edge limits: createOptions chunks ≤ 512 characters that join to JSON, twins < 32 KB',
  async (t) => {
    for (const [name, m] of Object.entries({ ...modules, ...agent.systemModules })) {
      t.same(createOptionsErrors(m.settings), [], `${name}: createOptions`);
      for (const [k, v] of Object.entries(m.settings))
        if (k.startsWith('createOptions'))
          t.ok(v.length <= CREATE_OPTIONS_CHUNK, `${name}.${k}: ${v.length} characters`);
    }
    t.ok(
      Object.keys(gateway.settings).includes('createOptions01'),
      'the gateway needs (and has) more than one chunk',
    );
    t.same(twinSizeErrors(raw), []);
    for (const [name, twin] of Object.entries(content)) {
      const bytes = Buffer.byteLength(JSON.stringify(twin['properties.desired']));
      t.ok(bytes < TWIN_DESIRED_MAX_BYTES, `${name} desired properties: ${bytes} bytes`);
    }
  },
);

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
  // Exactly the gateway's `streams` shape: its own zod schema, with no key it would drop or add.
  const parsed = configSchema.safeParse({ streams: twin['streams'] });
  t.ok(parsed.success, parsed.success ? 'configSchema accepts the twin streams' : parsed.error.message);
  t.same(parsed.data?.streams, twin['streams'], 'the twin spells out every field (no defaults filled in)');
  const typo = structuredClone(twin['streams']) as Record<string, Record<string, unknown>>;
  typo['yard-gate']!['ondemand'] = true;
  t.notOk(configSchema.safeParse({ streams: typo }).success, 'a misspelt stream field is refused');
});
