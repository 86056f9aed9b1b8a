export { createLogger, type Logger } from './logger.ts';
export { startTelemetry, METRIC_PREFIX, type Telemetry, type TelemetryOptions } from './telemetry.ts';
export { registerProcessMetrics } from './process-metrics.ts';
export { registerRtspMetrics, type RtspCameraCounters } from './rtsp-metrics.ts';
export { rpcTelemetry, rpcSemconvFromEnv, RPC_DURATION_BUCKETS_S } from './rpc-telemetry.ts';
export type { RpcCall, RpcSemconv, RpcTelemetryOptions } from './rpc-telemetry.ts';
