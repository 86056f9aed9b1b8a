/**
 * What `NodeService.GetInfo` reports, as the gateway supplies it, and its
 * mapping to the edgegw.v1 wire shape (proto-loader objects, camelCase).
 */

/** The node's listening addresses, `host:port` each; omit a protocol that is off. */
export interface NodeAddresses {
  readonly http?: string;
  /** When omitted, the control server fills in the address it actually bound. */
  readonly grpc?: string;
  readonly webrtc?: string;
}

/** The data behind `NodeService.GetInfo`. */
export interface NodeInfo {
  /** Gateway version, e.g. package.json's "0.1.0". */
  readonly version: string;
  /** Stable node identifier, unique within a fleet. */
  readonly nodeId: string;
  /** `process.arch`: "x64", "arm64", "riscv64". */
  readonly arch: string;
  /** `process.platform`: "linux". */
  readonly platform: string;
  /** Seconds since the process started, fractional (like `process.uptime()`). */
  readonly uptimeSeconds: number;
  readonly addresses: NodeAddresses;
  /** Feature names, lower_snake_case ("whep", "rtsp_ingest"). */
  readonly capabilities: readonly string[];
}

/**
 * Called on every GetInfo, so it can report live values (uptime, addresses that
 * are known only after binding). May be async; a throw or rejection becomes an
 * INTERNAL status for that call and an error log line, nothing more.
 */
export type NodeInfoProvider = () => NodeInfo | Promise<NodeInfo>;

/** The static part of {@link NodeInfo}; the rest comes from `process`. */
export type StaticNodeInfo = Pick<NodeInfo, 'version' | 'nodeId' | 'addresses' | 'capabilities'>;

/**
 * A provider that takes arch, platform and uptime from the running process.
 *
 * @example
 * const node = processNodeInfo({ version: '0.1.0', nodeId: 'cam-hub-7',
 *   addresses: { http: '0.0.0.0:8080', webrtc: '0.0.0.0:8189' }, capabilities: ['whep'] });
 */
export function processNodeInfo(
  info: StaticNodeInfo | (() => StaticNodeInfo),
  proc: Pick<NodeJS.Process, 'arch' | 'platform' | 'uptime'> = process,
): NodeInfoProvider {
  return () => ({
    ...(typeof info === 'function' ? info() : info),
    arch: proc.arch,
    platform: proc.platform,
    uptimeSeconds: proc.uptime(),
  });
}

/** edgegw.v1.ListenProtocol value names (enums: String). */
export type ListenProtocolName =
  | 'LISTEN_PROTOCOL_UNSPECIFIED'
  | 'LISTEN_PROTOCOL_HTTP'
  | 'LISTEN_PROTOCOL_GRPC'
  | 'LISTEN_PROTOCOL_WEBRTC_UDP';

/** google.protobuf.Duration as proto-loader reads (`seconds` a string) or writes it. */
export interface DurationWire {
  seconds: string | number;
  nanos: number;
}

/** edgegw.v1.GetInfoResponse as proto-loader objects (keepCase false). */
export interface GetInfoResponseWire {
  version: string;
  nodeId: string;
  arch: string;
  platform: string;
  uptime: DurationWire;
  listenAddresses: { protocol: ListenProtocolName; address: string }[];
  capabilities: string[];
}

/** edgegw.v1.GetInfoRequest: empty today. */
export type GetInfoRequestWire = Record<string, never>;

/**
 * Seconds (fractional) to google.protobuf.Duration. Negative, NaN or infinite
 * input is clamped to zero: uptime cannot be negative, and a Duration's seconds
 * and nanos must share a sign.
 */
export function secondsToDuration(seconds: number): { seconds: number; nanos: number } {
  if (!Number.isFinite(seconds) || seconds <= 0) return { seconds: 0, nanos: 0 };
  let whole = Math.floor(seconds);
  let nanos = Math.round((seconds - whole) * 1e9);
  if (nanos >= 1e9) {
    whole += 1;
    nanos -= 1e9;
  }
  return { seconds: whole, nanos };
}

/** google.protobuf.Duration to fractional seconds. */
export function durationToSeconds(d: DurationWire): number {
  return Number(d.seconds) + d.nanos / 1e9;
}

const PROTOCOLS: readonly [keyof NodeAddresses, ListenProtocolName][] = [
  ['http', 'LISTEN_PROTOCOL_HTTP'],
  ['grpc', 'LISTEN_PROTOCOL_GRPC'],
  ['webrtc', 'LISTEN_PROTOCOL_WEBRTC_UDP'],
];

/**
 * Maps {@link NodeInfo} to the GetInfoResponse wire object. `boundGrpcAddr`
 * stands in for `addresses.grpc` when the provider leaves it out.
 */
export function toGetInfoResponse(info: NodeInfo, boundGrpcAddr?: string): GetInfoResponseWire {
  const addresses: NodeAddresses = { ...info.addresses, grpc: info.addresses.grpc ?? boundGrpcAddr };
  const listenAddresses: GetInfoResponseWire['listenAddresses'] = [];
  for (const [key, protocol] of PROTOCOLS) {
    const address = addresses[key];
    if (address !== undefined && address !== '') listenAddresses.push({ protocol, address });
  }
  return {
    version: info.version,
    nodeId: info.nodeId,
    arch: info.arch,
    platform: info.platform,
    uptime: secondsToDuration(info.uptimeSeconds),
    listenAddresses,
    capabilities: [...info.capabilities],
  };
}
