/**
 * node-datachannel (libdatachannel) as an independent WebRTC peer, bound to loopback, with the
 * teardown it needs: its threads keep the process alive until cleanup(), and cleanup() under live
 * callbacks (DTLS still retrying) can crash the process. So: close every peer, wait until each
 * reports closed (at most 1 s), let its threads settle, then clean up once, after the last one.
 */
import { cleanup, PeerConnection } from 'node-datachannel';

let open = 0;
import type { Teardown } from './process.ts';

export function ndcPeer(t: Teardown, name = 'peer'): PeerConnection {
  const pc = new PeerConnection(name, { iceServers: [], bindAddress: '127.0.0.1' });
  open++;
  t.teardown(async () => {
    const closed = new Promise<void>((resolve) => {
      pc.onStateChange((s) => s === 'closed' && resolve());
      setTimeout(resolve, 1000);
    });
    pc.close();
    await closed;
    await new Promise((r) => setTimeout(r, 500));
    if (--open === 0) cleanup();
  });
  return pc;
}
