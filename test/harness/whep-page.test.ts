import t from 'tap';
import { launchBrowser } from './browser.ts';
import { serveStatic } from './static-server.ts';
import { browserStats, openWhepPage, playWhep, postSdp, sdpOffer } from './whep-page.ts';

/*
 * The shared WHEP page against a stub endpoint (no gateway): what it offers, how a refusal surfaces,
 * and that the offer reaches the endpoint as application/sdp with the bearer token.
 */
const browser = await launchBrowser(t);

t.test('sdpOffer: the kinds and direction asked for', async (t) => {
  const page = await openWhepPage(browser, t);
  const offer = await sdpOffer(page, { kinds: ['audio', 'video'], direction: 'recvonly' });
  t.match(offer, /^m=audio [\s\S]*^m=video /m, 'audio then video');
  t.equal(offer.match(/^a=recvonly/gm)?.length, 2);
});

t.test('playWhep: a refusal throws with the body, or is returned with allowError', async (t) => {
  const seen: { type?: string; auth?: string; body: string }[] = [];
  const endpoint = await serveStatic(t, {
    '/whep/x': (req, res) => {
      const cors = {
        'access-control-allow-origin': '*',
        'access-control-allow-headers': 'content-type, authorization',
      };
      if (req.method === 'OPTIONS') return void res.writeHead(204, cors).end();
      let body = '';
      req.on('data', (c: Buffer) => (body += c.toString()));
      req.on('end', () => {
        seen.push({ type: req.headers['content-type'], auth: req.headers.authorization, body });
        res.writeHead(404, { ...cors, 'content-type': 'application/problem+json' }).end('{"detail":"nope"}');
      });
    },
  });
  const page = await openWhepPage(browser, t);
  const url = endpoint.url('/whep/x');
  await t.rejects(playWhep(page, url), { name: 'HarnessError', code: 'HARNESS_PEER_REFUSED' });
  const r = await playWhep(page, url, { allowError: true, audio: true, token: 'tok' });
  t.equal(r.status, 404);
  t.equal(r.location, null);
  t.match(r.answer, /nope/);
  t.equal(seen.length, 2);
  t.equal(seen[1]?.type, 'application/sdp');
  t.equal(seen[1]?.auth, 'Bearer tok');
  t.match(seen[1]?.body, /^m=video [\s\S]*^m=audio /m, 'video and audio offered');
  t.ok(Array.isArray(await browserStats(page)), 'stats of the page’s pc');
  t.same(await browserStats(page, 'nothing'), [], 'no such global: no stats');
  const direct = await postSdp(url, 'v=0\r\n', { authorization: 'Bearer x' });
  t.equal(direct.status, 404);
  t.equal(seen[2]?.auth, 'Bearer x');
});
