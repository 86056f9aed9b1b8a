/**
 * A local OTLP/HTTP receiver standing in for an OpenTelemetry collector: it answers every POST with
 * 200 `{}` and records what arrived (path, content type, body). Loopback, ephemeral port, closed at
 * teardown.
 */
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { Teardown } from './process.ts';

export interface OtlpExport {
  readonly path: string;
  readonly type: string;
  readonly body: Buffer;
}

export interface OtlpCollector {
  /** `http://127.0.0.1:PORT`, for OTEL_EXPORTER_OTLP_ENDPOINT. */
  readonly endpoint: string;
  /** Every export received so far, in order. */
  readonly received: OtlpExport[];
}

export async function startOtlpCollector(t: Teardown): Promise<OtlpCollector> {
  const received: OtlpExport[] = [];
  const server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      received.push({
        path: req.url ?? '',
        type: req.headers['content-type'] ?? '',
        body: Buffer.concat(chunks),
      });
      res.writeHead(200, { 'content-type': 'application/json' }).end('{}');
    });
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  t.teardown(() => new Promise<void>((r) => server.close(() => r())));
  const { port } = server.address() as AddressInfo;
  return { endpoint: `http://127.0.0.1:${port}`, received };
}
