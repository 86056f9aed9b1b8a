/**
 * STOPGAP, hand-written: zod schemas of the Azure IoT Edge deployment manifest parts used in
 * azure-iot-edge/ — $edgeAgent and $edgeHub desired properties, schemaVersion 1.1 — transcribed from
 * Microsoft's "Properties of the IoT Edge agent and IoT Edge hub module twins" reference and the
 * Azure/iotedge repository's edgeAgent/edgeHub desired-properties JSON schemas (field names, enums,
 * required keys). Strict objects: a misspelt key fails. Not the upstream files: vendor those
 * (MIT) as data files and validate with a JSON Schema validator (`ajv`) to replace this.
 */
import { z } from 'zod';

/** IoT Edge splits createOptions over createOptions, createOptions01 … createOptions07, 512 characters each. */
export const CREATE_OPTIONS_CHUNK = 512;
export const CREATE_OPTIONS_MAX_CHUNKS = 8;
/** A module twin's desired properties are limited to 32 KB. */
export const TWIN_DESIRED_MAX_BYTES = 32 * 1024;

const createOptionKeys = Array.from({ length: CREATE_OPTIONS_MAX_CHUNKS }, (_, i) =>
  i === 0 ? 'createOptions' : `createOptions${String(i).padStart(2, '0')}`,
);

const moduleSettings = z
  .object({ image: z.string().min(1) })
  .catchall(z.string().max(CREATE_OPTIONS_CHUNK))
  .superRefine((s, ctx) => {
    const extra = Object.keys(s).filter((k) => k !== 'image');
    for (const k of extra)
      if (!createOptionKeys.includes(k))
        ctx.addIssue({ code: 'custom', path: [k], message: 'not a createOptions chunk key' });
    const present = createOptionKeys.filter((k) => k in s);
    if (present.join() !== createOptionKeys.slice(0, present.length).join())
      ctx.addIssue({
        code: 'custom',
        message: 'createOptions chunks must be consecutive from createOptions',
      });
  });

const status = z.enum(['running', 'stopped']);
const restartPolicy = z.enum(['never', 'on-failure', 'on-unhealthy', 'always']);
const env = z.record(
  z.string().regex(/^[A-Za-z_][A-Za-z0-9_]*$/),
  z.object({ value: z.union([z.string(), z.number(), z.boolean()]) }).strict(),
);

export const edgeModule = z
  .object({
    version: z.string().optional(),
    type: z.literal('docker'),
    status,
    restartPolicy,
    startupOrder: z.number().int().min(0).optional(),
    imagePullPolicy: z.enum(['on-create', 'never']).optional(),
    settings: moduleSettings,
    env: env.optional(),
  })
  .strict();

export const edgeAgentDesired = z
  .object({
    schemaVersion: z.enum(['1.0', '1.1']),
    runtime: z
      .object({
        type: z.literal('docker'),
        settings: z
          .object({
            minDockerVersion: z.string().regex(/^v\d+\.\d+/),
            loggingOptions: z.string().optional(),
            registryCredentials: z
              .record(
                z.string(),
                z.object({ address: z.string(), username: z.string(), password: z.string() }).strict(),
              )
              .optional(),
          })
          .strict(),
      })
      .strict(),
    systemModules: z
      .object({
        edgeAgent: z
          .object({ type: z.literal('docker'), settings: moduleSettings, env: env.optional() })
          .strict(),
        edgeHub: edgeModule,
      })
      .strict(),
    modules: z.record(z.string().regex(/^[A-Za-z0-9][A-Za-z0-9_.-]*$/), edgeModule),
  })
  .strict();

const route = z.union([
  z.string(),
  z
    .object({
      route: z.string(),
      priority: z.number().int().min(0).max(9).optional(),
      timeToLiveSecs: z.number().int().min(0).optional(),
    })
    .strict(),
]);

export const edgeHubDesired = z
  .object({
    schemaVersion: z.enum(['1.0', '1.1', '1.2']),
    routes: z.record(z.string(), route),
    storeAndForwardConfiguration: z.object({ timeToLiveSecs: z.number().int().min(0) }).strict(),
  })
  .strict();

export const deploymentManifest = z
  .object({
    modulesContent: z
      .object({
        $edgeAgent: z.object({ 'properties.desired': edgeAgentDesired }).strict(),
        $edgeHub: z.object({ 'properties.desired': edgeHubDesired }).strict(),
      })
      .catchall(z.object({ 'properties.desired': z.record(z.string(), z.unknown()) }).strict()),
  })
  .strict();
export type DeploymentManifest = z.infer<typeof deploymentManifest>;

/** The createOptions string a module's chunks make (IoT Edge concatenates them in order). */
export function joinCreateOptions(settings: Record<string, string>): string {
  return createOptionKeys.map((k) => settings[k] ?? '').join('');
}
