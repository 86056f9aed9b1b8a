import t from 'tap';
import { pino } from 'pino';
import { inboundRtp, launchBrowser, waitForVideoFrames } from './harness/browser.ts';
import { openWhepPage, playWhep } from './harness/whep-page.ts';
import { createHttpApp, startHttpServer, WhepSessions } from '../gateway/http/index.ts';
import { DemoSource, StreamHub } from '../gateway/media/index.ts';
import { generateCertificate } from '../gateway/webrtc/dtls/index.ts';
import { routeKey } from '../gateway/webrtc/ice/index.ts';
import { addr, systemClock, udpNet, UdpMux } from '../gateway/webrtc/transport/index.ts';

/*
 * Issue 4: when the gateway knows its stream's profile-level-id it answers with it, not with the
 * offered string: Chromium offers 42e01f (Constrained Baseline, level 3.1) and gets 42c01f, the demo
 * clip's own SPS bytes — the same profile by RFC 6184 Table 5. Chromium must accept that answer and
 * decode. WhepSessions is wired here from public APIs, as gateway.ts does, with the demo's profile.
 */
const browser = await launchBrowser(t);

t.test("Chromium decodes the demo answered with the stream's own profile-level-id", async (t) => {
  const udp = await udpNet.listenUdp('127.0.0.1', 0);
  const mux = new UdpMux(udp, { routeKey });
  const hub = new StreamHub({ name: 'demo', clock: systemClock });
  const demo = await DemoSource.open({ clock: systemClock });
  demo.onFrame((f) => hub.pushFrame(f));
  demo.start();
  const whep = new WhepSessions({
    clock: systemClock,
    mux,
    certificate: await generateCertificate(systemClock, { commonName: 'test', validDays: 1 }),
    hostCandidates: [addr('127.0.0.1', udp.localAddr.port)],
    logger: pino({ level: 'silent' }),
    stream: (name) => (name === 'demo' ? hub : undefined),
    streamProfileLevelId: (name) => (name === 'demo' ? demo.info.profileLevelId : undefined),
  });
  const app = createHttpApp({
    live: () => true,
    ready: () => ({ ready: true, reasons: [] }),
    metrics: async () => '',
    version: 'test',
    nodeId: 'test',
    whep,
  });
  const http = await startHttpServer(app, '127.0.0.1', 0);
  t.teardown(async () => {
    await http.close();
    whep.closeAll();
    demo.close();
    hub.close();
    mux.close();
    udp.close();
  });
  t.equal(demo.info.profileLevelId, '42c01f', 'the demo clip is x264 constrained baseline 3.1');

  const page = await openWhepPage(browser, t);
  const { answer } = await playWhep(page, `http://${http.address}/whep/demo`);
  const fmtp = /^a=fmtp:(\d+) (.*)$/m.exec(answer);
  t.equal(fmtp?.[2]?.trim(), 'level-asymmetry-allowed=1;packetization-mode=1;profile-level-id=42c01f');
  t.equal(fmtp?.[1], '108', "Chromium's 42e01f mode-1 payload type (its fixture order), not Baseline 102");
  const { stats, ms } = await waitForVideoFrames(page, { minFramesDecoded: 30, timeoutMs: 10_000 });
  t.ok((stats.framesDecoded ?? 0) >= 30, `${stats.framesDecoded} frames decoded in ${Math.round(ms)} ms`);
  t.equal(stats.frameWidth, demo.info.width);
  t.equal(stats.frameHeight, demo.info.height);
  // Live decoding, not just the cached GOP: >= 80 % of the clip's frame rate over 2 s.
  await new Promise((r) => setTimeout(r, 2000));
  const [later] = (await inboundRtp(page)).filter((s) => s.kind === 'video');
  const grown = (later?.framesDecoded ?? 0) - (stats.framesDecoded ?? 0);
  t.ok(grown >= 0.8 * 2 * demo.info.fps, `${grown} more frames decoded in 2 s`);
});
