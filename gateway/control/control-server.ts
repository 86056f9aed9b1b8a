import * as grpc from '@grpc/grpc-js';
import { ReflectionService } from '@grpc/reflection';
import { authInterceptor } from './auth.ts';
import { callObserverInterceptor } from './call-observer.ts';
import type { CallObserver } from './call-observer.ts';
import type { CallAuthorizer } from './auth.ts';
import { isLoopbackHost, resolveControlSecurity } from './control-security.ts';
import type { ControlAuthOptions } from './control-security.ts';
import { BindError, InvalidAddrError } from './errors.ts';
import { formatListenAddr, parseListenAddr, ListenAddrError, type ListenAddr } from '../config/index.ts';
import type { ControlLogger } from './logger.ts';
import type { NodeInfoProvider } from './node-info.ts';
import { EVENT_SERVICE, eventServiceHandlers } from './event-service.ts';
import type { EventSource } from './event-source.ts';
import { NODE_SERVICE, nodeServiceHandlers } from './node-service.ts';
import type { MediaStats, StatsProvider } from './node-stats.ts';
import type { SessionRegistry } from './session-registry.ts';
import { SESSION_SERVICE, sessionServiceHandlers } from './session-service.ts';
import type { SourceProber } from './source-prober.ts';
import type { StreamRegistry } from './stream-registry.ts';
import { STREAM_SERVICE, streamServiceHandlers } from './stream-service.ts';
import { HEALTH_SERVICE, loadControlProtos, serviceDefinition } from './proto-package.ts';
import { withFileDependencies } from './reflection-descriptors.ts';
import { createServingHealth } from './serving-health.ts';
import { createStreamDrain } from './stream-drain.ts';

/** Options of {@link startControlServer}. */
export interface ControlServerOptions {
  /** Listen address `host:port` (`[v6]:port`); port 0 picks an ephemeral port. */
  readonly addr: string;
  /** Supplies NodeService.GetInfo's data, called per request. */
  readonly node: NodeInfoProvider;
  /** pino-compatible logger. */
  readonly logger: ControlLogger;
  /**
   * Bearer token, TLS/mTLS, and the explicit `insecure` opt-out. Off loopback, with neither a
   * token, nor mTLS, nor a custom `authorize`, the server refuses to start
   * ({@link InsecureListenError}) unless `auth.insecure` is true (then it warns).
   */
  readonly auth?: ControlAuthOptions;
  /** Per-call auth decision (the auth seam, see auth.ts), combined with `auth.token`. Default: allow. */
  readonly authorize?: CallAuthorizer;
  /** Transport credentials, used when `auth.tls` is not set. Default: insecure (plaintext HTTP/2). */
  readonly credentials?: grpc.ServerCredentials;
  /** Serves StreamService over it (and ListStreams counts for GetStats). */
  readonly streams?: StreamRegistry;
  /** Answers StreamService.ProbeSource; without it ProbeSource is UNIMPLEMENTED. */
  readonly prober?: SourceProber;
  /** Serves SessionService over it. */
  readonly sessions?: SessionRegistry;
  /** Serves EventService.WatchEvents from it. */
  readonly events?: EventSource;
  /** Events buffered per WatchEvents client before the oldest are dropped. Default 256. */
  readonly watchBuffer?: number;
  /**
   * Media figures of NodeService.GetStats. Default: counted from `streams` (online = state
   * online) and `sessions`, bytes summed from their entries.
   */
  readonly stats?: StatsProvider;
  /**
   * Told about every call when it ends (service, method, status, duration, peer): the hook for
   * RPC metrics and traces (OpenTelemetry rpc conventions) in gateway/telemetry.
   */
  readonly observeCalls?: CallObserver;
  /** Directory holding `edgegw/v1/*.proto`. Default: {@link resolveProtoDir}. */
  readonly protoDir?: string;
  /** Aborting it closes the server (with the default grace). */
  readonly signal?: AbortSignal;
  /** Default grace period of `close()`, in ms. Default 5000. */
  readonly closeGraceMs?: number;
}

/** A running control server. */
export interface ControlServer {
  /** The bound address, `host:port`, with the real port when 0 was asked for. */
  readonly address: string;
  /**
   * Switches grpc.health.v1 between SERVING and NOT_SERVING for "" and every
   * edgegw.v1 service. Call `setServing(false)` first on shutdown, drain, then close().
   */
  setServing(serving: boolean): void;
  /**
   * Stops the server: health goes NOT_SERVING, no new calls are accepted, open
   * response streams (health Watch) end with UNAVAILABLE, in-flight unary calls
   * get `graceMs` to finish, then every connection is cut. Idempotent; resolves
   * when the port is released.
   */
  close(graceMs?: number): Promise<void>;
}

/** The edgegw.v1 services this server implements, by fully-qualified name. */
type Implementations = Record<string, grpc.UntypedServiceImplementation>;

/**
 * Starts the gRPC control plane: edgegw.v1 services, grpc.health.v1 and server
 * reflection (v1 and v1alpha) on one port.
 *
 * @throws InvalidAddrError for a malformed `addr`, InsecureListenError off loopback
 *   without auth, ProtoLoadError when the protos cannot be found or parsed, BindError when
 *   the address cannot be bound.
 *
 * @example
 * const control = await startControlServer({
 *   addr: '127.0.0.1:50051',
 *   node: processNodeInfo({ version: '0.1.0', nodeId: 'n1', addresses: {}, capabilities: [] }),
 *   logger: pino(),
 * });
 * // on SIGTERM:
 * control.setServing(false);
 * await control.close(3000);
 */
export async function startControlServer(opts: ControlServerOptions): Promise<ControlServer> {
  let listen: ListenAddr;
  try {
    listen = parseListenAddr(opts.addr);
  } catch (err) {
    if (err instanceof ListenAddrError) throw new InvalidAddrError(err.value, err.reason);
    throw err;
  }
  const { logger } = opts;
  // Before anything is loaded or bound: an unauthenticated off-loopback listener never starts.
  const security = resolveControlSecurity(listen.host, opts.addr, opts.auth ?? {}, {
    authorize: opts.authorize,
    credentials: opts.credentials,
  });
  const protos = loadControlProtos(opts.protoDir);

  let address = formatListenAddr(listen);
  const stats = opts.stats ?? registryStats(opts.streams, opts.sessions);
  const implementations: Implementations = {
    [NODE_SERVICE]: nodeServiceHandlers(opts.node, () => address, logger, stats),
  };
  if (opts.streams !== undefined)
    implementations[STREAM_SERVICE] = streamServiceHandlers(opts.streams, opts.prober, logger);
  if (opts.sessions !== undefined)
    implementations[SESSION_SERVICE] = sessionServiceHandlers(opts.sessions, logger);
  const watchers =
    opts.events === undefined ? undefined : eventServiceHandlers(opts.events, logger, opts.watchBuffer);
  if (watchers !== undefined) implementations[EVENT_SERVICE] = watchers.handlers;
  for (const name of protos.serviceNames) {
    if (!(name in implementations))
      logger.info({ service: name }, 'service defined in protos but nothing to serve it with; not served');
  }
  const served = Object.keys(implementations).sort();

  const drain = createStreamDrain();
  // Interceptors run in order for each call: the observer times everything (refusals too),
  // auth decides, the drain only tracks response streams.
  const server = new grpc.Server({
    interceptors: [
      ...(opts.observeCalls === undefined ? [] : [callObserverInterceptor(opts.observeCalls)]),
      authInterceptor(security.authorize, logger),
      drain.interceptor,
    ],
  });
  for (const name of served) {
    const impl = implementations[name];
    if (impl !== undefined) server.addService(serviceDefinition(protos, name), impl);
  }
  const health = createServingHealth(served);
  health.addToServer(server);
  // withFileDependencies: so grpcurl can follow imports (see reflection-descriptors.ts).
  new ReflectionService(withFileDependencies(protos.packageDefinition), {
    services: [...served, HEALTH_SERVICE],
  }).addToServer(server);

  const credentials = security.credentials;
  let port: number;
  try {
    port = await new Promise<number>((resolve, reject) => {
      server.bindAsync(address, credentials, (err, p) => (err ? reject(err) : resolve(p)));
    });
  } catch (cause) {
    server.forceShutdown();
    throw new BindError(opts.addr, { cause });
  }
  address = formatListenAddr({ host: listen.host, port });
  health.setServing(true);

  if (security.unauthenticated && !isLoopbackHost(listen.host)) {
    // Only reachable with auth.insecure: true (resolveControlSecurity refuses otherwise).
    logger.warn(
      { address },
      'INSECURE: gRPC control plane listens off loopback with no auth (grpc.insecure is set); ' +
        'anyone who reaches this port can change streams and kick viewers',
    );
  }
  logger.info({ address, services: served, ...security.mode }, 'gRPC control plane listening');

  let closing: Promise<void> | undefined;
  let detachSignal = (): void => {};
  const defaultGrace = opts.closeGraceMs ?? 5000;
  const close = (graceMs: number = defaultGrace): Promise<void> => {
    closing ??= new Promise<void>((resolve) => {
      detachSignal();
      health.setServing(false);
      const timer = setTimeout(() => {
        logger.warn({ address, graceMs }, 'gRPC calls still open after grace; forcing shutdown');
        server.forceShutdown();
      }, graceMs);
      timer.unref();
      server.tryShutdown(() => {
        clearTimeout(timer);
        logger.info({ address }, 'gRPC control plane closed');
        resolve();
      });
      // After NOT_SERVING was written to them: watch streams never end on their own.
      watchers?.closeAll();
      drain.endAll('server shutting down');
    });
    return closing;
  };

  if (opts.signal !== undefined) {
    const signal = opts.signal;
    const onAbort = (): void => void close();
    if (signal.aborted) onAbort();
    else {
      signal.addEventListener('abort', onAbort, { once: true });
      detachSignal = () => signal.removeEventListener('abort', onAbort);
    }
  }

  return {
    address,
    setServing(serving) {
      if (closing === undefined) health.setServing(serving);
    },
    close,
  };
}

/** GetStats's media figures counted from the registries (zero for one that is absent). */
function registryStats(streams?: StreamRegistry, sessions?: SessionRegistry): StatsProvider {
  return async (): Promise<MediaStats> => {
    const s = streams === undefined ? [] : await streams.list();
    const v = sessions === undefined ? [] : await sessions.list();
    return {
      streams: s.length,
      streamsOnline: s.filter((e) => e.status.state === 'online').length,
      viewers: v.length,
      bytesIn: s.reduce((n, e) => n + e.status.bytesIn, 0),
      bytesOut: v.reduce((n, e) => n + e.bytesSent, 0),
    };
  };
}
