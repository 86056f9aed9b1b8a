export { loadConfig, type LoadedConfig, type LoadOptions } from './load.ts';
export { configSchema, type Config, type ConfigInput } from './schema.ts';
export { ENV_KEYS, ENV_CONFIG_FILE, type EnvName } from './env.ts';
export { parseListenAddr, formatListenAddr, isWildcard, type ListenAddr } from './listen-addr.ts';
export { advertisedIps } from './advertised-ips.ts';
export { ConfigError, ConfigFileError, ListenAddrError } from './errors.ts';
export { readGrpcAuth, type GrpcAuthMaterial } from './grpc-auth.ts';
export {
  createStateStore,
  type StateStore,
  type StateStoreOptions,
  type StateLoadResult,
  type StateLogger,
} from './state-store.ts';
export {
  openRuntimeState,
  runtimeStateSchema,
  storedStreamSchema,
  RUNTIME_STATE_VERSION,
  RTSP_TRANSPORTS,
  STREAM_NAME_PATTERN,
  type RuntimeState,
  type StoredStream,
  type RtspTransport,
} from './runtime-state.ts';
export {
  StateError,
  StateCorruptError,
  StateVersionError,
  StateIoError,
  type StateErrorCode,
} from './errors.ts';
