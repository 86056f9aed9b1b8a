import t from 'tap';
import {
  inboundRtp,
  launchBrowser,
  pageConsole,
  serveStatic,
  waitForVideoFrames,
} from './harness/browser.ts';
import { startGatewayProcess } from './harness/gateway-process.ts';

/*
 * Issue 4: WHIP (RFC 9725). Chromium's fake camera publishes to /whip/cam; a second Chromium
 * context plays /whep/cam over WHEP; the gateway relays between them with its own stack.
 */
const browser = await launchBrowser(t, { fakeMedia: true });

const PAGE = `<!doctype html><video id="v" autoplay muted playsinline></video><script>
window.publish = async (endpoint) => {
  const media = await navigator.mediaDevices.getUserMedia({ video: { width: 640, height: 360 }, audio: false });
  const pc = new RTCPeerConnection();
  window.pub = pc;
  pc.addTransceiver(media.getVideoTracks()[0], { direction: 'sendonly' });
  await pc.setLocalDescription(await pc.createOffer());
  const res = await fetch(endpoint, { method: 'POST', headers: { 'content-type': 'application/sdp' }, body: pc.localDescription.sdp });
  if (res.status !== 201) throw new Error('WHIP ' + res.status + ' ' + (await res.text()));
  window.whipLocation = res.headers.get('location');
  await pc.setRemoteDescription({ type: 'answer', sdp: await res.text() });
  await new Promise((r) => { const f = () => pc.connectionState === 'connected' && r(); pc.onconnectionstatechange = f; f(); });
  return window.whipLocation;
};
window.publishOffer = async () => {
  const pc = new RTCPeerConnection();
  pc.addTransceiver('video', { direction: 'sendonly' });
  await pc.setLocalDescription(await pc.createOffer());
  const sdp = pc.localDescription.sdp;
  pc.close();
  return sdp;
};
window.play = async (endpoint) => {
  const pc = new RTCPeerConnection();
  window.pc = pc;
  pc.addTransceiver('video', { direction: 'recvonly' });
  pc.ontrack = (e) => { document.getElementById('v').srcObject = new MediaStream([e.track]); };
  await pc.setLocalDescription(await pc.createOffer());
  const res = await fetch(endpoint, { method: 'POST', headers: { 'content-type': 'application/sdp' }, body: pc.localDescription.sdp });
  if (res.status !== 201) throw new Error('WHEP ' + res.status + ' ' + (await res.text()));
  await pc.setRemoteDescription({ type: 'answer', sdp: await res.text() });
};
</script>`;

t.test('Chromium publishes over WHIP, another context plays it over WHEP', async (t) => {
  const gw = await startGatewayProcess(t);
  const site = await serveStatic(t, { '/': PAGE });
  const publisher = await browser.newPage(t);
  await publisher.goto(site.url('/'));
  const location = (await publisher.evaluate(
    `window.publish(${JSON.stringify(`${gw.http}/whip/cam`)})`,
  )) as string;
  t.match(location, /^\/whip\/cam\/[0-9a-f]{24}$/);

  // A second publisher for the same stream is refused while the first is on (a valid offer: a
  // garbage one is 400 before anything else is looked at).
  const second = (await publisher.evaluate('window.publishOffer()')) as string;
  const post = (path: string) =>
    fetch(`${gw.http}${path}`, {
      method: 'POST',
      headers: { 'content-type': 'application/sdp' },
      body: second,
    });
  t.equal((await post('/whip/cam')).status, 409);
  // The demo stream has its own source: nobody publishes over it.
  t.equal((await post('/whip/demo')).status, 409);

  const viewer = await browser.newPage(t);
  await viewer.goto(site.url('/'));
  await viewer.evaluate(`window.play(${JSON.stringify(`${gw.http}/whep/cam`)})`);
  const { stats, ms } = await waitForVideoFrames(viewer, { minFramesDecoded: 30, timeoutMs: 15_000 });
  t.comment(
    `viewer decoded 30 frames of the published camera ${Math.round(ms)} ms after its offer; ${JSON.stringify(stats)}`,
  );
  t.equal(stats.frameWidth, 640, pageConsole(viewer).join('\n'));
  t.equal(stats.frameHeight, 360);
  const [out] = (await inboundRtp(viewer)).filter((s) => s.kind === 'video');
  t.ok((out?.framesDecoded ?? 0) >= 30);

  const del = await fetch(`${gw.http}${location}`, { method: 'DELETE' });
  t.equal(del.status, 200, 'DELETE ends the publication');
});
