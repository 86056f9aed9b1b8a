/**
 * Environment variables and the config keys they set. This table is public interface: manifests
 * (Greengrass, IoT Edge, k3s) and fleet tooling depend on the names, so extend it, never rename.
 */
export const ENV_KEYS = {
  EDGEGW_NODE_ID: { key: 'nodeId', kind: 'string' },
  EDGEGW_HTTP_ADDR: { key: 'http.addr', kind: 'string' },
  EDGEGW_WHEP_TOKEN: { key: 'http.whepToken', kind: 'string' },
  EDGEGW_WHIP_TOKEN: { key: 'http.whipToken', kind: 'string' },
  EDGEGW_GRPC_ADDR: { key: 'grpc.addr', kind: 'string' },
  EDGEGW_GRPC_TOKEN: { key: 'grpc.token', kind: 'string' },
  EDGEGW_GRPC_TOKEN_FILE: { key: 'grpc.tokenFile', kind: 'string' },
  EDGEGW_GRPC_TLS_CERT: { key: 'grpc.tls.cert', kind: 'string' },
  EDGEGW_GRPC_TLS_KEY: { key: 'grpc.tls.key', kind: 'string' },
  EDGEGW_GRPC_TLS_CLIENT_CA: { key: 'grpc.tls.clientCa', kind: 'string' },
  EDGEGW_GRPC_INSECURE: { key: 'grpc.insecure', kind: 'bool' },
  EDGEGW_WEBRTC_ADDR: { key: 'webrtc.addr', kind: 'string' },
  EDGEGW_WEBRTC_PUBLIC_IPS: { key: 'webrtc.publicIps', kind: 'list' },
  EDGEGW_WEBRTC_LANES: { key: 'webrtc.lanes', kind: 'bool' },
  EDGEGW_DATA_DIR: { key: 'dataDir', kind: 'string' },
  EDGEGW_NATS_URL: { key: 'nats.url', kind: 'string' },
  EDGEGW_LOG_LEVEL: { key: 'log.level', kind: 'string' },
  EDGEGW_DEMO: { key: 'demo.enabled', kind: 'bool' },
} as const satisfies Record<string, { key: string; kind: 'string' | 'list' | 'bool' }>;

export type EnvName = keyof typeof ENV_KEYS;

/** The config file path variable (`--config FILE` wins over it). */
export const ENV_CONFIG_FILE = 'EDGEGW_CONFIG';

const TRUE = new Set(['1', 'true', 'yes', 'on']);
const FALSE = new Set(['0', 'false', 'no', 'off']);

/** Parses a boolean env value; anything unrecognised stays a string so the schema reports it. */
export function envBool(v: string): boolean | string {
  const s = v.trim().toLowerCase();
  if (TRUE.has(s)) return true;
  if (FALSE.has(s)) return false;
  return v;
}

/** Splits a comma- or space-separated list, dropping empty items. */
export function envList(v: string): string[] {
  return v
    .split(/[,\s]+/)
    .map((s) => s.trim())
    .filter((s) => s.length > 0);
}
