import t from 'tap';
import { launchBrowser, waitForVideoFrames, inboundRtp } from './harness/browser.ts';
import { startGatewayInProcess } from './harness/gateway-inproc.ts';
import { freePort } from './harness/ports.ts';
import { startLossyProxy } from './harness/lossy-udp-proxy.ts';
import { browserStats, openWhepPage, playWhep, publishWhip } from './harness/whep-page.ts';

/*
 * A WHIP publisher on a lossy path (a phone on Wi-Fi): 10 % of its media to the gateway is dropped by
 * a relay the gateway advertises (127.0.0.2). The gateway asks for the lost packets (generic NACK,
 * RFC 4585 §6.2.1) and Chromium resends them; the reorder buffer puts them back in place, so the
 * viewer keeps decoding with few keyframe requests instead of one per hole.
 */
const browser = await launchBrowser(t, { fakeMedia: true });

t.test('10 % loss from a WHIP publisher: NACKs recover it, the viewer keeps decoding', async (t) => {
  const port = await freePort(['udp']);
  const gw = await startGatewayInProcess(t, {
    EDGEGW_WEBRTC_ADDR: `127.0.0.1:${port}`,
    EDGEGW_WEBRTC_PUBLIC_IPS: '127.0.0.2',
  });
  const proxy = await startLossyProxy(t, {
    listenHost: '127.0.0.2',
    port,
    target: { host: '127.0.0.1', port },
    loss: 0,
    lossToTarget: 0.1,
    seed: 11,
  });
  const publisher = await openWhepPage(browser, t);
  const { location } = await publishWhip(publisher, `${gw.http}/whip/cam`);
  const viewer = await openWhepPage(browser, t);
  await playWhep(viewer, `${gw.http}/whep/cam`);
  const first = await waitForVideoFrames(viewer, { minFramesDecoded: 10, timeoutMs: 15_000 });
  await new Promise((r) => setTimeout(r, 5000));
  const [v] = (await inboundRtp(viewer)).filter((s) => s.kind === 'video');
  const decoded = (v?.framesDecoded ?? 0) - (first.stats.framesDecoded ?? 0);
  const out = (await browserStats(publisher, 'pub')).find(
    (s) => s.type === 'outbound-rtp' && s.kind === 'video',
  ) as { nackCount?: number; retransmittedPacketsSent?: number; pliCount?: number } | undefined;
  const report = (await (await fetch(`${gw.http}${location}/stats`)).json()) as {
    stats: { type: string; kind?: string; nackCount?: number; pliCount?: number; packetsLost?: number }[];
  };
  const inbound = report.stats.find((s) => s.type === 'inbound-rtp' && s.kind === 'video');
  t.comment(
    `relay dropped ${proxy.stats.dropped}; publisher: ${JSON.stringify(out)}; gateway inbound: ${JSON.stringify(inbound)}; viewer decoded ${decoded} frames in 5 s`,
  );
  t.ok(proxy.stats.dropped >= 5, `the relay really dropped publisher media (${proxy.stats.dropped})`);
  t.ok((inbound?.nackCount ?? 0) > 0, `the gateway sent NACKs (${inbound?.nackCount})`);
  t.ok((out?.nackCount ?? 0) > 0, `Chromium received them (${out?.nackCount})`);
  t.ok((out?.retransmittedPacketsSent ?? 0) > 0, `and resent packets (${out?.retransmittedPacketsSent})`);
  // Our receiver reports (RFC 3550 §6.4.2) reach the publisher: Chromium shows remote-inbound-rtp
  // with the loss left after repair and an RTT from the LSR/DLSR echo of its sender reports.
  const remote = (await browserStats(publisher, 'pub')).find(
    (s) => s.type === 'remote-inbound-rtp' && s.kind === 'video',
  ) as { packetsLost?: number; roundTripTime?: number; fractionLost?: number } | undefined;
  t.comment(`publisher's remote-inbound-rtp (our RRs): ${JSON.stringify(remote)}`);
  t.ok(remote !== undefined, 'the publisher received our receiver reports');
  t.ok(
    remote?.roundTripTime !== undefined && remote.roundTripTime > 0 && remote.roundTripTime < 1,
    `RTT from our LSR/DLSR: ${remote?.roundTripTime} s`,
  );
  t.ok((remote?.packetsLost ?? 99) <= proxy.stats.dropped / 2, 'the loss it sees is what repair left');
  t.ok(decoded >= 5 * 15, `the viewer keeps decoding (${decoded} frames in 5 s)`);
  t.ok(
    (inbound?.packetsLost ?? 0) <= proxy.stats.dropped / 2,
    `most holes filled: ${inbound?.packetsLost ?? 0} of ${proxy.stats.dropped} still lost (RFC 3550 A.3)`,
  );
  t.ok(
    (out?.pliCount ?? 0) < (proxy.stats.dropped * 2) / 3,
    `fewer keyframe requests (${out?.pliCount}) than holes (${proxy.stats.dropped}): NACK did the repair`,
  );
});
