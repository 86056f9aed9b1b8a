import t from 'tap';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { startGatewayProcess } from './harness/gateway-process.ts';

/*
 * Issue 2: with OTEL_EXPORTER_OTLP_ENDPOINT set, the gateway exports its edgegw.* metrics over
 * OTLP/HTTP. A local receiver stands in for the collector and records what arrives.
 */
t.test('OTLP/HTTP export reaches a collector when OTEL_EXPORTER_OTLP_ENDPOINT is set', async (t) => {
  const bodies: { path: string; type: string; body: Buffer }[] = [];
  const collector = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      bodies.push({
        path: req.url ?? '',
        type: req.headers['content-type'] ?? '',
        body: Buffer.concat(chunks),
      });
      res.writeHead(200, { 'content-type': 'application/json' }).end('{}');
    });
  });
  await new Promise<void>((r) => collector.listen(0, '127.0.0.1', r));
  t.teardown(() => new Promise<void>((r) => collector.close(() => r())));
  const { port } = collector.address() as AddressInfo;
  const gw = await startGatewayProcess(t, {
    env: {
      OTEL_EXPORTER_OTLP_ENDPOINT: `http://127.0.0.1:${port}`,
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
