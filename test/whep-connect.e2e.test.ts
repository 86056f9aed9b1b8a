import t from 'tap';
import { launchBrowser } from './harness/browser.ts';
import { startGatewayProcess } from './harness/gateway-process.ts';
import { browserStats, openWhepPage, playWhep, postSdp } from './harness/whep-page.ts';

/*
 * Issue 3: headless Chromium, from a page on another origin, posts its offer to POST /whep/demo and
 * reaches connectionState 'connected': ICE and DTLS with a real browser through the single UDP port.
 */
const browser = await launchBrowser(t);

t.test('Chromium on another origin reaches connected through POST /whep/demo', async (t) => {
  const gw = await startGatewayProcess(t);
  const page = await openWhepPage(browser, t);
  const r = await playWhep(page, `${gw.http}/whep/demo`, { audio: true, waitConnected: true });
  const stats = await browserStats(page);
  const transport = stats.find((s) => s.type === 'transport') ?? {};
  const pair = stats.find((s) => s.type === 'candidate-pair' && s.nominated);
  const remote = stats.find((s) => s.id === pair?.remoteCandidateId);
  t.comment(
    `offer → connected in ${Math.round(r.connectMs ?? 0)} ms; ${transport.dtlsCipher} / ${transport.srtpCipher}; ${r.log.join(' ')}`,
  );
  t.equal(r.status, 201, 'WHEP answered 201 across origins (CORS)');
  t.match(r.location, /^\/whep\/demo\/[0-9a-f]{24}$/);
  t.equal(r.state, 'connected', 'RTCPeerConnection.connectionState');
  t.equal(transport.dtlsState, 'connected');
  t.equal(transport.tlsVersion, 'FEFD', 'DTLS 1.2');
  t.equal(
    transport.srtpCipher,
    'SRTP_AES128_CM_HMAC_SHA1_80',
    'the profile the relay prefers (cheapest protect)',
  );
  t.equal(
    `${remote?.address}:${remote?.port}`,
    `${gw.webrtc.host}:${gw.webrtc.port}`,
    'through the single UDP port',
  );
  const seen = await gw.waitForLog((e) => e.msg === 'peer connected', 5000);
  t.equal(seen.cipherSuite, transport.dtlsCipher, 'the gateway saw its side connect with the same suite');
  // DELETE on the Location ends the session on the gateway.
  const del = await fetch(`${gw.http}${r.location}`, { method: 'DELETE' });
  t.equal(del.status, 200);
});

t.test('an unknown stream is 404 and a garbage offer 400', async (t) => {
  const gw = await startGatewayProcess(t);
  const nope = await postSdp(`${gw.http}/whep/nope`, 'v=0\r\n');
  t.equal(nope.status, 404);
  const bad = await postSdp(`${gw.http}/whep/demo`, 'hello');
  t.equal(bad.status, 400);
});
