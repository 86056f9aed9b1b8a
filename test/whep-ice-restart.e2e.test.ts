import t from 'tap';
import { launchBrowser, waitForVideoFrames, inboundRtp } from './harness/browser.ts';
import { startGatewayInProcess } from './harness/gateway-inproc.ts';
import { openWhepPage, playWhep, restartWhepIce } from './harness/whep-page.ts';

/*
 * Issue 4: ICE restart over WHEP PATCH (RFC 9725 §4.3.2, RFC 8445 §9). Chromium plays the demo,
 * calls restartIce(), PATCHes its new ufrag/pwd, applies ours from the 200 and is connected again;
 * the gateway's session has the browser's new credentials and its own; the same session keeps
 * decoding frames (DTLS/SRTP untouched, no new POST).
 */
const browser = await launchBrowser(t);

t.test('Chromium restarts ICE on a playing WHEP session and keeps decoding', async (t) => {
  const gw = await startGatewayInProcess(t);
  const page = await openWhepPage(browser, t);
  const { location } = await playWhep(page, `${gw.http}/whep/demo`, { waitConnected: true });
  const before = await waitForVideoFrames(page, { minFramesDecoded: 15 });
  const id = location!.split('/').pop()!;
  const session = gw.whep.get(id)!;
  const transport = () =>
    session.pc.getStats().stats.find((s) => s.type === 'transport') as
      { iceLocalUsernameFragment?: string } | undefined;
  const ourUfrag = transport()?.iceLocalUsernameFragment;

  const r = await restartWhepIce(page, `${gw.http}${location}`);
  t.equal(r.status, 200, `PATCH answered 200 (${r.body.replace(/\r\n/g, ' | ')})`);
  t.match(r.state, /^(connected|completed)$/, `ICE connected again in ${Math.round(r.ms ?? 0)} ms`);
  t.equal(session.pc.remoteIceUfrag, r.ufrag, "the gateway took the browser's new ufrag");
  t.not(transport()?.iceLocalUsernameFragment, ourUfrag, 'and made itself a new one');
  // A ufrag may hold '+' and '/' (RFC 8839 ice-char): compare the line, not a pattern built from it.
  t.ok(
    r.body.split('\r\n').includes(`a=ice-ufrag:${transport()?.iceLocalUsernameFragment}`),
    'which the 200 carried',
  );
  t.equal(gw.whep.get(id), session, 'the same session (no new POST)');

  const f0 = before.stats.framesDecoded ?? 0;
  await new Promise((r) => setTimeout(r, 2500));
  const [v] = (await inboundRtp(page)).filter((s) => s.kind === 'video');
  const decoded = (v?.framesDecoded ?? 0) - f0;
  t.ok(decoded >= 30, `frames keep decoding across the restart (${decoded} more)`);
  t.equal(session.pc.connectionState, 'connected');
  const browserUfrag = (await page.evaluate(
    `(async () => [...(await pc.getStats()).values()].find((s) => s.type === 'transport')?.iceLocalUsernameFragment)()`,
  )) as string | undefined;
  t.equal(browserUfrag, r.ufrag, "Chromium's transport runs on its new credentials");
});
