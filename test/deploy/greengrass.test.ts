/**
 * greengrass/: the recipe validated against the GDK's own recipe schemas (schemas/SOURCE.md), the
 * deployment examples against a stopgap (greengrass-deployment-schema.ts), and the lifecycle scripts actually run: recipe
 * variables interpolated as the nucleus does, Install writes the config file that the gateway's own
 * loader must accept, Run and Shutdown call a `docker` shim on PATH that records its arguments.
 */
import t from 'tap';
import { execFileSync } from 'node:child_process';
import { chmodSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { deployment } from './greengrass-deployment-schema.ts';
import { loadGatewayConfig, readJson, readYaml, unknownGatewayEnv } from './manifest-helpers.ts';
import { validateGreengrassRecipe } from './platform-schemas.ts';

type Step = string | { Script: string };
interface Lifecycle {
  Setenv?: Record<string, string>;
  Install?: Step;
  Run?: Step;
  Shutdown?: Step;
}
/** The recipe fields these tests read (the GDK schemas validate the whole recipe). */
interface Recipe {
  ComponentVersion: string;
  ComponentDependencies?: Record<string, { VersionRequirement: string; DependencyType?: string }>;
  ComponentConfiguration?: { DefaultConfiguration?: Record<string, unknown> };
  Manifests: {
    Name?: string;
    Platform: Record<string, string>;
    Selections?: string[];
    Artifacts?: { URI: string }[];
  }[];
  Lifecycle?: Record<string, Lifecycle>;
}

const rawRecipe = readYaml('greengrass/recipe.yaml');
const recipe = rawRecipe as Recipe;
const defaults = recipe.ComponentConfiguration?.DefaultConfiguration ?? {};
const life = recipe.Lifecycle?.['linux'];
if (!life) throw new Error('recipe has no linux lifecycle');
const scriptOf = (s: unknown): string => (typeof s === 'string' ? s : (s as { Script: string }).Script);
const deployments = ['greengrass/deployment.json', 'greengrass/deployment-riscv64.json'].map((f) => ({
  file: f,
  doc: deployment.parse(readJson(f)),
}));

/** Recipe variables as the nucleus interpolates them: objects become JSON. */
function interpolate(text: string, config: Record<string, unknown>, workPath: string): string {
  return text
    .replaceAll('{work:path}', workPath)
    .replace(/\{configuration:\/([^}]+)\}/g, (_, ptr: string) => {
      let v: unknown = config;
      for (const k of ptr.split('/')) v = (v as Record<string, unknown> | undefined)?.[k];
      if (v === undefined) throw new Error(`{configuration:/${ptr}} has no value`);
      return typeof v === 'object' ? JSON.stringify(v) : String(v);
    });
}

function mergedConfig(mergeJson: string | undefined): Record<string, unknown> {
  return { ...defaults, ...(mergeJson ? (JSON.parse(mergeJson) as Record<string, unknown>) : {}) };
}

interface Ran {
  dockerCalls: string[][];
  env: Record<string, string>;
  work: string;
}

/** Runs a lifecycle script with sh, Setenv applied, and a docker shim that records each call. */
function runScript(
  t: { teardown(fn: () => void): void },
  script: string,
  config: Record<string, unknown>,
): Ran {
  const dir = mkdtempSync(join(tmpdir(), 'edgegw-gg-'));
  t.teardown(() => rmSync(dir, { recursive: true, force: true }));
  const work = join(dir, 'work');
  const log = join(dir, 'docker.log');
  writeFileSync(
    join(dir, 'docker'),
    `#!/bin/sh\nnode -e 'console.log(JSON.stringify(process.argv.slice(1)))' -- "$@" >> '${log}'\n`,
  );
  chmodSync(join(dir, 'docker'), 0o755);
  const env: Record<string, string> = {};
  for (const [k, v] of Object.entries(life?.Setenv ?? {})) env[k] = interpolate(String(v), config, work);
  execFileSync('/bin/sh', ['-c', interpolate(script, config, work)], {
    env: { ...env, PATH: `${dir}:${process.env['PATH'] ?? ''}` },
    stdio: ['ignore', 'ignore', 'pipe'],
  });
  let lines: string[] = [];
  try {
    lines = readFileSync(log, 'utf8').trim().split('\n');
  } catch {
    /* no docker call */
  }
  return { dockerCalls: lines.filter(Boolean).map((l) => JSON.parse(l) as string[]), env, work };
}

t.test('the recipe validates against both GDK recipe schemas; broken copies are rejected', async (t) => {
  t.same(validateGreengrassRecipe(rawRecipe), [], 'greengrass/recipe.yaml');
  const broken = (edit: (r: Record<string, unknown>) => void) => {
    const r = structuredClone(rawRecipe) as Record<string, unknown>;
    edit(r);
    return validateGreengrassRecipe(r).join('\n');
  };
  t.match(
    broken((r) => (r['ComponentDependancies'] = {})),
    /must NOT have additional properties/,
    'misspelt top-level key',
  );
  t.match(
    broken((r) => (r['ComponentName'] = 'com edgegw')),
    /componentname must match pattern/,
    'component name with a space',
  );
  t.match(
    broken((r) => delete r['ComponentVersion']),
    /required property 'componentversion'/,
    'missing ComponentVersion',
  );
  t.match(
    broken((r) => (r['ComponentVersion'] = 'latest')),
    /user_input_recipe_schema\.json: \/componentversion/,
    'a version that is not semver',
  );
  t.match(
    broken(
      (r) =>
        ((r['ComponentDependencies'] as Record<string, Record<string, string>>)[
          'aws.greengrass.DockerApplicationManager'
        ]!['DependencyType'] = 'STRONG'),
    ),
    /dependencytype must match pattern/,
    'a dependency type that is neither SOFT nor HARD',
  );
  t.match(
    broken(
      (r) =>
        ((r['Manifests'] as Record<string, unknown>[])[0]!['Artifacts'] = [
          { URI: 'docker:x', Unarchive: 'TAR' },
        ]),
    ),
    /unarchive must match pattern/,
    'an Unarchive the nucleus does not know',
  );
  // Not checked by either GDK schema: a top-level Lifecycle keyed by selection (here `linux`), since
  // recipe_schema.json's anyOf admits it as a globalLifecycle with unknown keys and
  // user_input_recipe_schema.json types it only as an object. The scripts are run below instead.
  t.same(
    broken((r) => ((r['Lifecycle'] as Record<string, Record<string, unknown>>)['linux']!['Runn'] = 'x')),
    '',
    'known gap of the GDK schemas: a misspelt step under a selection key passes them',
  );
  // … so this test closes it: the recipe reference's lifecycle steps, and nothing else.
  const steps = ['Setenv', 'Bootstrap', 'Install', 'Startup', 'Run', 'Shutdown', 'Recover'];
  for (const [sel, l] of Object.entries(recipe.Lifecycle ?? {}))
    t.same(
      Object.keys(l).filter((k) => !steps.includes(k)),
      [],
      `Lifecycle.${sel}: only lifecycle steps`,
    );
  for (const d of deployments) t.ok(d.doc, d.file);
  const typo = structuredClone(readJson('greengrass/deployment.json')) as Record<string, unknown>;
  typo['deploymentPolices'] = {};
  t.notOk(deployment.safeParse(typo).success, 'deployment stopgap: misspelt key');
});

t.test('platforms, artifacts, dependency', async (t) => {
  const archs = recipe.Manifests.map((m) => `${m.Platform['os']}/${m.Platform['architecture']}`);
  t.same(archs, ['linux/amd64', 'linux/aarch64', 'linux/riscv64']);
  for (const m of recipe.Manifests) {
    t.same(m.Selections, ['linux'], `${m.Name} uses the shared lifecycle`);
    t.same(
      m.Artifacts?.map((a) => a.URI),
      [`docker:${String(defaults['image'])}`],
      `${m.Name}: the configured image`,
    );
  }
  t.equal(recipe.ComponentDependencies?.['aws.greengrass.DockerApplicationManager']?.DependencyType, 'HARD');
});

t.test(
  'configuration: every variable is defined, every default is used, env names are the gateway’s',
  async (t) => {
    const text = JSON.stringify(recipe.Lifecycle);
    const used = new Set([...text.matchAll(/\{configuration:\/([^}/]+)/g)].map((m) => m[1] ?? ''));
    t.same(
      [...used].filter((k) => !(k in defaults)),
      [],
      'no undefined configuration key',
    );
    t.same(
      Object.keys(defaults).filter((k) => !used.has(k)),
      [],
      'no unused default',
    );
    t.same(unknownGatewayEnv(Object.keys(life.Setenv ?? {})), [], 'Setenv names');
    const runEnv = [...scriptOf(life.Run).matchAll(/-e ([A-Z_]+)/g)].map((m) => m[1] ?? '');
    t.same(unknownGatewayEnv(runEnv), [], 'docker run -e names');
    t.same(
      runEnv.filter(
        (n) => n !== 'EDGEGW_CONFIG' && n !== 'EDGEGW_GRPC_TOKEN_FILE' && !(n in (life.Setenv ?? {})),
      ),
      [],
      'each passed-through env var is set by Setenv',
    );
    for (const d of deployments) {
      const merge = d.doc.components['com.edgegw.Gateway']?.configurationUpdate?.merge;
      t.same(
        Object.keys(merge ? (JSON.parse(merge) as object) : {}).filter((k) => !(k in defaults)),
        [],
        `${d.file}: merge keys exist`,
      );
      t.equal(
        d.doc.components['com.edgegw.Gateway']?.componentVersion,
        recipe.ComponentVersion,
        `${d.file}: version`,
      );
      t.ok(
        d.doc.components['aws.greengrass.DockerApplicationManager'],
        `${d.file}: DockerApplicationManager deployed`,
      );
    }
    const nucleus =
      deployments[1]?.doc.components['aws.greengrass.Nucleus']?.configurationUpdate?.merge ?? '{}';
    t.same(
      JSON.parse(nucleus),
      { platformOverride: { architecture: 'riscv64' } },
      'riscv64 devices match the riscv64 manifest',
    );
  },
);

t.test('Install writes a config the gateway loads, with the deployment’s cameras and env', async (t) => {
  const merge = deployments[0]?.doc.components['com.edgegw.Gateway']?.configurationUpdate?.merge;
  const config = mergedConfig(merge);
  const ran = runScript(t, scriptOf(life.Install), config);
  const file = readFileSync(join(ran.work, 'config', 'gateway.yaml'), 'utf8');
  const { config: gw, fromEnv } = loadGatewayConfig(file, ran.env);
  t.same(Object.keys(gw.streams), ['yard-gate']);
  t.equal(gw.nats.url, 'nats://127.0.0.1:4222');
  t.equal(gw.grpc.addr.host, '127.0.0.1', 'control plane stays on loopback by default');
  t.ok(fromEnv.includes('EDGEGW_HTTP_ADDR'));
  t.notOk(
    fromEnv.includes('EDGEGW_NATS_URL') && ran.env['EDGEGW_NATS_URL'] === '',
    'empty values leave defaults',
  );
  t.throws(
    () => loadGatewayConfig(file, { ...ran.env, EDGEGW_LOG_LEVEL: 'loud' }),
    'a bad logLevel fails the way it would on the device',
  );
});

t.test(
  'no drift: the defaults alone and every deployment give a config and env the gateway loads',
  async (t) => {
    const cases = [
      { name: 'DefaultConfiguration', merge: undefined as string | undefined },
      ...deployments.map((d) => ({
        name: d.file,
        merge: d.doc.components['com.edgegw.Gateway']?.configurationUpdate?.merge,
      })),
    ];
    for (const c of cases) {
      const ran = runScript(t, scriptOf(life.Install), mergedConfig(c.merge));
      const file = readFileSync(join(ran.work, 'config', 'gateway.yaml'), 'utf8');
      t.same(unknownGatewayEnv(Object.keys(ran.env)), [], `${c.name}: env names`);
      t.doesNotThrow(() => loadGatewayConfig(file, ran.env), `${c.name}: config file and env load`);
    }
  },
);

t.test(
  'Run: host network, mounts, env pass-through, image; socket and token only when configured',
  async (t) => {
    const base = runScript(t, scriptOf(life.Run), mergedConfig(undefined));
    const run = base.dockerCalls.find((c) => c[0] === 'run') ?? [];
    t.same(base.dockerCalls[0]?.slice(0, 2), ['rm', '-f'], 'a leftover container is removed first');
    t.ok(run.join(' ').includes('--network host'));
    t.equal(run.at(-1), defaults['image'], 'runs the configured image');
    t.ok(run.includes(`${base.work}/data:/data`), 'data dir mounted');
    t.ok(run.includes(`${base.work}/config:/etc/edge-gateway:ro`), 'config mounted read-only');
    t.notOk(run.join(' ').includes('docker.sock'), 'no Docker socket by default');
    t.notOk(run.join(' ').includes('EDGEGW_GRPC_TOKEN_FILE'), 'no token file by default');

    const withAll = runScript(
      t,
      scriptOf(life.Run),
      mergedConfig('{"pluginDockerSocket":"true","grpcTokenFile":"/greengrass/v2/edgegw-token"}'),
    );
    const run2 = (withAll.dockerCalls.find((c) => c[0] === 'run') ?? []).join(' ');
    t.ok(run2.includes('-v /var/run/docker.sock:/var/run/docker.sock'), 'plugins: Docker socket');
    t.ok(run2.includes('-v /greengrass/v2/edgegw-token:/run/secrets/edgegw-grpc-token:ro'));
    t.ok(run2.includes('-e EDGEGW_GRPC_TOKEN_FILE=/run/secrets/edgegw-grpc-token'));
  },
);

t.test('Shutdown stops the container gracefully (SIGTERM with a drain timeout)', async (t) => {
  const ran = runScript(t, scriptOf(life.Shutdown), mergedConfig(undefined));
  t.same(ran.dockerCalls, [['stop', '--time', '20', 'edge-gateway']]);
  t.ok(Number(defaults['stopTimeoutSeconds']) > 8, 'longer than the gateway’s own 8 s drain');
});
