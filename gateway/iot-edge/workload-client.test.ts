import t from 'tap';
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { WorkloadClient } from './workload-client.ts';
import { WorkloadRequestError, WorkloadResponseError } from './errors.ts';

/** A workload API on a unix socket whose answers the test scripts. */
async function serve(
  t: { teardown(fn: () => unknown): void },
  handler: (req: IncomingMessage, body: string, res: ServerResponse) => void,
): Promise<WorkloadClient> {
  const dir = await mkdtemp(join(tmpdir(), 'edgegw-wl-'));
  const sock = join(dir, 'workload.sock');
  const server = createServer((req, res) => {
    let body = '';
    req.on('data', (c: Buffer) => (body += c.toString()));
    req.on('end', () => handler(req, body, res));
  });
  await new Promise<void>((r) => server.listen(sock, r));
  t.teardown(async () => {
    server.closeAllConnections();
    await new Promise<void>((r) => server.close(() => r()));
    await rm(dir, { recursive: true, force: true });
  });
  return new WorkloadClient({
    uri: `unix://${sock}`,
    apiVersion: '2019-01-30',
    moduleId: 'edge gw',
    generationId: 'g/1',
    timeoutMs: 500,
  });
}

t.test('sign: path, query and body as the workload API wants them', async (t) => {
  let seen: { method?: string; url?: string; body?: unknown } = {};
  const wl = await serve(t, (req, body, res) => {
    seen = { method: req.method, url: req.url, body: JSON.parse(body) as unknown };
    res.writeHead(200, { 'content-type': 'application/json' }).end('{"digest":"q+/abc="}');
  });
  t.equal(await wl.sign('a%2Fb\n17'), 'q+/abc=');
  t.same(seen, {
    method: 'POST',
    url: '/modules/edge%20gw/genid/g%2F1/sign?api-version=2019-01-30',
    body: { keyId: 'primary', algo: 'HMACSHA256', data: Buffer.from('a%2Fb\n17').toString('base64') },
  });
});

t.test('bad answers become typed errors, never anything else', async (t) => {
  const cases: Array<[string, (res: ServerResponse) => void, string]> = [
    ['500', (res) => res.writeHead(500).end('{"message":"boom"}'), 'IOTEDGE_WORKLOAD_REQUEST'],
    ['not JSON', (res) => res.writeHead(200).end('<html>'), 'IOTEDGE_WORKLOAD_RESPONSE'],
    ['no digest', (res) => res.writeHead(200).end('{"x":1}'), 'IOTEDGE_WORKLOAD_RESPONSE'],
    ['digest not base64', (res) => res.writeHead(200).end('{"digest":"a b"}'), 'IOTEDGE_WORKLOAD_RESPONSE'],
    ['null body', (res) => res.writeHead(200).end('null'), 'IOTEDGE_WORKLOAD_RESPONSE'],
    ['too large', (res) => res.writeHead(200).end('x'.repeat(2 << 20)), 'IOTEDGE_WORKLOAD_RESPONSE'],
    ['no answer', () => {}, 'IOTEDGE_WORKLOAD_REQUEST'],
  ];
  for (const [name, answer, code] of cases) {
    const wl = await serve(t, (_req, _body, res) => answer(res));
    const err = await wl.sign('x').catch((e: unknown) => e);
    t.ok(err instanceof WorkloadRequestError || err instanceof WorkloadResponseError, name);
    t.equal((err as { code?: string }).code, code, name);
  }
  const missing = new WorkloadClient({
    uri: 'unix:///nonexistent/workload.sock',
    apiVersion: 'v',
    moduleId: 'm',
    generationId: 'g',
  });
  await t.rejects(missing.trustBundle(), { code: 'IOTEDGE_WORKLOAD_REQUEST', message: /ENOENT/ });
});

t.test('trust bundle: the PEM, or a typed error', async (t) => {
  const pem = '-----BEGIN CERTIFICATE-----\nMIIB\n-----END CERTIFICATE-----\n';
  const wl = await serve(t, (req, _b, res) => {
    if (req.url === '/trust-bundle?api-version=2019-01-30')
      res.writeHead(200).end(JSON.stringify({ certificate: pem }));
    else res.writeHead(404).end();
  });
  t.equal(await wl.trustBundle(), pem);
  const bad = await serve(t, (_r, _b, res) => res.writeHead(200).end('{"certificate":"nope"}'));
  await t.rejects(bad.trustBundle(), { code: 'IOTEDGE_WORKLOAD_RESPONSE' });
});
