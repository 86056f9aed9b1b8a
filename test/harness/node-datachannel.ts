/**
 * node-datachannel (libdatachannel) as an independent WebRTC peer, bound to loopback, with the
 * teardown it needs: its threads keep the process alive until cleanup(), and cleanup() while its
 * DTLS still retries into live callbacks can crash the process. So: close, wait until it reports
 * closed (at most 1 s), let its threads settle, then clean up.
 */
import { cleanup, PeerConnection } from 'node-datachannel';
import type { Teardown } from './process.ts';

let open = 0;

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
    await new Promise((r) => setTimeout(r, 100));
    if (--open === 0) cleanup();
  });
  return pc;
}
