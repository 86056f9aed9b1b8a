/**
 * STOPGAP, hand-written: zod schema of a Greengrass v2 CreateDeployment request (the fields
 * greengrass/deployment*.json use; `aws greengrassv2 create-deployment --cli-input-json` shape),
 * written from the Greengrass v2 API reference. The recipe itself is validated against the GDK's own
 * schemas (platform-schemas.ts, schemas/SOURCE.md); AWS publishes the deployment request only as the
 * service model of its SDKs (botocore's greengrassv2 service-2.json), not as a JSON Schema, and that
 * model is not vendored here. Strict objects: a misspelt key fails.
 */
import { z } from 'zod';

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
