import t from 'tap';
import { inboundRtp, launchBrowser, pageConsole, waitForVideoFrames } from './harness/browser.ts';
import { firstFrameMs as playerFirstFrameMs, openWhepPage, playWhep } from './harness/whep-page.ts';
import { startGatewayProcess } from './harness/gateway-process.ts';
import * as grpc from '@grpc/grpc-js';
import { loadControlProtos } from '../gateway/control/index.ts';
import { service, unary } from './harness/grpc-client.ts';

const sessionSvc = service(loadControlProtos().packageDefinition, 'edgegw.v1.SessionService');

/*
 * Issue 4: headless Chromium plays the built-in `demo` stream over WHEP from a page on another
 * origin. Judged by getStats() inbound-rtp: frames decoded at the clip's size, growing at >= 80 % of
 * its 30 fps for 5 s, no PLI storm; page-start-to-first-frame printed.
 */
const browser = await launchBrowser(t);

t.test('Chromium plays demo over WHEP: size, frame rate, quick first frame, no PLI storm', async (t) => {
  const gw = await startGatewayProcess(t);
  const pageStart = performance.now();
  const page = await openWhepPage(browser, t);
  const { signalMs } = await playWhep(page, `${gw.http}/whep/demo`, { audio: true });
  const first = await waitForVideoFrames(page, { minFramesDecoded: 1, timeoutMs: 10_000, intervalMs: 20 });
  const firstFrameMs = performance.now() - pageStart;
  t.comment(
    `new context + page load → first decoded frame: ${Math.round(firstFrameMs)} ms (signalling ${Math.round(signalMs)} ms)`,
  );
  t.ok(firstFrameMs < 3000, 'first frame within 3 s of page start');
  // The player's own clock (page loaded): POST → ICE → DTLS → GOP cache → decoded and presented.
  const playerMs = await playerFirstFrameMs(page);
  t.comment(`player start → first presented frame: ${Math.round(playerMs ?? -1)} ms`);
  t.ok(playerMs !== undefined && playerMs < 2000, 'the player presents a frame (requestVideoFrameCallback)');

  const a = first.stats;
  const t0 = performance.now();
  await new Promise((r) => setTimeout(r, 5000));
  const [b] = (await inboundRtp(page)).filter((s) => s.kind === 'video');
  const secs = (performance.now() - t0) / 1000;
  const fps = ((b?.framesDecoded ?? 0) - (a.framesDecoded ?? 0)) / secs;
  t.comment(`decoded ${fps.toFixed(1)} fps over ${secs.toFixed(1)} s; ${JSON.stringify(b)}`);
  t.ok(fps >= 0.8 * 30, `framesDecoded grows at >= 80 % of 30 fps (${fps.toFixed(1)})`, {
    console: pageConsole(page),
  });
  t.equal(b?.frameWidth, 640);
  t.equal(b?.frameHeight, 360);
  t.match(b?.mimeType, /H264/i);
  t.ok((b?.pliCount ?? 0) <= 2, `no PLI storm (${b?.pliCount ?? 0} PLIs)`);
  t.equal(b?.packetsLost ?? 0, 0, 'no loss on loopback');

  // The gateway's view of this viewer over gRPC: Chromium's receiver reports echo our sender reports
  // (RFC 3550 §6.4.1), so the RTT is known; the bytes are what the viewer's RtpSender sent.
  const client = new grpc.Client(gw.grpc, grpc.credentials.createInsecure());
  t.teardown(() => client.close());
  const { sessions } = await unary<{
    sessions: {
      streamName: string;
      state: string;
      bytesSent: string;
      packetsSent: string;
      rtt?: { seconds: string; nanos: number };
    }[];
  }>(client, sessionSvc, 'ListSessions', {});
  t.comment(`ListSessions: ${JSON.stringify(sessions)}`);
  t.equal(sessions.length, 1);
  t.match(sessions[0], { streamName: 'demo', state: 'SESSION_STATE_CONNECTED' });
  t.ok(
    Number(sessions[0]?.packetsSent) >= b!.packetsReceived,
    'every packet Chromium counted was sent by the viewer’s RtpSender',
  );
  t.ok(sessions[0]?.rtt, 'RTT from Chromium echoing our sender reports');
});

t.test("the gateway's own player page at / lists demo and plays it", async (t) => {
  const gw = await startGatewayProcess(t);
  const page = await browser.newPage(t);
  await page.goto(`${gw.http}/`);
  await page.waitForFunction('window.pc !== undefined', undefined, { timeout: 10_000 });
  const { stats, ms } = await waitForVideoFrames(page, { minFramesDecoded: 20, timeoutMs: 10_000 });
  t.comment(`player: 20 frames decoded ${Math.round(ms)} ms after load`);
  t.equal(stats.frameWidth, 640);
  t.match(await page.textContent('#streams'), /demo.*H264 640x360/s);
  const api = (await (await fetch(`${gw.http}/api/streams`)).json()) as {
    streams: { name: string; viewers: number; bitrate: number }[];
  };
  t.equal(api.streams[0]?.name, 'demo');
  t.equal(api.streams[0]?.viewers, 1, 'the hub counts the viewer');
});
