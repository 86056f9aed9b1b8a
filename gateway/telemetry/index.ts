export { createLogger, type Logger } from './logger.ts';
export { startTelemetry, METRIC_PREFIX, type Telemetry, type TelemetryOptions } from './telemetry.ts';
export { registerProcessMetrics } from './process-metrics.ts';
export { registerRtspMetrics, type RtspCameraCounters } from './rtsp-metrics.ts';
