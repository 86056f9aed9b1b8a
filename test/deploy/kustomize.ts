/**
 * A small kustomize for k3s/kustomization.yaml: the subset of kustomize that file uses (resources,
 * namespace, labels without selectors, images), so the tests validate the objects a cluster would
 * receive, on machines without kubectl. Anything else in the kustomization is refused, so a new
 * feature cannot be silently ignored here; where kubectl is installed, k3s.test.ts checks that
 * `kubectl kustomize` renders the same objects.
 */
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { REPO, readYaml, readYamlDocs } from './manifest-helpers.ts';

export interface Kustomization {
  apiVersion: string;
  kind: string;
  namespace?: string;
  resources: string[];
  labels?: { pairs: Record<string, string>; includeSelectors?: boolean; includeTemplates?: boolean }[];
  images?: { name: string; newName?: string; newTag?: string }[];
}

export interface K8sObject {
  apiVersion: string;
  kind: string;
  metadata: { name: string; namespace?: string; labels?: Record<string, string> };
  [k: string]: unknown;
}

const KNOWN_FIELDS = new Set(['apiVersion', 'kind', 'namespace', 'resources', 'labels', 'images']);
/** Kinds that are not namespaced (kustomize leaves their namespace alone). */
const CLUSTER_SCOPED = new Set(['Namespace']);

/** Reads `dir`/kustomization.yaml and checks it (checkKustomization). */
export function readKustomization(dir: string): Kustomization {
  return checkKustomization(readYaml(`${dir}/kustomization.yaml`), dir);
}

/**
 * Checks a parsed kustomization: a kustomize.config.k8s.io/v1beta1 Kustomization that uses only what
 * `renderKustomization` implements, whose resources exist under `dir`. Throws naming the problem.
 */
export function checkKustomization(doc: unknown, dir: string): Kustomization {
  const k = doc as Kustomization;
  const unknown = Object.keys(k).filter((f) => !KNOWN_FIELDS.has(f));
  if (unknown.length > 0)
    throw new Error(`kustomization.yaml: fields not rendered here: ${unknown.join(', ')}`);
  if (k.apiVersion !== 'kustomize.config.k8s.io/v1beta1' || k.kind !== 'Kustomization')
    throw new Error('kustomization.yaml: not a kustomize.config.k8s.io/v1beta1 Kustomization');
  for (const l of k.labels ?? [])
    if (l.includeSelectors || l.includeTemplates)
      throw new Error('kustomization.yaml: labels into selectors/templates are not rendered here');
  for (const r of k.resources)
    if (!existsSync(join(REPO, dir, r))) throw new Error(`kustomization.yaml: resource ${r} does not exist`);
  return k;
}

function containersOf(o: K8sObject): { image?: string }[] {
  const pod = (o['spec'] as { template?: { spec?: Record<string, unknown> } } | undefined)?.template?.spec;
  if (!pod) return [];
  return ['initContainers', 'containers', 'ephemeralContainers'].flatMap(
    (k) => (pod[k] as { image?: string }[] | undefined) ?? [],
  );
}

/** image "name[:tag][@digest]" → name */
const imageName = (image: string) => image.replace(/@.*$/, '').replace(/:[^:/]+$/, '');

/** The objects `kustomize build dir` outputs for this subset, in resource order. */
export function renderKustomization(dir: string): { kustomization: Kustomization; objects: K8sObject[] } {
  const k = readKustomization(dir);
  const objects = k.resources.flatMap((f) => readYamlDocs(`${dir}/${f}`) as K8sObject[]);
  for (const o of objects) {
    if (k.namespace && !CLUSTER_SCOPED.has(o.kind)) o.metadata.namespace = k.namespace;
    for (const l of k.labels ?? []) o.metadata.labels = { ...(o.metadata.labels ?? {}), ...l.pairs };
    for (const c of containersOf(o)) {
      const img = k.images?.find((i) => c.image !== undefined && imageName(c.image) === i.name);
      if (!img || c.image === undefined) continue;
      c.image = `${img.newName ?? img.name}${img.newTag ? `:${img.newTag}` : ''}`;
    }
  }
  return { kustomization: k, objects };
}
