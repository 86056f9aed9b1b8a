import t from 'tap';
import { inboundRtp, launchBrowser, pageConsole, waitForVideoFrames } from './harness/browser.ts';
import { startGatewayProcess } from './harness/gateway-process.ts';
import { browserStats, openWhepPage, playWhep } from './harness/whep-page.ts';
import { statsById, statsOfType, type StatsReport } from '../gateway/webrtc/peer/index.ts';

/*
 * Issue 4: the session's getStats()-like snapshot at GET /whep/{stream}/{id}/stats, checked against
 * what Chromium's own getStats() says of the same session while it plays the demo.
 */
const browser = await launchBrowser(t);

t.test("GET {session}/stats while Chromium plays demo agrees with Chromium's getStats()", async (t) => {
  const gw = await startGatewayProcess(t);
  const page = await openWhepPage(browser, t);
  const { location } = await playWhep(page, `${gw.http}/whep/demo`, { waitConnected: true });
  const stats = async (): Promise<StatsReport> => {
    const res = await fetch(`${gw.http}${location}/stats`);
    t.equal(res.status, 200);
    return (await res.json()) as StatsReport;
  };
  await waitForVideoFrames(page, { minFramesDecoded: 10, timeoutMs: 10_000 });

  const a = await stats();
  t.equal(a.connectionState, 'connected');
  const [transport] = statsOfType(a, 'transport');
  t.equal(transport?.dtlsState, 'connected');
  const chrome = await browserStats(page);
  const chromeTransport = chrome.find((s) => s.type === 'transport');
  t.equal(transport?.dtlsCipher, chromeTransport?.dtlsCipher, 'the DTLS suite Chromium reports');
  t.equal(transport?.srtpCipher, chromeTransport?.srtpCipher, 'the SRTP profile Chromium reports');
  const pair = statsById(a, transport?.selectedCandidatePairId);
  if (pair?.type !== 'candidate-pair') throw new Error(`no selected pair in ${JSON.stringify(a)}`);
  t.equal(pair.state, 'succeeded');
  t.equal(pair.nominated, true, 'Chromium nominated it');
  t.match(statsById(a, pair.localCandidateId), {
    type: 'local-candidate',
    address: gw.webrtc.host,
    port: gw.webrtc.port,
    protocol: 'udp',
    candidateType: 'host',
  });
  t.match(statsById(a, pair.remoteCandidateId), { type: 'remote-candidate', protocol: 'udp' });

  // Sender reports go out every second; Chromium's receiver reports echo them: RTT from LSR/DLSR.
  let b = a;
  for (let i = 0; i < 40; i++) {
    await new Promise((r) => setTimeout(r, 250));
    b = await stats();
    if (statsOfType(b, 'remote-inbound-rtp').some((s) => s.roundTripTime !== undefined) && i >= 8) break;
  }
  const videoOut = (r: StatsReport) => statsOfType(r, 'outbound-rtp').find((s) => s.kind === 'video');
  const va = videoOut(a);
  const vb = videoOut(b);
  t.comment(`ours: ${JSON.stringify(vb)}; remote: ${JSON.stringify(statsById(b, vb?.remoteId))}`);
  t.ok((vb?.packetsSent ?? 0) > (va?.packetsSent ?? 0) + 30, 'packetsSent grows');
  t.ok((vb?.bytesSent ?? 0) > (va?.bytesSent ?? 0), 'bytesSent grows');
  t.match(statsById(b, vb?.codecId), { type: 'codec', mimeType: 'video/H264', clockRate: 90000 });
  const remote = statsById(b, vb?.remoteId);
  if (remote?.type !== 'remote-inbound-rtp') throw new Error(`no remote-inbound-rtp: ${JSON.stringify(b)}`);
  t.ok(remote.roundTripTime !== undefined && remote.roundTripTime >= 0 && remote.roundTripTime < 0.5,
    `roundTripTime from Chromium's receiver reports: ${remote.roundTripTime} s`); // prettier-ignore
  t.equal(remote.packetsLost, 0, 'no loss on loopback');
  const [tb] = statsOfType(b, 'transport');
  t.ok((tb?.bytesSent ?? 0) > (vb?.bytesSent ?? 0), 'the transport carried at least the video payload');
  const pb = statsById(b, tb?.selectedCandidatePairId);
  t.ok(pb?.type === 'candidate-pair' && pb.currentRoundTripTime !== undefined, 'the pair has an RTT');

  // Our packetsSent against Chromium's packetsReceived of the same SSRC, read between two of ours:
  // Chromium cannot have received more than we had sent by the second read.
  const ours = videoOut(await stats());
  const [theirs] = (await inboundRtp(page)).filter((s) => s.kind === 'video');
  const after = videoOut(await stats());
  t.equal(theirs?.ssrc, ours?.ssrc, 'the same SSRC');
  const sent = ours?.packetsSent ?? 0;
  const received = theirs?.packetsReceived ?? 0;
  t.comment(`gateway packetsSent ${sent} (then ${after?.packetsSent}), Chromium packetsReceived ${received}`);
  t.ok(received <= (after?.packetsSent ?? 0), 'Chromium received no more than we sent');
  t.ok(received >= sent * 0.95 - 40, 'and nearly all of it (some may be in flight)', {
    console: pageConsole(page),
  });
  // NACK and PLI counted on our side as Chromium counts them on its own (one may be in flight).
  for (const k of ['nackCount', 'pliCount'] as const) {
    const theirsN = theirs?.[k] ?? 0;
    t.ok(
      (ours?.[k] ?? 0) <= theirsN && theirsN <= (after?.[k] ?? 0),
      `${k}: ours ${ours?.[k]}..${after?.[k]}, Chromium ${theirsN}`,
    );
  }

  const other = await fetch(`${gw.http}${location!.replace('/demo/', '/nope/')}/stats`);
  t.equal(other.status, 404, 'the stream must match the session');
  await fetch(`${gw.http}${location}`, { method: 'DELETE' });
  t.equal((await fetch(`${gw.http}${location}/stats`)).status, 404, 'gone with the session');
});
