/**
 * STOPGAP, hand-written: zod schema of a Greengrass v2 component recipe (format 2020-01-25) and of a
 * CreateDeployment request, written from the constraints of the recipe JSON schema that AWS's
 * Greengrass Development Kit validates with (aws-greengrass/aws-greengrass-gdk-cli,
 * gdk/static/recipe_schema.json, seen at commit 4aa52a41a6a8eaf5f2dfa87ecd0f4c2a36684f64: required
 * keys, ComponentName pattern and length, version length, dependency type, lifecycle step shapes,
 * skipif pattern, artifact fields) and the Greengrass v2 API reference (CreateDeployment). GDK
 * lower-cases keys before validating; here keys must be PascalCase exactly, which is stricter. Not a
 * copy of the upstream file: vendor that file (Apache-2.0) as a data file and validate with a JSON
 * Schema validator (`ajv`, a direct devDependency) to replace this.
 */
import { z } from 'zod';

const scalarEnv = z.record(z.string(), z.union([z.string(), z.number(), z.boolean()]));
const step = z.union([
  z.string(),
  z
    .object({
      Script: z.string().min(1),
      RequiresPrivilege: z.union([z.boolean(), z.enum(['true', 'false'])]).optional(),
      Setenv: scalarEnv.optional(),
      Timeout: z.union([z.number().int().positive(), z.string().regex(/^\d+$/)]).optional(),
      SkipIf: z
        .string()
        .regex(/^(onpath|exists)\s+.+/)
        .optional(),
    })
    .strict(),
]);
export const lifecycle = z
  .object({
    Setenv: scalarEnv.optional(),
    Bootstrap: step.optional(),
    Install: step.optional(),
    Startup: step.optional(),
    Run: step.optional(),
    Shutdown: step.optional(),
    Recover: step.optional(),
  })
  .strict()
  .refine((l) => !(l.Startup && l.Run), 'Startup and Run are exclusive');

const permission = z.enum(['NONE', 'OWNER', 'ALL']);
const artifact = z
  .object({
    URI: z.string().regex(/^(s3|docker|greengrass):.+/),
    Unarchive: z.enum(['ZIP', 'NONE']).optional(),
    Permission: z.object({ Read: permission.optional(), Execute: permission.optional() }).strict().optional(),
  })
  .strict();

export const recipe = z
  .object({
    RecipeFormatVersion: z.literal('2020-01-25'),
    ComponentName: z
      .string()
      .regex(/^[a-zA-Z0-9-_.]+$/)
      .max(128),
    ComponentVersion: z
      .string()
      .max(64)
      .regex(/^\d+\.\d+\.\d+(-[0-9A-Za-z.-]+)?$/, 'semantic version'),
    ComponentType: z
      .enum([
        'aws.greengrass.generic',
        'aws.greengrass.lambda',
        'aws.greengrass.plugin',
        'aws.greengrass.nucleus',
      ])
      .optional(),
    ComponentDescription: z.string().optional(),
    ComponentPublisher: z.string().optional(),
    ComponentDependencies: z
      .record(
        z.string().regex(/^[a-zA-Z0-9-_.]+$/),
        z
          .object({
            VersionRequirement: z.string().min(1),
            DependencyType: z.enum(['SOFT', 'HARD']).optional(),
          })
          .strict(),
      )
      .optional(),
    ComponentConfiguration: z
      .object({ DefaultConfiguration: z.record(z.string(), z.unknown()) })
      .strict()
      .optional(),
    Manifests: z
      .array(
        z
          .object({
            Name: z.string().optional(),
            Platform: z.record(z.string(), z.string()),
            Lifecycle: lifecycle.optional(),
            Selections: z.array(z.string()).optional(),
            Artifacts: z.array(artifact).optional(),
          })
          .strict()
          .refine(
            (m) => !(m.Lifecycle && m.Selections),
            'a manifest has its own Lifecycle or Selections, not both',
          ),
      )
      .min(1),
    Lifecycle: z.record(z.string(), lifecycle).optional(),
  })
  .strict();
export type Recipe = z.infer<typeof recipe>;

/** greengrassv2 CreateDeployment request (the fields used; cli-input-json shape). */
export const deployment = z
  .object({
    targetArn: z
      .string()
      .regex(/^arn:aws(-cn|-us-gov)?:iot:[a-z0-9-]+:\d{12}:(thing|thinggroup)\/[a-zA-Z0-9:_-]+$/),
    deploymentName: z.string().min(1).max(256),
    components: z.record(
      z.string().regex(/^[a-zA-Z0-9-_.]+$/),
      z
        .object({
          componentVersion: z.string().min(1),
          configurationUpdate: z
            .object({ merge: z.string().optional(), reset: z.array(z.string()).optional() })
            .strict()
            .optional(),
        })
        .strict(),
    ),
    deploymentPolicies: z
      .object({
        failureHandlingPolicy: z.enum(['ROLLBACK', 'DO_NOTHING']).optional(),
        componentUpdatePolicy: z
          .object({
            timeoutInSeconds: z.number().int().positive().optional(),
            action: z.enum(['NOTIFY_COMPONENTS', 'SKIP_NOTIFY_COMPONENTS']).optional(),
          })
          .strict()
          .optional(),
        configurationValidationPolicy: z
          .object({ timeoutInSeconds: z.number().int().positive() })
          .strict()
          .optional(),
      })
      .strict()
      .optional(),
    iotJobConfiguration: z.record(z.string(), z.unknown()).optional(),
  })
  .strict();
