import t from 'tap';
import { readFileSync } from 'node:fs';
import { startGatewayInProcess } from './harness/gateway-inproc.ts';
import { postSdp } from './harness/whep-page.ts';
import { parseRemoteDescription } from '../gateway/webrtc/sdp/index.ts';

/*
 * Issue 4: negotiation and errors through the real gateway's HTTP app (its WhepSessions, the demo
 * stream): Firefox- and Chromium-style offers get H.264 packetization-mode 1; offers the gateway
 * cannot serve get clear 4xx answers; WHEP/WHIP bearer tokens from the environment.
 */
const fixture = (name: string) => readFileSync(new URL(`./fixtures/${name}`, import.meta.url), 'utf8');
const firefox = fixture('firefox-whep-offer.sdp');
const chromium = fixture('chromium-whep-offer.sdp');

const post = (base: string, path: string, body: string, headers: Record<string, string> = {}) =>
  postSdp(`${base}${path}`, body, { origin: 'http://player.example', ...headers });

t.test('offers and errors against the running gateway', async (t) => {
  const gw = await startGatewayInProcess(t);
  const del = async (res: Response) => {
    const loc = res.headers.get('location');
    if (loc) await fetch(`${gw.http}${loc}`, { method: 'DELETE' });
  };

  t.test('Firefox offer (VP8, VP9 first; H.264 mode 1 and mode 0): H.264 mode 1', async (t) => {
    const res = await post(gw.http, '/whep/demo', firefox);
    t.equal(res.status, 201);
    const answer = await res.text();
    await del(res);
    const a = parseRemoteDescription(answer);
    const video = a.media[0]!;
    t.same(
      video.codecs.map((c) => [c.payloadType, c.name]),
      [[126, 'H264']],
      'only PT 126, the mode-1 entry',
    );
    t.equal(video.codecs[0]?.fmtp['packetization-mode'], '1');
    t.equal(video.direction, 'sendonly');
    // The demo has no audio: its audio m-line is rejected (port 0), never answered with a codec the
    // stream does not carry.
    t.equal(a.media[1]?.port, 0);
    t.same(a.bundle, ['0']);
  });

  t.test('Chromium offer: a mode-1 H.264 entry that decodes the demo', async (t) => {
    const res = await post(gw.http, '/whep/demo', chromium);
    t.equal(res.status, 201);
    const a = parseRemoteDescription(await res.text());
    await del(res);
    const c = a.media[0]!.codecs[0]!;
    t.equal(c.name, 'H264');
    t.equal(c.fmtp['packetization-mode'], '1');
    t.ok(
      [102, 108].includes(c.payloadType),
      `PT ${c.payloadType} is one of Chromium's 42xx1f mode-1 entries`,
    );
  });

  t.test('PATCH: trickle 204; an ICE restart (new ufrag/pwd) 200 with ours; malformed 400', async (t) => {
    const res = await post(gw.http, '/whep/demo', firefox);
    t.equal(res.status, 201);
    const loc = res.headers.get('location')!;
    const etag = res.headers.get('etag');
    const patch = (body: string) =>
      fetch(`${gw.http}${loc}`, {
        method: 'PATCH',
        body,
        headers: { 'content-type': 'application/trickle-ice-sdpfrag', 'if-match': '*' },
      });
    const trickle = await patch(
      'a=ice-ufrag:6a1f0c3d\r\na=ice-pwd:8f3c2a9e71d54b06a2e1c7f09b4d3e55\r\nm=video 9 UDP/TLS/RTP/SAVPF 0\r\na=mid:0\r\na=candidate:9 1 UDP 2122252543 127.0.0.1 40000 typ host\r\n',
    );
    t.equal(trickle.status, 204, 'same ufrag: trickle');
    const id = loc.split('/').pop()!;
    const before = gw.whep.get(id)!.pc.getStats();
    const localBefore = before.stats.find((s) => s.type === 'transport') as
      { localUfrag?: string } | undefined;

    const malformed = await patch('a=ice-ufrag:fresh123\r\nm=video 9 UDP/TLS/RTP/SAVPF 0\r\na=mid:0\r\n');
    t.equal(malformed.status, 400, 'a new ufrag without a pwd');
    t.equal(gw.whep.get(id)?.pc.remoteIceUfrag, '6a1f0c3d', 'the session keeps its credentials');

    const restart = await patch(
      'a=ice-ufrag:fresh123\r\na=ice-pwd:anewpasswordanewpassword\r\nm=video 9 UDP/TLS/RTP/SAVPF 0\r\na=mid:0\r\n',
    );
    t.equal(restart.status, 200, 'ICE restart accepted (RFC 9725 §4.3.2)');
    t.equal(restart.headers.get('content-type'), 'application/trickle-ice-sdpfrag');
    t.not(restart.headers.get('etag'), etag, 'a new entity tag');
    const frag = await restart.text();
    const ufrag = /^a=ice-ufrag:(\S+)/m.exec(frag)?.[1];
    t.ok(ufrag && /^a=ice-pwd:\S{22,}/m.test(frag), `our new credentials in the answer:\n${frag}`);
    t.not(ufrag, localBefore?.localUfrag, 'our ufrag changed too (RFC 8445 §9)');
    t.match(frag, /^a=candidate:\S+ 1 udp \d+ 127\.0\.0\.1 \d+ typ host/m, 'with our candidates');
    t.match(frag, /^a=ice-lite/m);
    t.match(frag, /^a=mid:0/m);
    t.equal(gw.whep.get(id)?.pc.remoteIceUfrag, 'fresh123', 'the new remote ufrag is in force');
    await fetch(`${gw.http}${loc}`, { method: 'DELETE' });
    const gone = await patch('a=ice-ufrag:again\r\na=ice-pwd:anotherpasswordanotherpw\r\n');
    t.equal(gone.status, 404);
  });

  t.test('no common codec: 400 naming what was offered', async (t) => {
    const mode0 = firefox.replace(
      'profile-level-id=42e01f;level-asymmetry-allowed=1;packetization-mode=1',
      'profile-level-id=42e01f;level-asymmetry-allowed=1;packetization-mode=0',
    );
    const res = await post(gw.http, '/whep/demo', mode0);
    t.equal(res.status, 400);
    t.equal(res.headers.get('content-type'), 'application/problem+json');
    t.equal(res.headers.get('access-control-allow-origin'), '*');
    const body = (await res.json()) as { status: number; detail: string };
    t.equal(body.status, 400);
    t.match(body.detail, 'no common codec');
    t.match(body.detail, 'offered: video: VP8, VP9, H264 (packetization-mode=0, profile-level-id=42e01f)');
    t.equal(gw.whep.size, 0, 'no session was left behind');
  });

  t.test("bad SDP: 400 with the parser's reason", async (t) => {
    const noBundle = await post(gw.http, '/whep/demo', firefox.replace(/^a=group:BUNDLE.*\r\n/m, ''));
    t.equal(noBundle.status, 400);
    t.match(((await noBundle.json()) as { detail: string }).detail, 'BUNDLE is required');
    const noMux = await post(gw.http, '/whep/demo', firefox.replace(/^a=rtcp-mux\r\n/gm, ''));
    t.equal(noMux.status, 400);
    t.match(((await noMux.json()) as { detail: string }).detail, /lacks a=rtcp-mux/);
    const garbage = await post(gw.http, '/whep/demo', 'hello');
    t.equal(garbage.status, 400);
    t.match(((await garbage.json()) as { detail: string }).detail, /media sections|session description/);
    const wrongType = await post(gw.http, '/whep/demo', firefox, { 'content-type': 'text/plain' });
    t.equal(wrongType.status, 415);
  });

  t.test('unknown stream: 404', async (t) => {
    const res = await post(gw.http, '/whep/nope', firefox);
    t.equal(res.status, 404);
    t.match(((await res.json()) as { detail: string }).detail, 'no stream named "nope"');
  });

  t.test('WHIP: Opus audio is received beside H.264; other audio codecs are rejected', async (t) => {
    const publish = firefox.replace(/a=recvonly/g, 'a=sendonly');
    const res = await post(gw.http, '/whip/pub-opus', publish);
    t.equal(res.status, 201);
    const a = parseRemoteDescription(await res.text());
    await del(res);
    t.equal(a.media[0]?.codecs[0]?.name, 'H264');
    t.same(
      a.media[1]?.codecs.map((c) => [c.payloadType, c.name, c.clockRate, c.channels]),
      [[109, 'opus', 48000, 2]],
      'Opus on its offered payload type, nothing else',
    );
    t.equal(a.media[1]?.direction, 'recvonly');
    const noOpus = await post(gw.http, '/whip/pub-g711', publish.replace('opus/48000/2', 'ISAC/16000'));
    t.equal(noOpus.status, 201, 'video alone is enough to publish');
    const b = parseRemoteDescription(await noOpus.text());
    await del(noOpus);
    t.equal(b.media[1]?.port, 0, 'an audio m-line without Opus is rejected (port 0), never mislabelled');
  });

  t.test('WHIP without H.264 mode 1: 400 naming the offer; the stream stays free', async (t) => {
    const vp8only = firefox
      .replace(/^a=rtpmap:(126|97) H264.*\r\n/gm, '')
      .replace(/^a=fmtp:(126|97) .*\r\n/gm, '')
      .replace(/a=recvonly/g, 'a=sendonly');
    const res = await post(gw.http, '/whip/cam', vp8only);
    t.equal(res.status, 400);
    t.match(((await res.json()) as { detail: string }).detail, 'offered: video: VP8, VP9');
    const again = await post(gw.http, '/whip/cam', 'v=0\r\n');
    t.equal(again.status, 400, 'released: a second refused offer is 400 again, not 409');
    t.equal((await post(gw.http, '/whip/demo', vp8only)).status, 409, 'a stream with a source: 409 first');
  });
});

t.test('EDGEGW_WHEP_TOKEN / EDGEGW_WHIP_TOKEN guard the endpoints', async (t) => {
  const gw = await startGatewayInProcess(t, {
    EDGEGW_WHEP_TOKEN: 'viewer-secret',
    EDGEGW_WHIP_TOKEN: 'publisher-secret',
  });
  const none = await post(gw.http, '/whep/demo', firefox);
  t.equal(none.status, 401);
  t.equal(none.headers.get('www-authenticate'), 'Bearer');
  t.equal(
    (await post(gw.http, '/whep/demo', firefox, { authorization: 'Bearer publisher-secret' })).status,
    401,
  );
  t.equal((await post(gw.http, '/whip/cam', firefox, { authorization: 'Bearer viewer-secret' })).status, 401);
  const ok = await post(gw.http, '/whep/demo', firefox, { authorization: 'Bearer viewer-secret' });
  t.equal(ok.status, 201);
  const loc = ok.headers.get('location')!;
  t.equal((await fetch(`${gw.http}${loc}`, { method: 'DELETE' })).status, 401, 'DELETE needs the token too');
  const d = await fetch(`${gw.http}${loc}`, {
    method: 'DELETE',
    headers: { authorization: 'Bearer viewer-secret' },
  });
  t.equal(d.status, 200);
  const pre = await fetch(`${gw.http}/whep/demo`, {
    method: 'OPTIONS',
    headers: { origin: 'http://player.example', 'access-control-request-method': 'POST' },
  });
  t.equal(pre.status, 204, 'preflight open');
});
