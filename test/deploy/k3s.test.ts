/**
 * k3s/: the kustomization rendered (kustomize.ts; compared with `kubectl kustomize` where kubectl is
 * installed), every rendered object validated with kubernetes-models (the upstream OpenAPI schemas)
 * and checked for unknown fields (kubectl's strict field validation), the cross-references between
 * objects resolved, the properties issue 7 asks for asserted, and the config the pods end up with
 * loaded by the gateway's own config loader — by running the init container's exact merge command.
 */
import t from 'tap';
import { execFileSync, spawnSync } from 'node:child_process';
import { mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseAllDocuments } from 'yaml';
import type { IDaemonSet } from 'kubernetes-models/apps/v1/DaemonSet';
import type { IContainer } from 'kubernetes-models/v1/Container';
import type { IPodSpec } from 'kubernetes-models/v1/PodSpec';
import { checkKustomization, renderKustomization, type K8sObject } from './kustomize.ts';
import { REPO, loadGatewayConfig, unknownGatewayEnv } from './manifest-helpers.ts';
import { K8S_KINDS, unknownK8sFields, validateK8sObject } from './platform-schemas.ts';

function must<T>(v: T | undefined | null, what: string): T {
  if (v === undefined || v === null) throw new Error(`k3s/: ${what} missing`);
  return v;
}

const { kustomization: kust, objects } = renderKustomization('k3s');
const byKind = (kind: string) => objects.filter((o) => o.kind === kind);
const ds = byKind('DaemonSet')[0] as unknown as IDaemonSet;
const dsSpec = must(ds.spec, 'DaemonSet spec');
const pod: IPodSpec = must(dsSpec.template.spec, 'pod spec');
const allContainers: IContainer[] = [...pod.containers, ...(pod.initContainers ?? [])];
const gateway = must(
  pod.containers.find((c) => c.name === 'gateway'),
  'gateway container',
);
const configMap = byKind('ConfigMap')[0] as unknown as {
  metadata: { name: string };
  data: Record<string, string>;
};
const secret = byKind('Secret')[0] as unknown as {
  metadata: { name: string };
  stringData: Record<string, string>;
};

t.test('kustomization: lists every manifest in k3s/, each exists; images retargetable', async (t) => {
  const yamls = readdirSync(join(REPO, 'k3s')).filter(
    (f) => f.endsWith('.yaml') && f !== 'kustomization.yaml',
  );
  t.same([...kust.resources].sort(), yamls.sort());
  t.same(
    (kust.images ?? []).map((i) => i.name).sort(),
    [...new Set(readDaemonSetImages())].sort(),
    'every container image is retargetable by kustomize images:',
  );
  t.throws(
    () => checkKustomization({ ...kust, resources: [...kust.resources, 'missing.yaml'] }, 'k3s'),
    /resource missing\.yaml does not exist/,
    'a resource that does not exist is refused',
  );
  t.throws(
    () => checkKustomization({ ...kust, patches: [] }, 'k3s'),
    /fields not rendered here: patches/,
    'a kustomize feature the renderer lacks is refused, not ignored',
  );
  for (const c of allContainers)
    t.match(c.image, /^(registry\.example\.internal\/edge-gateway|docker\.io\/library\/nats):/);
});

/** The image names as written in daemonset.yaml (before kustomize's images: rewrite). */
function readDaemonSetImages(): string[] {
  const raw = parseAllDocuments(
    readFileSync(join(REPO, 'k3s/daemonset.yaml'), 'utf8'),
  )[0]?.toJS() as IDaemonSet;
  const spec = must(raw.spec?.template.spec, 'raw pod spec');
  return [...spec.containers, ...(spec.initContainers ?? [])].map((c) => must(c.image, `${c.name} image`));
}

const kubectl = spawnSync('kubectl', ['version', '--client'], { encoding: 'utf8' });
t.test(
  'kubectl kustomize renders the same objects',
  { skip: kubectl.error ? 'kubectl not on PATH: only the render in kustomize.ts is checked' : false },
  async (t) => {
    const r = spawnSync('kubectl', ['kustomize', join(REPO, 'k3s')], { encoding: 'utf8' });
    t.equal(r.status, 0, r.stderr);
    const theirs = parseAllDocuments(r.stdout).map((d) => d.toJS() as K8sObject);
    const key = (o: K8sObject) => `${o.kind}/${o.metadata.name}`;
    t.same(theirs.map(key).sort(), objects.map(key).sort());
    for (const o of theirs)
      t.same(
        o,
        objects.find((x) => key(x) === key(o)),
        key(o),
      );
  },
);

t.test('every rendered object validates with kubernetes-models and has no unknown field', async (t) => {
  t.same(objects.map((o) => o.kind).sort(), ['ConfigMap', 'DaemonSet', 'Namespace', 'Secret', 'Service']);
  for (const o of objects) {
    t.ok(K8S_KINDS.includes(`${o.kind}@${o.apiVersion}`), `${o.kind} ${o.apiVersion} is a known model`);
    t.same(await validateK8sObject(o), [], `${o.kind}/${o.metadata.name}`);
    if (o.kind !== 'Namespace') t.equal(o.metadata.namespace, kust.namespace, `${o.kind} namespace`);
  }
  t.same(unknownK8sFields(objects), [], 'no field the Kubernetes API does not define');
});

t.test('the validators reject broken copies (a validator that cannot fail is no validator)', async (t) => {
  const raw = byKind('DaemonSet')[0] as unknown as {
    spec: {
      selector?: unknown;
      template: { spec: Record<string, unknown> & { containers: Record<string, unknown>[] } };
    };
  };
  const badPort = structuredClone(raw);
  (badPort.spec.template.spec.containers[0]?.['ports'] as Record<string, unknown>[])[0]!['containerPort'] =
    'http';
  t.match((await validateK8sObject(badPort)).join(), /containerPort must be integer/, 'wrong type');
  const badProto = structuredClone(raw);
  (badProto.spec.template.spec.containers[0]?.['ports'] as Record<string, unknown>[])[0]!['protocol'] =
    'QUIC';
  t.match(
    (await validateK8sObject(badProto)).join(),
    /protocol must be equal to one of the allowed values/,
    'bad enum',
  );
  const noSelector = structuredClone(raw);
  delete noSelector.spec.selector;
  t.match(
    (await validateK8sObject(noSelector)).join(),
    /required property selector/,
    'missing required field',
  );
  const typo = structuredClone(raw);
  typo.spec.template.spec['hostNetwrok'] = true;
  t.match(
    unknownK8sFields([typo]).join(),
    /'"?hostNetwrok"?' does not exist in type 'IPodSpec'/,
    'misspelt field',
  );
  const unknownKind = { apiVersion: 'apps/v1', kind: 'Deployment', metadata: { name: 'x' } };
  t.match((await validateK8sObject(unknownKind)).join(), /no kubernetes-models class/, 'unknown kind');
});

t.test('DaemonSet: host network, arch affinity, probes, resources, grace', async (t) => {
  t.equal(pod.hostNetwork, true);
  t.equal(pod.dnsPolicy, 'ClusterFirstWithHostNet');
  const exprs =
    pod.affinity?.nodeAffinity?.requiredDuringSchedulingIgnoredDuringExecution?.nodeSelectorTerms[0]
      ?.matchExpressions ?? [];
  const arch = exprs.find((e) => e.key === 'kubernetes.io/arch');
  t.equal(arch?.operator, 'In');
  t.same([...(arch?.values ?? [])].sort(), ['amd64', 'arm64', 'riscv64']);
  t.same(dsSpec.selector.matchLabels, dsSpec.template.metadata?.labels, 'selector matches the pod labels');
  t.same(gateway.readinessProbe?.grpc, { port: 50051 }, 'gRPC readiness probe (grpc.health.v1, service "")');
  t.equal(gateway.livenessProbe?.httpGet?.path, '/healthz');
  // main.ts forces an exit 8 s after SIGTERM; the kubelet must wait longer than that.
  t.ok((pod.terminationGracePeriodSeconds ?? 30) > 8, 'termination grace longer than the gateway drain');
  for (const c of allContainers) {
    t.ok(c.resources?.requests?.memory && c.resources.limits?.memory, `${c.name}: memory request and limit`);
    t.equal(c.securityContext?.allowPrivilegeEscalation, false, `${c.name}: no privilege escalation`);
  }
  t.equal(pod.securityContext?.runAsUser, 10001, 'the image user');
  const ports = Object.fromEntries((gateway.ports ?? []).map((p) => [p.containerPort, p.protocol]));
  t.same(ports, { 8080: 'TCP', 50051: 'TCP', 8189: 'UDP' });
});

t.test('references resolve: volumes, mounts, Secret and ConfigMap keys, Service ports', async (t) => {
  const volumes = new Map((pod.volumes ?? []).map((v) => [v.name, v]));
  for (const c of allContainers)
    for (const m of c.volumeMounts ?? []) t.ok(volumes.has(m.name), `${c.name} mounts volume ${m.name}`);
  for (const v of volumes.values()) {
    if (v.configMap)
      t.equal(v.configMap.name, byKind('ConfigMap')[0]?.metadata.name, `${v.name} → ConfigMap`);
    if (v.secret) {
      t.equal(v.secret.secretName, secret.metadata.name, `${v.name} → Secret`);
      for (const i of v.secret.items ?? []) t.ok(i.key in secret.stringData, `Secret has ${i.key}`);
    }
  }
  for (const e of gateway.env ?? []) {
    const ref = e.valueFrom?.secretKeyRef;
    if (ref) {
      t.equal(ref.name, secret.metadata.name, `${e.name} → Secret`);
      t.ok(ref.key in secret.stringData, `Secret has ${ref.key}`);
    }
  }
  const token = gateway.env?.find((e) => e.name === 'EDGEGW_GRPC_TOKEN');
  t.ok(token?.valueFrom?.secretKeyRef, 'control-plane token from a secretKeyRef');
  const svc = byKind('Service')[0] as unknown as {
    spec: { selector: Record<string, string>; ports: { port: number; targetPort: string }[] };
  };
  for (const [k, v] of Object.entries(svc.spec.selector))
    t.equal(dsSpec.template.metadata?.labels?.[k], v, `Service selects ${k}`);
  const named = new Map((gateway.ports ?? []).map((p) => [p.name, p.containerPort]));
  t.equal(named.get(svc.spec.ports[0]?.targetPort ?? ''), 50051, 'Service targets the gRPC port');
  const natsConf = configMap.data['nats-leaf.conf'] ?? '';
  t.match(natsConf, /listen: 127\.0\.0\.1:4222/, 'NATS leaf listens where EDGEGW_NATS_URL points');
  t.equal(gateway.env?.find((e) => e.name === 'EDGEGW_NATS_URL')?.value, 'nats://127.0.0.1:4222');
});

t.test(
  'no drift: env names the gateway reads, and the merged config loads with the gateway loader',
  async (t) => {
    t.same(
      unknownGatewayEnv((gateway.env ?? []).map((e) => e.name)),
      [],
      'every env var is one the gateway reads',
    );
    t.same(unknownGatewayEnv(['EDGEGW_GRPC_ADRR']), ['EDGEGW_GRPC_ADRR'], 'the drift check catches a typo');

    // Run the init container's own merge script (cwd = repo root, where node_modules/yaml is, as /app is in the image).
    const init = pod.initContainers?.find((c) => c.name === 'config');
    const cmd = init?.command ?? [];
    t.equal(cmd[0], 'node');
    const dir = mkdtempSync(join(tmpdir(), 'edgegw-k3s-'));
    t.teardown(() => rmSync(dir, { recursive: true, force: true }));
    const base = join(dir, 'gateway.base.yaml');
    const cams = join(dir, 'streams.yaml');
    const out = join(dir, 'gateway.yaml');
    writeFileSync(base, configMap.data['gateway.yaml'] ?? '');
    writeFileSync(cams, secret.stringData['streams.yaml'] ?? '');
    execFileSync(process.execPath, [...cmd.slice(1, -3), base, cams, out], { cwd: REPO });
    const merged = readFileSync(out, 'utf8');

    const env: Record<string, string> = {};
    for (const e of gateway.env ?? []) {
      if (e.name === 'EDGEGW_CONFIG') continue;
      if (e.value !== undefined) env[e.name] = e.value;
      else if (e.valueFrom?.fieldRef?.fieldPath === 'spec.nodeName') env[e.name] = 'node-1';
      else if (e.valueFrom?.fieldRef?.fieldPath === 'status.podIP') env[e.name] = '192.168.1.20';
      else if (e.valueFrom?.secretKeyRef) env[e.name] = secret.stringData[e.valueFrom.secretKeyRef.key] ?? '';
    }
    const { config, fromEnv } = loadGatewayConfig(merged, env);
    t.same(Object.keys(config.streams), ['yard-gate'], 'cameras from the Secret reach the config');
    t.equal(config.grpc.addr.port, 50051);
    t.ok(config.grpc.token, 'off-loopback gRPC carries a token');
    t.equal(config.nodeId, 'node-1');
    t.same(config.webrtc.publicIps, ['192.168.1.20']);
    t.equal(config.dataDir, '/data');
    t.ok(fromEnv.length >= 5);
    t.throws(
      () => loadGatewayConfig(merged + 'bogus: 1\n', env),
      'an unknown key in the ConfigMap fails like it would on the node',
    );
  },
);
