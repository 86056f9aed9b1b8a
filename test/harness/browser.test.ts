import t from 'tap';

/** Page-side types (tsconfig has no DOM lib). */
interface Location {
  origin: string;
}
import { inboundRtp, launchBrowser, pageConsole, serveStatic, waitForVideoFrames } from './browser.ts';

// Browser tests run serially in this file, one browser for all of them (TESTING.md).
const t0 = performance.now();
const browser = await launchBrowser(t, { fakeMedia: true });
t.comment(`chromium launched in ${Math.round(performance.now() - t0)} ms`);

t.test('a page from the static server sees RTCPeerConnection', async (t) => {
  const site = await serveStatic(t, { '/': '<!doctype html><title>harness</title><p>hello</p>' });
  const page = await browser.newPage(t);
  const response = await page.goto(site.url('/'));
  t.equal(response?.status(), 200);
  t.equal(await page.title(), 'harness');
  t.equal(
    await page.evaluate(() => typeof (globalThis as Record<string, unknown>).RTCPeerConnection),
    'function',
  );
  t.equal(
    await page.evaluate(() => (globalThis as unknown as { location: Location }).location.origin),
    site.origin,
  );
  t.same(
    site.requests.filter((r) => r === 'GET /'),
    ['GET /'],
  );
  const missing = await page.goto(site.url('/nope'));
  t.equal(missing?.status(), 404);
});

t.test('console output and uncaught errors of a page are kept', async (t) => {
  const site = await serveStatic(t, {
    '/': `<!doctype html><script>console.log('hello', 42); console.error('bad'); null.x;</script>`,
  });
  const page = await browser.newPage(t);
  await page.goto(site.url('/'));
  await page.waitForFunction(() => true);
  t.match(pageConsole(page), ['log: hello 42', 'error: bad', /^pageerror: .*null/]);
});

t.test('two servers are two origins: CORS applies between them', async (t) => {
  const api = await serveStatic(t, {
    '/open': { body: 'open', type: 'text/plain', headers: { 'access-control-allow-origin': '*' } },
    '/closed': { body: 'closed', type: 'text/plain' },
  });
  const site = await serveStatic(t, { '/': '<!doctype html><title>other origin</title>' });
  t.not(api.origin, site.origin);
  const page = await browser.newPage(t);
  await page.goto(site.url('/'));
  const fetchText = (url: string) =>
    page.evaluate(
      (u) =>
        fetch(u).then(
          (r) => r.text(),
          (e: Error) => `blocked: ${e.name}`,
        ),
      url,
    );
  t.equal(await fetchText(api.url('/open')), 'open');
  t.equal(await fetchText(api.url('/closed')), 'blocked: TypeError', 'no CORS header: the browser refuses');
});

t.test('inbound-rtp readers see frames decoded in an in-page call with the fake camera', async (t) => {
  const site = await serveStatic(t, {
    '/': `<!doctype html><video id=v autoplay muted playsinline></video><script>
      (async () => {
        const stream = await navigator.mediaDevices.getUserMedia({ video: { width: 640, height: 360 } });
        const a = new RTCPeerConnection(), b = new RTCPeerConnection();
        a.onicecandidate = (e) => e.candidate && b.addIceCandidate(e.candidate);
        b.onicecandidate = (e) => e.candidate && a.addIceCandidate(e.candidate);
        b.ontrack = (e) => { document.getElementById('v').srcObject = e.streams[0]; };
        for (const track of stream.getTracks()) a.addTrack(track, stream);
        await a.setLocalDescription();
        await b.setRemoteDescription(a.localDescription);
        await b.setLocalDescription();
        await a.setRemoteDescription(b.localDescription);
        window.pc = b;
      })().catch((e) => { document.title = 'error: ' + e; });
    </script>`,
  });
  const page = await browser.newPage(t);
  await page.goto(site.url('/'));
  await t.rejects(
    inboundRtp(page, 'nothingHere'),
    { code: 'HARNESS_BAD_READY_LINE' },
    'missing pc is an error',
  );
  await page.waitForFunction(() => 'pc' in globalThis, undefined, { timeout: 5000 });

  const { stats, ms } = await waitForVideoFrames(page, { minFramesDecoded: 15, timeoutMs: 10_000 });
  t.comment(`15 frames decoded after ${ms} ms: ${JSON.stringify(stats)}`);
  t.equal(stats.kind, 'video');
  t.ok((stats.framesDecoded ?? 0) >= 15);
  t.equal(stats.frameWidth, 640, 'the size asked of the fake camera');
  t.equal(stats.frameHeight, 360);
  t.ok(stats.packetsReceived > 0);
  t.ok((stats.keyFramesDecoded ?? 0) >= 1);
  t.match(stats.mimeType, /^video\//);

  // framesDecoded grows: the figure is live, not a snapshot
  await page.waitForTimeout(500);
  const [later] = (await inboundRtp(page)).filter((s) => s.kind === 'video');
  t.ok((later?.framesDecoded ?? 0) > (stats.framesDecoded ?? 0), 'framesDecoded keeps growing');

  await t.rejects(
    waitForVideoFrames(page, { minFramesDecoded: 1e9, timeoutMs: 300 }),
    { code: 'HARNESS_READY_TIMEOUT', message: /last inbound-rtp: \[\{/ },
    'a timeout reports the last figures',
  );
});
