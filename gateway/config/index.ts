export { loadConfig, type LoadedConfig, type LoadOptions } from './load.ts';
export { configSchema, type Config, type ConfigInput } from './schema.ts';
export { ENV_KEYS, ENV_CONFIG_FILE, type EnvName } from './env.ts';
export { parseListenAddr, formatListenAddr, isWildcard, type ListenAddr } from './listen-addr.ts';
export { advertisedIps } from './advertised-ips.ts';
export { ConfigError, ConfigFileError, ListenAddrError } from './errors.ts';
export { readGrpcAuth, type GrpcAuthMaterial } from './grpc-auth.ts';
