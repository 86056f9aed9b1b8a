import t from 'tap';
import { startGatewayProcess } from './harness/gateway-process.ts';
import { startOtlpCollector } from './harness/otlp-collector.ts';

/*
 * Issue 2: with OTEL_EXPORTER_OTLP_ENDPOINT set, the gateway exports its edgegw.* metrics over
 * OTLP/HTTP. A local receiver stands in for the collector and records what arrives.
 */
t.test('OTLP/HTTP export reaches a collector when OTEL_EXPORTER_OTLP_ENDPOINT is set', async (t) => {
  const collector = await startOtlpCollector(t);
  const bodies = collector.received;
  const gw = await startGatewayProcess(t, {
    env: {
      OTEL_EXPORTER_OTLP_ENDPOINT: collector.endpoint,
      OTEL_METRIC_EXPORT_INTERVAL: '500',
    },
  });
  const deadline = Date.now() + 10_000;
  while (!bodies.some((b) => b.path === '/v1/metrics') && Date.now() < deadline) {
    await new Promise((r) => setTimeout(r, 100));
  }
  const metrics = bodies.find((b) => b.path === '/v1/metrics');
  t.ok(metrics, 'a POST /v1/metrics arrived', {
    got: bodies.map((b) => b.path),
    stderr: gw.stderr().slice(-20),
  });
  const text = metrics?.body.toString('utf8') ?? '';
  t.match(text, /edgegw\.process\.uptime/, 'with the gateway’s metrics');
  t.match(text, /edge-gateway/, 'and its service name');
  await gw.stop();
});
