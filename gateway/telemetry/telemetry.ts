import { NodeSDK, metrics, tracing } from '@opentelemetry/sdk-node';
import { PrometheusExporter, PrometheusSerializer } from '@opentelemetry/exporter-prometheus';
import { OTLPMetricExporter } from '@opentelemetry/exporter-metrics-otlp-http';
import { OTLPTraceExporter } from '@opentelemetry/exporter-trace-otlp-http';
import { resourceFromAttributes } from '@opentelemetry/resources';
import { ATTR_SERVICE_NAME, ATTR_SERVICE_VERSION } from '@opentelemetry/semantic-conventions';
import { metrics as metricsApi, type Meter } from '@opentelemetry/api';

/** Metric names all start with this prefix; Prometheus shows them as `edgegw_*`. */
export const METRIC_PREFIX = 'edgegw.';

export interface TelemetryOptions {
  readonly serviceVersion: string;
  readonly nodeId: string;
  /** Environment to read OTEL_* from (default process.env). */
  readonly env?: NodeJS.ProcessEnv;
}

/** The running OpenTelemetry SDK and the Prometheus text rendering of its metrics. */
export interface Telemetry {
  /** The meter every gateway instrument is created on (names prefixed `edgegw.`). */
  readonly meter: Meter;
  /** True when OTLP export is on (OTEL_EXPORTER_OTLP_ENDPOINT or a signal-specific endpoint set). */
  readonly otlp: boolean;
  /** Renders the current metrics in the Prometheus text exposition format for `GET /metrics`. */
  prometheusText(): Promise<string>;
  shutdown(): Promise<void>;
}

/**
 * Starts the OpenTelemetry NodeSDK: a Prometheus reader whose text the HTTP server serves at
 * `/metrics` (no second port to open on an edge firewall), and OTLP metric and trace export when
 * `OTEL_EXPORTER_OTLP_ENDPOINT` is set (standard OTEL_* variables apply).
 *
 * @example
 * const tel = startTelemetry({ serviceVersion: '0.1.0', nodeId: 'edge-1' });
 * tel.meter.createCounter('edgegw.http.requests').add(1);
 */
export function startTelemetry(opts: TelemetryOptions): Telemetry {
  const env = opts.env ?? process.env;
  const otlpMetrics = Boolean(env.OTEL_EXPORTER_OTLP_ENDPOINT || env.OTEL_EXPORTER_OTLP_METRICS_ENDPOINT);
  const otlpTraces = Boolean(env.OTEL_EXPORTER_OTLP_ENDPOINT || env.OTEL_EXPORTER_OTLP_TRACES_ENDPOINT);
  const prom = new PrometheusExporter({ preventServerStart: true });
  const readers: metrics.MetricReader[] = [prom];
  if (otlpMetrics) {
    // The reader is built here, so the standard interval variables must be read here too.
    const interval = Number(env.OTEL_METRIC_EXPORT_INTERVAL) || 60_000;
    const timeout = Math.min(Number(env.OTEL_METRIC_EXPORT_TIMEOUT) || 30_000, interval);
    readers.push(
      new metrics.PeriodicExportingMetricReader({
        exporter: new OTLPMetricExporter(),
        exportIntervalMillis: interval,
        exportTimeoutMillis: timeout,
      }),
    );
  }
  const sdk = new NodeSDK({
    resource: resourceFromAttributes({
      [ATTR_SERVICE_NAME]: env.OTEL_SERVICE_NAME ?? 'edge-gateway',
      [ATTR_SERVICE_VERSION]: opts.serviceVersion,
      'service.instance.id': opts.nodeId,
    }),
    metricReaders: readers,
    // An empty list (not undefined) keeps the SDK from defaulting to an OTLP exporter on localhost.
    spanProcessors: otlpTraces ? [new tracing.BatchSpanProcessor(new OTLPTraceExporter())] : [],
    // No OTLP log export: logs are pino JSON on stdout, which every edge platform already collects.
    logRecordProcessors: [],
    instrumentations: [],
  });
  sdk.start();
  const serializer = new PrometheusSerializer('', false);
  return {
    meter: metricsApi.getMeter('edge-gateway', opts.serviceVersion),
    otlp: otlpMetrics || otlpTraces,
    async prometheusText() {
      const { resourceMetrics } = await prom.collect();
      return serializer.serialize(resourceMetrics);
    },
    async shutdown() {
      await sdk.shutdown();
    },
  };
}
