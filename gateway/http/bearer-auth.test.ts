import t from 'tap';
import { createHttpApp, type WhepBackend } from './index.ts';

/** A backend that accepts any offer: what is under test is the auth in front of it. */
function backend(): WhepBackend & { created: number } {
  const b = {
    created: 0,
    async createSession() {
      b.created++;
      return { id: `s${b.created}`, answer: 'v=0\r\n', etag: '"1"' };
    },
    deleteSession: () => true,
    patchSession: () => true,
    iceServers: () => [],
  };
  return b;
}

function app(tokens: { whepToken?: string; whipToken?: string }) {
  const whep = backend();
  const whip = backend();
  const a = createHttpApp({
    live: () => true,
    ready: () => ({ ready: true, reasons: [] }),
    metrics: async () => '',
    version: 'test',
    nodeId: 'n1',
    whep,
    whip,
    ...tokens,
  });
  return { a, whep, whip };
}

const req = (a: ReturnType<typeof app>['a'], method: string, path: string, auth?: string) =>
  a.request(path, {
    method,
    body:
      method === 'POST'
        ? 'v=0\r\n'
        : method === 'PATCH'
          ? 'a=candidate:1 1 udp 1 127.0.0.1 9 typ host'
          : null,
    headers: {
      origin: 'http://player.example',
      'content-type': method === 'PATCH' ? 'application/trickle-ice-sdpfrag' : 'application/sdp',
      ...(auth ? { authorization: auth } : {}),
    },
  });

t.test('WHEP token: POST/PATCH/DELETE need it, 401 with WWW-Authenticate otherwise', async (t) => {
  const { a, whep } = app({ whepToken: 's3cret-viewer' });
  const none = await req(a, 'POST', '/whep/demo');
  t.equal(none.status, 401);
  t.equal(none.headers.get('www-authenticate'), 'Bearer');
  t.equal(none.headers.get('access-control-allow-origin'), '*', 'the player can read the 401');
  t.match(await none.json(), { status: 401, detail: /required/ });
  const wrong = await req(a, 'POST', '/whep/demo', 'Bearer s3cret-viewe');
  t.equal(wrong.status, 401);
  t.equal(wrong.headers.get('www-authenticate'), 'Bearer error="invalid_token"');
  for (const bad of [
    'Basic czNjcmV0LXZpZXdlcg==',
    's3cret-viewer',
    'Bearer',
    'Bearer s3cret-viewer x',
    'Bearer s3cret-viewerX',
  ]) {
    t.equal((await req(a, 'POST', '/whep/demo', bad)).status, 401, `refused: ${bad}`);
  }
  t.equal(whep.created, 0, 'the backend never saw a refused request');
  t.equal((await req(a, 'POST', '/whep/demo', 'Bearer s3cret-viewer')).status, 201);
  t.equal(
    (await req(a, 'POST', '/whep/demo', 'bearer  s3cret-viewer ')).status,
    201,
    'scheme is case-insensitive',
  );
  t.equal((await req(a, 'PATCH', '/whep/demo/s1')).status, 401);
  t.equal((await req(a, 'PATCH', '/whep/demo/s1', 'Bearer s3cret-viewer')).status, 204);
  t.equal((await req(a, 'DELETE', '/whep/demo/s1')).status, 401);
  t.equal((await req(a, 'DELETE', '/whep/demo/s1', 'Bearer s3cret-viewer')).status, 200);
  const pre = await a.request('/whep/demo', {
    method: 'OPTIONS',
    headers: { origin: 'http://player.example', 'access-control-request-method': 'POST' },
  });
  t.equal(pre.status, 204, 'CORS preflight stays open (browsers send it without credentials)');
  t.match(pre.headers.get('access-control-allow-headers') ?? '', /Authorization/i);
});

t.test('tokens are per endpoint', async (t) => {
  const { a } = app({ whipToken: 'publisher-token' });
  t.equal((await req(a, 'POST', '/whep/demo')).status, 201, 'WHEP open when only WHIP has a token');
  t.equal((await req(a, 'POST', '/whip/cam')).status, 401);
  t.equal((await req(a, 'POST', '/whip/cam', 'Bearer publisher-token')).status, 201);
  const both = app({ whepToken: 'v', whipToken: 'p' }).a;
  t.equal((await req(both, 'POST', '/whep/demo', 'Bearer p')).status, 401, "WHIP's token does not open WHEP");
  t.equal((await req(both, 'POST', '/whip/cam', 'Bearer v')).status, 401, "WHEP's token does not open WHIP");
  t.equal((await req(both, 'POST', '/whep/demo', 'Bearer v')).status, 201);
});

t.test('no token configured: open as before', async (t) => {
  const { a } = app({});
  t.equal((await req(a, 'POST', '/whep/demo')).status, 201);
  t.equal((await req(a, 'POST', '/whip/cam')).status, 201);
});
