import t from 'tap';
import { Hono } from 'hono';
import { mountWhep, type WhepBackend } from './index.ts';

class CodeError extends Error {
  constructor(
    readonly code: string,
    message: string,
  ) {
    super(message);
  }
}

function backend(): WhepBackend & { sessions: Map<string, string>; patches: string[] } {
  const sessions = new Map<string, string>();
  const patches: string[] = [];
  return {
    sessions,
    patches,
    async createSession(stream, offer) {
      if (stream !== 'demo') throw new CodeError('STREAM_NOT_FOUND', `no stream ${stream}`);
      if (!offer.startsWith('v=0')) throw new CodeError('SDP_PARSE', 'not a session description');
      if (offer.includes('boom')) throw new Error('unexpected');
      const id = `s${sessions.size + 1}`;
      sessions.set(id, stream);
      return { id, answer: 'v=0\r\nanswer', etag: '"1"' };
    },
    deleteSession: (_s, id) => sessions.delete(id),
    patchSession(_s, id, frag) {
      patches.push(frag);
      return sessions.has(id);
    },
    sessionStats: (stream, id) =>
      sessions.get(id) === stream ? { timestamp: 1, connectionState: 'connected', stats: [] } : undefined,
    iceServers: () => [
      { urls: 'stun:stun.example.net:3478' },
      { urls: 'turn:t.example.net', username: 'u', credential: 'p' },
    ],
  };
}

function app() {
  const b = backend();
  const a = new Hono();
  mountWhep(a, b);
  return { a, b };
}

const post = (a: Hono, path: string, body: string, type = 'application/sdp') =>
  a.request(path, {
    method: 'POST',
    body,
    headers: { 'content-type': type, origin: 'http://player.example' },
  });

t.test('POST creates a session: 201, answer, Location, ETag, CORS', async (t) => {
  const { a, b } = app();
  const r = await post(a, '/whep/demo', 'v=0\r\noffer');
  t.equal(r.status, 201);
  t.equal(r.headers.get('content-type'), 'application/sdp');
  t.equal(r.headers.get('location'), '/whep/demo/s1');
  t.equal(r.headers.get('etag'), '"1"');
  t.equal(r.headers.get('access-control-allow-origin'), '*');
  t.match(r.headers.get('access-control-expose-headers'), /Location/);
  t.match(r.headers.get('link'), /<stun:stun\.example\.net:3478>; rel="ice-server"/);
  t.equal(await r.text(), 'v=0\r\nanswer');
  t.equal(b.sessions.get('s1'), 'demo');
});

t.test('errors map to statuses by code, with problem+json', async (t) => {
  const { a } = app();
  t.equal((await post(a, '/whep/nope', 'v=0\r\n')).status, 404);
  const bad = await post(a, '/whep/demo', 'hello');
  t.equal(bad.status, 400);
  t.equal(bad.headers.get('content-type'), 'application/problem+json');
  t.match(await bad.json(), { status: 400, detail: 'not a session description' });
  t.equal((await post(a, '/whep/demo', 'v=0\r\n', 'text/plain')).status, 415);
  const internal = await post(a, '/whep/demo', 'v=0\r\nboom');
  t.equal(internal.status, 500);
  t.match(await internal.json(), { detail: 'internal error' }, 'internal details are not leaked');
});

t.test('OPTIONS preflight from another origin', async (t) => {
  const { a } = app();
  const r = await a.request('/whep/demo', {
    method: 'OPTIONS',
    headers: {
      origin: 'http://player.example',
      'access-control-request-method': 'POST',
      'access-control-request-headers': 'content-type',
    },
  });
  t.equal(r.status, 204);
  t.equal(r.headers.get('access-control-allow-origin'), '*');
  t.match(r.headers.get('access-control-allow-methods'), /POST/);
});

t.test('PATCH trickles, DELETE ends, unknown sessions 404', async (t) => {
  const { a, b } = app();
  await post(a, '/whep/demo', 'v=0\r\n');
  const frag = 'a=ice-ufrag:x\r\na=candidate:1 1 udp 1 127.0.0.1 5000 typ host\r\n';
  const p = await a.request('/whep/demo/s1', {
    method: 'PATCH',
    body: frag,
    headers: { 'content-type': 'application/trickle-ice-sdpfrag' },
  });
  t.equal(p.status, 204);
  t.same(b.patches, [frag]);
  t.equal(
    (
      await a.request('/whep/demo/s1', {
        method: 'PATCH',
        body: frag,
        headers: { 'content-type': 'text/plain' },
      })
    ).status,
    415,
  );
  t.equal((await a.request('/whep/demo/s1', { method: 'DELETE' })).status, 200);
  t.equal((await a.request('/whep/demo/s1', { method: 'DELETE' })).status, 404);
  t.equal(b.sessions.size, 0);
});

t.test(
  'GET {location}/stats: the session snapshot as JSON; 404 for another; token like the session',
  async (t) => {
    const { a } = app();
    const r = await post(a, '/whep/demo', 'v=0\r\noffer');
    const loc = r.headers.get('location')!;
    const g = await a.request(`${loc}/stats`, { headers: { origin: 'http://player.example' } });
    t.equal(g.status, 200);
    t.match(g.headers.get('content-type'), /application\/json/);
    t.equal(g.headers.get('cache-control'), 'no-store');
    t.equal(g.headers.get('access-control-allow-origin'), '*');
    t.same(await g.json(), { timestamp: 1, connectionState: 'connected', stats: [] });
    t.equal((await a.request('/whep/demo/nope/stats')).status, 404);
    t.equal(
      (await a.request(`${loc.replace('/demo/', '/other/')}/stats`)).status,
      404,
      'the stream must match',
    );

    const guarded = new Hono();
    const b = backend();
    mountWhep(guarded, b, { token: 'sec' });
    const made = await guarded.request('/whep/demo', {
      method: 'POST',
      body: 'v=0\r\noffer',
      headers: { 'content-type': 'application/sdp', authorization: 'Bearer sec' },
    });
    const at = `${made.headers.get('location')}/stats`;
    t.equal((await guarded.request(at)).status, 401, 'no token: 401');
    t.equal((await guarded.request(at, { headers: { authorization: 'Bearer sec' } })).status, 200);
  },
);
