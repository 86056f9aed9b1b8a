import t from 'tap';
import { inboundRtp, launchBrowser, pageConsole, waitForVideoFrames } from './harness/browser.ts';
import { startGatewayProcess } from './harness/gateway-process.ts';
import { browserStats, openWhepPage, playWhep, postSdp, publishWhip, sdpOffer } from './harness/whep-page.ts';
import { statsById, statsOfType, type StatsReport } from '../gateway/webrtc/peer/index.ts';

/*
 * Issue 4: WHIP (RFC 9725). Chromium's fake camera (and microphone) publishes to /whip/cam; a second
 * Chromium context plays /whep/cam over WHEP; the gateway relays between them with its own stack.
 */
const browser = await launchBrowser(t, { fakeMedia: true });

t.test('Chromium publishes over WHIP, another context plays it over WHEP', async (t) => {
  const gw = await startGatewayProcess(t);
  const publisher = await openWhepPage(browser, t);
  const { location } = await publishWhip(publisher, `${gw.http}/whip/cam`);
  t.match(location, /^\/whip\/cam\/[0-9a-f]{24}$/);

  // A second publisher for the same stream is refused while the first is on (a valid offer: a
  // garbage one is 400 before anything else is looked at).
  const second = await sdpOffer(publisher, { kinds: ['video'], direction: 'sendonly' });
  const post = (path: string) => postSdp(`${gw.http}${path}`, second);
  t.equal((await post('/whip/cam')).status, 409);
  // The demo stream has its own source: nobody publishes over it.
  t.equal((await post('/whip/demo')).status, 409);

  const viewer = await openWhepPage(browser, t);
  await playWhep(viewer, `${gw.http}/whep/cam`);
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

t.test('Opus from a WHIP publisher reaches a WHEP viewer as Opus', async (t) => {
  const gw = await startGatewayProcess(t);
  const publisher = await openWhepPage(browser, t);
  const pub = await publishWhip(publisher, `${gw.http}/whip/cam`, { audio: true });
  t.match(pub.answer, /^a=rtpmap:\d+ opus\/48000\/2/m, 'the publisher’s audio m-line answered with Opus');

  // The hub knows the stream's audio codec once the first Opus frame arrived (viewers are answered with it).
  let audioCodec: string | undefined;
  for (let i = 0; i < 50 && audioCodec === undefined; i++) {
    const api = (await (await fetch(`${gw.http}/api/streams`)).json()) as {
      streams: { name: string; audio?: { codec: string; clockRate: number } }[];
    };
    audioCodec = api.streams.find((s) => s.name === 'cam')?.audio?.codec;
    if (audioCodec === undefined) await new Promise((r) => setTimeout(r, 100));
  }
  t.equal(audioCodec, 'opus', 'GET /api/streams: cam carries Opus');
  const viewer = await openWhepPage(browser, t);
  const play = await playWhep(viewer, `${gw.http}/whep/cam`, { audio: true });
  t.match(play.answer, /^a=rtpmap:\d+ opus\/48000\/2/m, 'the viewer is answered with the hub’s own codec');
  await waitForVideoFrames(viewer, { minFramesDecoded: 10, timeoutMs: 15_000 });
  const audio = async () => (await inboundRtp(viewer)).find((s) => s.kind === 'audio');
  const a = await audio();
  await new Promise((r) => setTimeout(r, 2000));
  const b = await audio();
  t.comment(`viewer audio: ${JSON.stringify(b)}`);
  t.match(b?.mimeType, /audio\/opus/i);
  const packets = (b?.packetsReceived ?? 0) - (a?.packetsReceived ?? 0);
  t.ok(packets >= 50, `${packets} Opus packets in 2 s (50/s at 20 ms frames)`, {
    console: pageConsole(viewer),
  });
  const samples = (b?.totalSamplesReceived ?? 0) - (a?.totalSamplesReceived ?? 0);
  t.ok(samples >= 48_000, `Chromium decoded ${samples} samples in 2 s (48 kHz)`);
  const level = (await browserStats(viewer)).find((s) => s.type === 'inbound-rtp' && s.kind === 'audio');
  t.ok(
    Number(level?.totalAudioEnergy ?? 0) > 0,
    `the fake microphone's beep is heard (${level?.totalAudioEnergy})`,
  );

  // The publisher's session stats: inbound-rtp for both tracks, matching what Chromium sent.
  const report = (await (await fetch(`${gw.http}${pub.location}/stats`)).json()) as StatsReport;
  const sent = (await browserStats(publisher, 'pub')).filter((s) => s.type === 'outbound-rtp');
  for (const kind of ['audio', 'video'] as const) {
    const ours = statsOfType(report, 'inbound-rtp').find((s) => s.kind === kind);
    const theirs = sent.find((s) => s.kind === kind);
    t.comment(`${kind}: we received ${ours?.packetsReceived}, Chromium had sent ${theirs?.packetsSent}`);
    t.equal(ours?.ssrc, theirs?.ssrc, `${kind}: the publisher's SSRC`);
    t.ok((ours?.packetsReceived ?? 0) > 0, `${kind}: packets received`);
    t.ok((ours?.packetsReceived ?? 0) <= Number(theirs?.packetsSent ?? 0), `${kind}: no more than sent`);
    t.equal(ours?.packetsLost, 0, `${kind}: no loss on loopback`);
  }
  const opus = statsOfType(report, 'inbound-rtp').find((s) => s.kind === 'audio');
  t.match(statsById(report, opus?.codecId), { mimeType: 'audio/opus', clockRate: 48000 });
  const video = statsOfType(report, 'inbound-rtp').find((s) => s.kind === 'video');
  t.ok((video?.pliCount ?? 0) >= 1, 'the gateway asked the publisher for a keyframe (PLI counted)');
});
