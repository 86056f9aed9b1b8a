/*
 * The single-port mux against a real ICE agent: libdatachannel (libjuice) via node-datachannel sends
 * real STUN Binding requests (RFC 8445 §7.2.2) to one UDP port shared by two sessions; each session's
 * endpoint must get only its own peer's checks, routed by the USERNAME's first half (our ufrag).
 */
import t from 'tap';
import { PeerConnection } from 'node-datachannel';
import { createUdpNet } from './udp-conn.ts';
import { UdpMux } from './udp-mux.ts';
import type { Addr } from './addr.ts';

/** A minimal stand-in for ICE's routeKey: USERNAME (0x0006) of a Binding request, before the colon. */
function stunLocalUfrag(d: Uint8Array): string | undefined {
  const v = new DataView(d.buffer, d.byteOffset, d.byteLength);
  if (d.length < 20 || v.getUint16(0) !== 0x0001 || v.getUint32(4) !== 0x2112a442) return undefined;
  const end = Math.min(d.length, 20 + v.getUint16(2));
  for (let off = 20; off + 4 <= end;) {
    const type = v.getUint16(off);
    const len = v.getUint16(off + 2);
    if (type === 0x0006) {
      const user = new TextDecoder().decode(d.subarray(off + 4, off + 4 + len));
      const colon = user.indexOf(':');
      return colon > 0 ? user.slice(0, colon) : undefined;
    }
    off += 4 + ((len + 3) & ~3);
  }
  return undefined;
}

function answerFor(offer: string, ufrag: string, port: number): string {
  const mid = /a=mid:(\S+)/.exec(offer)?.[1] ?? '0';
  const fp = Array.from({ length: 32 }, (_, i) => (i * 7).toString(16).padStart(2, '0').toUpperCase()).join(
    ':',
  );
  return [
    'v=0',
    'o=- 1 1 IN IP4 127.0.0.1',
    's=-',
    't=0 0',
    `a=group:BUNDLE ${mid}`,
    'm=application 9 UDP/DTLS/SCTP webrtc-datachannel',
    'c=IN IP4 0.0.0.0',
    `a=mid:${mid}`,
    `a=ice-ufrag:${ufrag}`,
    'a=ice-pwd:aaaaaaaaaaaaaaaaaaaaaaaaaaaaaa',
    `a=fingerprint:sha-256 ${fp}`,
    'a=setup:passive',
    'a=sctp-port:5000',
    `a=candidate:1 1 UDP 2130706431 127.0.0.1 ${port} typ host`,
    'a=end-of-candidates',
    '',
  ].join('\r\n');
}

t.test('two libdatachannel peers on one port reach their own endpoints', async (t) => {
  const mux = new UdpMux(await createUdpNet().listenUdp('127.0.0.1', 0), { routeKey: stunLocalUfrag });
  const pcs: PeerConnection[] = [];
  t.teardown(() => {
    // No node-datachannel cleanup(): tearing its threads down while ICE checks are in flight
    // crashes the process (SIGBUS); closing each peer is enough for the process to exit.
    for (const pc of pcs) pc.close();
    mux.close();
  });
  const sessions = ['gwSessA', 'gwSessB'].map((ufrag) => {
    const ep = mux.endpoint(ufrag);
    const got: { user: string; from: Addr }[] = [];
    ep.onData((d, from) => got.push({ user: stunLocalUfrag(d) ?? '', from }));
    return { ufrag, ep, got };
  });
  for (const s of sessions) {
    const pc = new PeerConnection(s.ufrag, { iceServers: [], bindAddress: '127.0.0.1' });
    pcs.push(pc);
    const offer = new Promise<string>((resolve) => pc.onLocalDescription((sdp) => resolve(sdp)));
    pc.createDataChannel('probe');
    pc.setRemoteDescription(answerFor(await offer, s.ufrag, mux.localAddr.port), 'answer');
  }
  const deadline = Date.now() + 5000;
  while (sessions.some((s) => s.got.length < 2) && Date.now() < deadline) {
    await new Promise((r) => setTimeout(r, 20));
  }
  for (const s of sessions) {
    t.ok(s.got.length >= 2, `${s.ufrag}: ${s.got.length} connectivity checks arrived`);
    t.ok(
      s.got.every((g) => g.user === s.ufrag),
      `${s.ufrag}: only its own checks`,
    );
  }
  const [a, b] = sessions as [(typeof sessions)[0], (typeof sessions)[0]];
  const fromA = new Set(a.got.map((g) => g.from.port));
  const fromB = new Set(b.got.map((g) => g.from.port));
  t.ok(![...fromA].some((p) => fromB.has(p)), 'the two peers check from different ports');
  t.equal(mux.stats.routedByKey, a.got.length + b.got.length, 'all routed by key');
  t.equal(mux.addressCount, fromA.size + fromB.size, 'each peer address learned once');
  t.equal(mux.stats.unknown, 0);
});
