import t from 'tap';
import { launchBrowser, serveStatic } from './harness/browser.ts';
import { startGatewayProcess } from './harness/gateway-process.ts';

/*
 * Issue 3: headless Chromium, from a page on another origin, posts its offer to POST /whep/demo and
 * reaches connectionState 'connected': ICE and DTLS with a real browser through the single UDP port.
 */
interface ConnectResult {
  state: string;
  status: number;
  location: string | null;
  ms: number;
  dtlsState?: string;
  dtlsCipher?: string;
  srtpCipher?: string;
  tlsVersion?: string;
  remote?: string;
  log: string[];
}

const browser = await launchBrowser(t);

const PAGE = `<!doctype html><title>whep</title><script>
window.connect = async (endpoint) => {
  const log = [];
  const t0 = performance.now();
  const pc = new RTCPeerConnection();
  window.pc = pc;
  pc.addTransceiver('video', { direction: 'recvonly' });
  pc.addTransceiver('audio', { direction: 'recvonly' });
  pc.onconnectionstatechange = () => log.push('pc:' + pc.connectionState);
  pc.oniceconnectionstatechange = () => log.push('ice:' + pc.iceConnectionState);
  await pc.setLocalDescription(await pc.createOffer());
  const res = await fetch(endpoint, { method: 'POST', headers: { 'content-type': 'application/sdp' }, body: pc.localDescription.sdp });
  if (res.status !== 201) return { state: 'http', status: res.status, location: null, ms: 0, log: [await res.text()] };
  await pc.setRemoteDescription({ type: 'answer', sdp: await res.text() });
  const state = await new Promise((resolve) => {
    const done = () => ['connected', 'failed', 'closed'].includes(pc.connectionState) && resolve(pc.connectionState);
    pc.addEventListener('connectionstatechange', done);
    done();
    setTimeout(() => resolve('timeout:' + pc.connectionState), 15000);
  });
  const ms = performance.now() - t0;
  const out = { state, status: res.status, location: res.headers.get('location'), ms, log };
  const stats = await pc.getStats();
  stats.forEach((s) => {
    if (s.type === 'transport') Object.assign(out, { dtlsState: s.dtlsState, dtlsCipher: s.dtlsCipher, srtpCipher: s.srtpCipher, tlsVersion: s.tlsVersion });
    if (s.type === 'candidate-pair' && s.nominated) {
      const r = stats.get(s.remoteCandidateId);
      if (r) out.remote = r.address + ':' + r.port;
    }
  });
  return out;
};
</script>`;

t.test('Chromium on another origin reaches connected through POST /whep/demo', async (t) => {
  const gw = await startGatewayProcess(t);
  const site = await serveStatic(t, { '/': PAGE });
  const page = await browser.newPage(t);
  await page.goto(site.url('/'));
  const r = (await page.evaluate(
    `window.connect(${JSON.stringify(`${gw.http}/whep/demo`)})`,
  )) as ConnectResult;
  t.comment(
    `offer → connected in ${Math.round(r.ms)} ms; ${r.dtlsCipher} / ${r.srtpCipher}; ${r.log.join(' ')}`,
  );
  t.equal(r.status, 201, 'WHEP answered 201 across origins (CORS)');
  t.match(r.location, /^\/whep\/demo\/[0-9a-f]{24}$/);
  t.equal(r.state, 'connected', 'RTCPeerConnection.connectionState');
  t.equal(r.dtlsState, 'connected');
  t.equal(r.tlsVersion, 'FEFD', 'DTLS 1.2');
  t.equal(r.srtpCipher, 'SRTP_AES128_CM_HMAC_SHA1_80', 'the profile the relay prefers (cheapest protect)');
  t.equal(r.remote, `${gw.webrtc.host}:${gw.webrtc.port}`, 'through the single UDP port');
  const seen = await gw.waitForLog((e) => e.msg === 'peer connected', 5000);
  t.equal(seen.cipherSuite, r.dtlsCipher, 'the gateway saw its side connect with the same suite');
  // DELETE on the Location ends the session on the gateway.
  const del = await fetch(`${gw.http}${r.location}`, { method: 'DELETE' });
  t.equal(del.status, 200);
});

t.test('an unknown stream is 404 and a garbage offer 400', async (t) => {
  const gw = await startGatewayProcess(t);
  const nope = await fetch(`${gw.http}/whep/nope`, {
    method: 'POST',
    headers: { 'content-type': 'application/sdp' },
    body: 'v=0\r\n',
  });
  t.equal(nope.status, 404);
  const bad = await fetch(`${gw.http}/whep/demo`, {
    method: 'POST',
    headers: { 'content-type': 'application/sdp' },
    body: 'hello',
  });
  t.equal(bad.status, 400);
});
