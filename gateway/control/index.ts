/**
 * gateway/control: the gRPC control plane (package edgegw.v1), with
 * grpc.health.v1 and server reflection. See README.md.
 */
export { startControlServer } from './control-server.ts';
export type { ControlServer, ControlServerOptions } from './control-server.ts';
export { processNodeInfo, secondsToDuration, durationToSeconds } from './node-info.ts';
export type {
  NodeInfo,
  NodeInfoProvider,
  NodeAddresses,
  StaticNodeInfo,
  GetInfoResponseWire,
  ListenProtocolName,
} from './node-info.ts';
export { allowAll, authInterceptor } from './auth.ts';
export type { AuthDecision, CallAuthorizer, CallInfo } from './auth.ts';
export { bearerTokenAuthorizer, isOpenMethod, OPEN_METHOD_PREFIXES } from './bearer-token.ts';
export { isLoopbackHost, resolveControlSecurity } from './control-security.ts';
export type { ControlAuthOptions, ControlSecurity, ControlTls } from './control-security.ts';
export type { ControlLogger } from './logger.ts';
export {
  CONTROL_PACKAGE,
  HEALTH_SERVICE,
  PROTO_LOADER_OPTIONS,
  loadControlProtos,
  resolveProtoDir,
} from './proto-package.ts';
export type { ControlProtos } from './proto-package.ts';
export { NODE_SERVICE } from './node-service.ts';
export {
  ControlError,
  InvalidAddrError,
  ProtoLoadError,
  BindError,
  InsecureListenError,
  InvalidFieldError,
  NotFoundError,
  StreamExistsError,
  ReadOnlyStreamError,
  SourceProbeError,
  UnimplementedError,
} from './errors.ts';
export type { ProbeFailure } from './errors.ts';
export type { ControlErrorCode } from './errors.ts';
export type {
  StreamRegistry,
  StreamSpec,
  StreamPatch,
  StreamEntry,
  StreamOrigin,
  StreamStatus,
  StreamStateName,
} from './stream-registry.ts';
export { UNKNOWN_STATUS } from './stream-registry.ts';
export type { SessionRegistry, SessionInfo, SessionStateName } from './session-registry.ts';
export type { EventSource, EventFilter, GatewayEvent, GatewayEventKind } from './event-source.ts';
export { matchesFilter } from './event-source.ts';
export { createEventHub } from './event-hub.ts';
export type { EventHub, EventInput } from './event-hub.ts';
export { openMemoryStreamRegistry } from './memory-stream-registry.ts';
export type {
  FixedStream,
  MemoryStreamRegistry,
  MemoryStreamRegistryOptions,
  StreamRegistryListener,
} from './memory-stream-registry.ts';
export { createSessionTable } from './session-table.ts';
export type { SessionTable } from './session-table.ts';
export type { SourceProber, ProbeResult, ProbeTrackInfo } from './source-prober.ts';
export type { MediaStats, StatsProvider, GetStatsResponseWire } from './node-stats.ts';
export { maskSourceUrl, validateSourceUrl, keepMaskedPassword, PASSWORD_MASK } from './source-url.ts';
export { STREAM_SERVICE, PROBE_DEFAULT_TIMEOUT_MS, PROBE_MAX_TIMEOUT_MS } from './stream-service.ts';
export { SESSION_SERVICE } from './session-service.ts';
export { EVENT_SERVICE, DEFAULT_WATCH_BUFFER } from './event-service.ts';
export type { WatchEventsResponseWire } from './event-service.ts';
export type { StreamWire } from './stream-wire.ts';
export { toTimestamp, fromTimestamp } from './wire-time.ts';
export type { TimestampWire } from './wire-time.ts';
export { runCli, runCliProcess, CLI_COMMANDS, CLI_USAGE, CliUsageError } from './cli/index.ts';
export type { CliIo } from './cli/index.ts';
export { callObserverInterceptor, splitMethodPath } from './call-observer.ts';
export type { CallObserver, CallRecord } from './call-observer.ts';
