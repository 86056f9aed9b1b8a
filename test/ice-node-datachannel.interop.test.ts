import t from 'tap';
import type { PeerConnection } from 'node-datachannel';
import { ndcPeer } from './harness/node-datachannel.ts';
import { answerFor, firstDatagram, liteAgentFor } from './ice-interop-helpers.ts';

/*
 * Our ICE-lite agent answers libjuice (inside node-datachannel, C), which offers a data channel:
 * ICE completes and libjuice's first DTLS flight reaches the connected conn. Loopback only.
 */

t.test('libjuice (node-datachannel) offers, our lite agent answers: ICE connects', async (t) => {
  const pc = ndcPeer(t, 'offerer');
  let dc: ReturnType<PeerConnection['createDataChannel']> | undefined;
  t.teardown(() => dc?.close());
  const offer = await new Promise<string>((resolve) => {
    pc.onGatheringStateChange((s) => {
      if (s === 'complete') resolve(pc.localDescription()?.sdp ?? '');
    });
    dc = pc.createDataChannel('probe');
  });
  const { agent, ice } = await liteAgentFor(offer, t);
  t.ok(ice.candidates.length > 0, `${ice.candidates.length} candidates offered`);
  const theirIce = new Promise<string>((resolve) =>
    pc.onIceStateChange((s) => {
      if (s === 'connected' || s === 'completed' || s === 'failed') resolve(s);
    }),
  );
  const t0 = performance.now();
  pc.setRemoteDescription(answerFor(agent, ice.mid), 'answer');
  const conn = await agent.connected;
  const hello = firstDatagram(conn);
  t.ok(['connected', 'completed'].includes(await theirIce), 'libjuice ICE connected');
  t.comment(`answer -> both connected in ${(performance.now() - t0).toFixed(1)} ms`);
  t.ok(agent.selectedPair?.nominated);
  t.equal((await hello)[0], 0x16, 'a DTLS handshake record arrives on the connected conn');
});
