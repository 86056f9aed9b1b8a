/**
 * STOPGAP, hand-written: zod schemas for the subset of the Kubernetes API (apps/v1 DaemonSet, v1
 * Service/ConfigMap/Secret/Namespace, kustomize Kustomization) that k3s/ uses, transcribed from the
 * Kubernetes 1.31 API reference (field names, types, enums). Objects are `.strict()`, so a misspelt
 * or misplaced field fails, but fields we do not use are not modelled and would fail too. This is NOT
 * the upstream OpenAPI schema: replace it with `kubernetes-models` (npm, e.g. 4.4.x) validating each
 * object via `new DaemonSet(obj).validate()` once that package may be installed.
 */
import { z } from 'zod';

const dns1123Label = z
  .string()
  .regex(/^[a-z0-9]([-a-z0-9]*[a-z0-9])?$/)
  .max(63);
const dns1123Subdomain = z
  .string()
  .regex(/^[a-z0-9]([-a-z0-9]*[a-z0-9])?(\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*$/)
  .max(253);
const labels = z.record(z.string().max(317), z.string().max(63));
const quantity = z.union([z.string().regex(/^[0-9]+(\.[0-9]+)?(m|Ki|Mi|Gi|Ti|k|M|G|T)?$/), z.number()]);
const intOrString = z.union([z.number().int(), z.string().min(1)]);

export const objectMeta = z
  .object({
    name: dns1123Subdomain,
    namespace: dns1123Label.optional(),
    labels: labels.optional(),
    annotations: z.record(z.string(), z.string()).optional(),
  })
  .strict();

const resources = z
  .object({
    requests: z.partialRecord(z.enum(['cpu', 'memory', 'ephemeral-storage']), quantity).optional(),
    limits: z.partialRecord(z.enum(['cpu', 'memory', 'ephemeral-storage']), quantity).optional(),
  })
  .strict();

const fieldRef = z.object({ fieldPath: z.string(), apiVersion: z.string().optional() }).strict();
const keyRef = z.object({ name: z.string(), key: z.string(), optional: z.boolean().optional() }).strict();
export const envVar = z
  .object({
    name: z.string().regex(/^[-._a-zA-Z][-._a-zA-Z0-9]*$/),
    value: z.string().optional(),
    valueFrom: z
      .object({
        fieldRef: fieldRef.optional(),
        secretKeyRef: keyRef.optional(),
        configMapKeyRef: keyRef.optional(),
      })
      .strict()
      .optional(),
  })
  .strict()
  .refine((e) => (e.value === undefined) !== (e.valueFrom === undefined), 'exactly one of value, valueFrom');

const httpGet = z
  .object({
    path: z.string().startsWith('/'),
    port: intOrString,
    host: z.string().optional(),
    scheme: z.enum(['HTTP', 'HTTPS']).optional(),
  })
  .strict();
export const probe = z
  .object({
    httpGet: httpGet.optional(),
    grpc: z
      .object({ port: z.number().int().min(1).max(65535), service: z.string().optional() })
      .strict()
      .optional(),
    tcpSocket: z.object({ port: intOrString }).strict().optional(),
    exec: z
      .object({ command: z.array(z.string()) })
      .strict()
      .optional(),
    initialDelaySeconds: z.number().int().min(0).optional(),
    periodSeconds: z.number().int().min(1).optional(),
    timeoutSeconds: z.number().int().min(1).optional(),
    failureThreshold: z.number().int().min(1).optional(),
    successThreshold: z.number().int().min(1).optional(),
  })
  .strict()
  .refine(
    (p) => [p.httpGet, p.grpc, p.tcpSocket, p.exec].filter((h) => h !== undefined).length === 1,
    'exactly one probe handler',
  );

const capabilities = z
  .object({ add: z.array(z.string()).optional(), drop: z.array(z.string()).optional() })
  .strict();
const containerSecurity = z
  .object({
    runAsNonRoot: z.boolean().optional(),
    runAsUser: z.number().int().min(0).optional(),
    runAsGroup: z.number().int().min(0).optional(),
    allowPrivilegeEscalation: z.boolean().optional(),
    readOnlyRootFilesystem: z.boolean().optional(),
    privileged: z.boolean().optional(),
    capabilities: capabilities.optional(),
  })
  .strict();

export const container = z
  .object({
    name: dns1123Label,
    image: z.string().min(1),
    imagePullPolicy: z.enum(['Always', 'IfNotPresent', 'Never']).optional(),
    command: z.array(z.string()).optional(),
    args: z.array(z.string()).optional(),
    workingDir: z.string().optional(),
    env: z.array(envVar).optional(),
    ports: z
      .array(
        z
          .object({
            name: z
              .string()
              .regex(/^[a-z0-9-]{1,15}$/)
              .optional(),
            containerPort: z.number().int().min(1).max(65535),
            protocol: z.enum(['TCP', 'UDP', 'SCTP']).optional(),
            hostPort: z.number().int().optional(),
          })
          .strict(),
      )
      .optional(),
    readinessProbe: probe.optional(),
    livenessProbe: probe.optional(),
    startupProbe: probe.optional(),
    resources: resources.optional(),
    securityContext: containerSecurity.optional(),
    volumeMounts: z
      .array(
        z
          .object({
            name: z.string(),
            mountPath: z.string().startsWith('/'),
            readOnly: z.boolean().optional(),
            subPath: z.string().optional(),
          })
          .strict(),
      )
      .optional(),
  })
  .strict();
export type Container = z.infer<typeof container>;

const keyToPath = z.object({ key: z.string(), path: z.string() }).strict();
const volume = z
  .object({
    name: dns1123Label,
    configMap: z
      .object({ name: z.string(), items: z.array(keyToPath).optional() })
      .strict()
      .optional(),
    secret: z
      .object({ secretName: z.string(), items: z.array(keyToPath).optional() })
      .strict()
      .optional(),
    emptyDir: z
      .object({ medium: z.enum(['', 'Memory']).optional(), sizeLimit: quantity.optional() })
      .strict()
      .optional(),
    hostPath: z
      .object({
        path: z.string().startsWith('/'),
        type: z
          .enum([
            '',
            'DirectoryOrCreate',
            'Directory',
            'FileOrCreate',
            'File',
            'Socket',
            'CharDevice',
            'BlockDevice',
          ])
          .optional(),
      })
      .strict()
      .optional(),
  })
  .strict()
  .refine(
    (v) => [v.configMap, v.secret, v.emptyDir, v.hostPath].filter((s) => s !== undefined).length === 1,
    'exactly one volume source',
  );

const nodeSelectorTerm = z
  .object({
    matchExpressions: z.array(
      z
        .object({
          key: z.string(),
          operator: z.enum(['In', 'NotIn', 'Exists', 'DoesNotExist', 'Gt', 'Lt']),
          values: z.array(z.string()).optional(),
        })
        .strict(),
    ),
  })
  .strict();

export const podSpec = z
  .object({
    hostNetwork: z.boolean().optional(),
    dnsPolicy: z.enum(['ClusterFirst', 'ClusterFirstWithHostNet', 'Default', 'None']).optional(),
    terminationGracePeriodSeconds: z.number().int().min(0).optional(),
    enableServiceLinks: z.boolean().optional(),
    affinity: z
      .object({
        nodeAffinity: z
          .object({
            requiredDuringSchedulingIgnoredDuringExecution: z
              .object({ nodeSelectorTerms: z.array(nodeSelectorTerm).min(1) })
              .strict(),
          })
          .strict(),
      })
      .strict()
      .optional(),
    securityContext: z
      .object({
        runAsNonRoot: z.boolean().optional(),
        runAsUser: z.number().int().optional(),
        runAsGroup: z.number().int().optional(),
        fsGroup: z.number().int().optional(),
        seccompProfile: z
          .object({ type: z.enum(['RuntimeDefault', 'Unconfined', 'Localhost']) })
          .strict()
          .optional(),
      })
      .strict()
      .optional(),
    initContainers: z.array(container).optional(),
    containers: z.array(container).min(1),
    volumes: z.array(volume).optional(),
  })
  .strict();

const labelSelector = z.object({ matchLabels: labels }).strict();

export const daemonSet = z
  .object({
    apiVersion: z.literal('apps/v1'),
    kind: z.literal('DaemonSet'),
    metadata: objectMeta,
    spec: z
      .object({
        selector: labelSelector,
        updateStrategy: z
          .object({
            type: z.enum(['RollingUpdate', 'OnDelete']),
            rollingUpdate: z
              .object({ maxUnavailable: intOrString.optional(), maxSurge: intOrString.optional() })
              .strict()
              .optional(),
          })
          .strict()
          .optional(),
        template: z.object({ metadata: z.object({ labels }).strict(), spec: podSpec }).strict(),
      })
      .strict(),
  })
  .strict();
export type DaemonSet = z.infer<typeof daemonSet>;

export const service = z
  .object({
    apiVersion: z.literal('v1'),
    kind: z.literal('Service'),
    metadata: objectMeta,
    spec: z
      .object({
        type: z.enum(['ClusterIP', 'NodePort', 'LoadBalancer']).optional(),
        selector: labels,
        ports: z
          .array(
            z
              .object({
                name: z.string().optional(),
                port: z.number().int().min(1).max(65535),
                targetPort: intOrString.optional(),
                protocol: z.enum(['TCP', 'UDP', 'SCTP']).optional(),
                appProtocol: z.string().optional(),
              })
              .strict(),
          )
          .min(1),
      })
      .strict(),
  })
  .strict();

export const configMap = z
  .object({
    apiVersion: z.literal('v1'),
    kind: z.literal('ConfigMap'),
    metadata: objectMeta,
    data: z.record(z.string(), z.string()),
  })
  .strict();

export const secret = z
  .object({
    apiVersion: z.literal('v1'),
    kind: z.literal('Secret'),
    metadata: objectMeta,
    type: z.string().optional(),
    stringData: z.record(z.string(), z.string()).optional(),
    data: z.record(z.string(), z.base64()).optional(),
  })
  .strict();

export const namespace = z
  .object({ apiVersion: z.literal('v1'), kind: z.literal('Namespace'), metadata: objectMeta })
  .strict();

export const kustomization = z
  .object({
    apiVersion: z.literal('kustomize.config.k8s.io/v1beta1'),
    kind: z.literal('Kustomization'),
    namespace: dns1123Label.optional(),
    resources: z.array(z.string()).min(1),
    labels: z
      .array(
        z
          .object({
            pairs: labels,
            includeSelectors: z.boolean().optional(),
            includeTemplates: z.boolean().optional(),
          })
          .strict(),
      )
      .optional(),
    images: z
      .array(
        z
          .object({
            name: z.string(),
            newName: z.string().optional(),
            newTag: z.string().optional(),
            digest: z.string().optional(),
          })
          .strict(),
      )
      .optional(),
  })
  .strict();

/** The schema for a document's `kind`. */
export const K8S_SCHEMAS: Record<string, z.ZodType> = {
  DaemonSet: daemonSet,
  Service: service,
  ConfigMap: configMap,
  Secret: secret,
  Namespace: namespace,
};
