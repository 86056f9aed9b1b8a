import t from 'tap';
import { createHttpApp, startHttpServer, type HttpDeps } from './index.ts';

function deps(over: Partial<HttpDeps> = {}): HttpDeps {
  return {
    live: () => true,
    ready: () => ({ ready: true, reasons: [] }),
    metrics: async () => '# HELP edgegw_x x\nedgegw_x 1\n',
    version: '1.2.3',
    nodeId: 'node-<1>',
    ...over,
  };
}

t.test('probes answer 200 when alive and ready, 503 otherwise', async (t) => {
  let ready = true;
  const app = createHttpApp(deps({ ready: () => ({ ready, reasons: ready ? [] : ['draining'] }) }));
  t.equal((await app.request('/healthz')).status, 200);
  t.equal((await app.request('/readyz')).status, 200);
  ready = false;
  const r = await app.request('/readyz');
  t.equal(r.status, 503);
  t.same(await r.json(), { status: 'not ready', reasons: ['draining'] });
  t.equal((await createHttpApp(deps({ live: () => false })).request('/healthz')).status, 503);
});

t.test('/metrics is Prometheus text', async (t) => {
  const r = await createHttpApp(deps()).request('/metrics');
  t.equal(r.status, 200);
  t.match(r.headers.get('content-type'), /^text\/plain; version=0\.0\.4/);
  t.match(await r.text(), /^edgegw_x 1$/m);
});

t.test('GET /api/streams lists what the gateway serves, CORS open', async (t) => {
  const app = createHttpApp(
    deps({
      streams: () => [
        {
          name: 'demo',
          video: { codec: 'H264', width: 640, height: 360, fps: 30 },
          audio: undefined,
          bitrate: 800000,
          viewers: 2,
        },
      ],
    }),
  );
  const r = await app.request('/api/streams', { headers: { origin: 'http://elsewhere' } });
  t.equal(r.headers.get('access-control-allow-origin'), '*');
  t.same(await r.json(), {
    streams: [
      {
        name: 'demo',
        video: { codec: 'H264', width: 640, height: 360, fps: 30 },
        bitrate: 800000,
        viewers: 2,
      },
    ],
  });
  t.same(await (await createHttpApp(deps()).request('/api/streams')).json(), { streams: [] });
});

t.test('root page is the player and escapes what it shows', async (t) => {
  const html = await (await createHttpApp(deps()).request('/')).text();
  t.match(html, /fetch\('\/api\/streams'\)/);
  t.match(html, /'\/whep\/'/);
  t.match(html, /node-&#60;1&#62;/);
  t.notMatch(html, /node-<1>/);
});

t.test('a real server binds an ephemeral port, serves, and closes', async (t) => {
  const srv = await startHttpServer(createHttpApp(deps()), '127.0.0.1', 0);
  t.match(srv.address, /^127\.0\.0\.1:\d+$/);
  const res = await fetch(`http://${srv.address}/healthz`);
  t.same(await res.json(), { status: 'ok' });
  await srv.close();
  await t.rejects(fetch(`http://${srv.address}/healthz`));
});

t.test('a port in use is an HttpListenError naming the address', async (t) => {
  const a = await startHttpServer(createHttpApp(deps()), '127.0.0.1', 0);
  t.teardown(() => a.close());
  await t.rejects(startHttpServer(createHttpApp(deps()), '127.0.0.1', a.port), {
    code: 'HTTP_LISTEN',
    message: new RegExp(`cannot listen for HTTP on 127\\.0\\.0\\.1:${a.port}`),
  });
});
