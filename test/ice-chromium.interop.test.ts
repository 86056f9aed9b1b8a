import t from 'tap';
import { launchBrowser } from './harness/browser.ts';
import { answerFor, firstDatagram, liteAgentFor } from './ice-interop-helpers.ts';

/*
 * Our ICE-lite agent answers Chromium (libwebrtc), which offers a data channel and hides its host
 * address behind a `.local` name: the agent must learn Chromium's address as a peer-reflexive
 * candidate from its first check. ICE completes before DTLS; Chromium's ClientHello reaching the
 * connected conn proves the data path. Loopback only.
 */

t.test(
  'Chromium offers with a .local host candidate, our lite agent learns it as peer-reflexive',
  async (t) => {
    const browser = await launchBrowser(t);
    const page = await browser.newPage(t);
    // Page code as strings: the test is compiled without DOM types, and tsx would wrap named inner
    // functions in a helper the page lacks.
    const offer = (await page.evaluate(`(async () => {
    const pc = new RTCPeerConnection();
    globalThis.pc = pc;
    pc.createDataChannel('probe');
    await pc.setLocalDescription(await pc.createOffer());
    await new Promise((resolve) => {
      if (pc.iceGatheringState === 'complete') resolve();
      pc.onicegatheringstatechange = () => pc.iceGatheringState === 'complete' && resolve();
    });
    return pc.localDescription.sdp;
  })()`)) as string;
    const { agent, ice } = await liteAgentFor(offer, t);
    t.ok(
      ice.candidates.some((c) => / [0-9a-f-]+\.local /.test(c)),
      'Chromium hides its host address behind .local',
    );
    t.ok(agent.ignoredRemoteCandidates().length > 0, '.local candidates kept aside, not paired');
    const t0 = performance.now();
    const theirIce = page.evaluate(`(async () => {
    const pc = globalThis.pc;
    await pc.setRemoteDescription({ type: 'answer', sdp: ${JSON.stringify(answerFor(agent, ice.mid))} });
    return new Promise((resolve) => {
      const done = () => ['connected', 'completed', 'failed'].includes(pc.iceConnectionState);
      // The state may have moved while setRemoteDescription was pending: look now, then listen.
      if (done()) resolve(pc.iceConnectionState);
      pc.oniceconnectionstatechange = () => done() && resolve(pc.iceConnectionState);
    });
  })()`) as Promise<string>;
    const conn = await agent.connected;
    const hello = firstDatagram(conn);
    t.ok(['connected', 'completed'].includes(await theirIce), 'Chromium ICE connected');
    t.comment(`answer -> both connected in ${(performance.now() - t0).toFixed(1)} ms`);
    t.equal(agent.selectedPair?.remote.type, 'prflx', 'learned from the check, as the gateway must');
    t.equal(agent.selectedPair?.remoteAddr.address, '127.0.0.1');
    t.equal((await hello)[0], 0x16, "Chromium's DTLS ClientHello reaches the connected conn");
  },
);
