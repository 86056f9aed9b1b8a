import { applyDesiredUpdate, type DesiredState } from './desired-document.ts';
import { DesiredStreams } from './desired-streams.ts';
import type { EdgeModuleEnv } from './edge-env.ts';
import { formatSasToken, moduleResourceUri, stringToSign, type SasToken } from './sas-token.ts';
import { ModuleTwinClient } from './twin-client.ts';
import { WorkloadClient } from './workload-client.ts';
import type { StreamRegistry } from '../control/index.ts';

/** What the module twin logs through (pino's shape). */
export interface TwinLogger {
  info(obj: object, msg: string): void;
  warn(obj: object, msg: string): void;
  error(obj: object, msg: string): void;
  debug(obj: object, msg: string): void;
}

/** Options of {@link startModuleTwin}. */
export interface ModuleTwinOptions {
  readonly env: EdgeModuleEnv;
  /** The registry gRPC StreamService uses. */
  readonly registry: StreamRegistry;
  /** On-demand flags of runtime streams, read when a runtime source starts. */
  readonly onDemand: Map<string, boolean>;
  readonly logger: TwinLogger;
  /** SAS token lifetime (default 3600 s). */
  readonly tokenTtlSeconds?: number;
  /** Renew this long before expiry (default: a fifth of the lifetime). */
  readonly renewMarginSeconds?: number;
  /** Between attempts when the workload API or edgeHub fails (default 5 s). */
  readonly retryMs?: number;
}

/** The running twin: what it applied last, and how to stop it. */
export interface ModuleTwin {
  /** `$version` of the desired properties last applied (undefined before the first twin). */
  readonly desiredVersion: number | undefined;
  /** Stops the client; the streams it applied stay (they persist like gRPC-added ones). */
  close(): Promise<void>;
}

/**
 * Makes the module twin configure streams: the workload API signs SAS tokens and gives the edge CA,
 * the twin client connects to edgeHub, the whole twin and each desired patch are applied in
 * `$version` order through the stream registry, and what was applied is reported back. Failures
 * (workload API down, edgeHub not up yet) are logged and retried; nothing here throws past it.
 *
 * @example
 * const edge = readEdgeEnv(process.env);
 * const twin = edge && startModuleTwin({ env: edge, registry: fleet.streams, onDemand: fleet.runtimeOnDemand, logger });
 * await twin?.close();
 */
export function startModuleTwin(opts: ModuleTwinOptions): ModuleTwin {
  const { env, logger } = opts;
  const workload = new WorkloadClient({
    uri: env.workloadUri,
    apiVersion: env.apiVersion,
    moduleId: env.moduleId,
    generationId: env.generationId,
  });
  const resource = moduleResourceUri(env.iothubHostname, env.deviceId, env.moduleId);
  const ttl = opts.tokenTtlSeconds ?? 3600;
  const token = async (): Promise<SasToken> => {
    const expiry = Math.floor(Date.now() / 1000) + ttl;
    const signature = await workload.sign(stringToSign(resource, expiry));
    return { token: formatSasToken(resource, signature, expiry), expiry };
  };
  const streams = new DesiredStreams({ registry: opts.registry, onDemand: opts.onDemand, logger });
  let held: DesiredState | undefined;
  let chain: Promise<unknown> = Promise.resolve();
  let client: ModuleTwinClient | undefined;
  let closed = false;
  let retry: NodeJS.Timeout | undefined;
  const host = env.gatewayHostname ?? env.iothubHostname;

  const applyHeld = async (state: DesiredState): Promise<void> => {
    const reported = await streams.apply(state);
    try {
      await client?.patchReported(reported);
    } catch (err) {
      logger.warn({ err, desiredVersion: state.version }, 'twin: reporting applied streams failed');
    }
  };
  const serial = (fn: () => Promise<void>): void => {
    chain = chain
      .then(fn)
      .catch((err: unknown) => logger.error({ err }, 'twin: applying desired properties failed'));
  };
  const onUpdate = (update: unknown, full: boolean, reported?: unknown): void =>
    serial(async () => {
      if (closed) return;
      if (full) streams.adoptReported(reported);
      const r = applyDesiredUpdate(held, update, full);
      switch (r.kind) {
        case 'replaced':
        case 'merged':
          held = r.state;
          logger.info({ desiredVersion: r.state.version, full }, 'twin: applying desired properties');
          await applyHeld(r.state);
          return;
        case 'stale':
          logger.info(
            { desiredVersion: r.version, held: held?.version },
            'twin: stale desired properties ignored',
          );
          return;
        case 'gap':
          logger.info(
            { desiredVersion: r.version, held: held?.version },
            'twin: desired patch after a missed one; getting the whole twin',
          );
          void client?.refresh().catch((err: unknown) => logger.warn({ err }, 'twin: get twin failed'));
          return;
        case 'invalid':
          logger.warn({ full }, 'twin: desired properties without a numeric $version ignored');
      }
    });

  const start = async (): Promise<void> => {
    try {
      const ca = await workload.trustBundle();
      if (closed) return;
      client = await ModuleTwinClient.start({
        host,
        port: env.mqttPort,
        ca,
        hubHostname: env.iothubHostname,
        deviceId: env.deviceId,
        moduleId: env.moduleId,
        token,
        ...(opts.renewMarginSeconds === undefined ? {} : { renewMarginSeconds: opts.renewMarginSeconds }),
        reconnectMs: opts.retryMs ?? 5000,
        onConnect: () =>
          logger.info(
            { host, port: env.mqttPort, module: `${env.deviceId}/${env.moduleId}` },
            'twin: connected to edgeHub',
          ),
        onError: (err) => logger.warn({ err }, 'twin: edgeHub connection problem'),
        onTwin: (twin) => onUpdate(twin.desired, true, twin.reported),
        onDesiredPatch: (patch) => onUpdate(patch, false),
      });
      if (closed) await client.close();
    } catch (err) {
      if (closed) return;
      logger.warn({ err, retryMs: opts.retryMs ?? 5000 }, 'twin: cannot start (workload API); retrying');
      retry = setTimeout(() => void start(), opts.retryMs ?? 5000);
      retry.unref();
    }
  };
  void start();
  return {
    get desiredVersion() {
      return held?.version;
    },
    async close() {
      if (closed) return;
      closed = true;
      clearTimeout(retry);
      await client?.close();
      await chain;
    },
  };
}
