import t from 'tap';
import {
  addrKey,
  createUdpNet,
  systemClock,
  UdpMux,
  type Addr,
  type DatagramConn,
} from '../transport/index.ts';
import { generateCredentials, IceAgent, routeKey } from './index.ts';

/*
 * The agent on real loopback UDP sockets and the real clock (Ta, RTO and consent on system timers).
 * Sockets are ref'd here so the awaited handshake keeps the test process alive; every test closes them.
 */
const udpNet = createUdpNet({ unref: false });

const key = (a: Addr | undefined) => (a ? addrKey(a) : 'none');
const once = (conn: DatagramConn) => new Promise<Uint8Array>((resolve) => conn.onData((d) => resolve(d)));

async function pair(t: { teardown(fn: () => void): void }, lite: boolean, ip = '127.0.0.1') {
  const ca = await udpNet.listenUdp(ip, 0);
  const cb = await udpNet.listenUdp(ip, 0);
  const a = new IceAgent({ clock: systemClock, conn: ca, role: 'controlling' });
  const b = new IceAgent({ clock: systemClock, conn: cb, role: 'controlled', lite });
  t.teardown(() => {
    a.close();
    b.close();
  });
  a.setRemoteCredentials(b.localCredentials.ufrag, b.localCredentials.pwd);
  b.setRemoteCredentials(a.localCredentials.ufrag, a.localCredentials.pwd);
  for (const c of b.localCandidates()) a.addRemoteCandidate(c);
  for (const c of a.localCandidates()) b.addRemoteCandidate(c);
  return { a, b, ca, cb };
}

for (const lite of [true, false]) {
  t.test(`loopback UDP: full controlling <-> ${lite ? 'lite' : 'full'} controlled`, async (t) => {
    const { a, b, ca, cb } = await pair(t, lite);
    const t0 = performance.now();
    a.start();
    b.start();
    const [x, y] = await Promise.all([a.connected, b.connected]);
    const ms = performance.now() - t0;
    t.ok(ms < 2000, `connected in ${ms.toFixed(1)} ms`);
    t.equal(key(x.remoteAddr), key(cb.localAddr));
    t.equal(key(y.remoteAddr), key(ca.localAddr));
    const got = once(y);
    x.send(new Uint8Array([0x80, 0x60, 1, 2]));
    t.same([...(await got)], [0x80, 0x60, 1, 2]);
    const back = once(x);
    y.send(new Uint8Array([0x17, 0xfe, 0xfd]));
    t.same([...(await back)], [0x17, 0xfe, 0xfd]);
    a.close();
    b.close();
    t.ok(ca.closed && cb.closed);
  });
}

t.test('loopback UDP over IPv6 (::1)', async (t) => {
  const { a, b, cb } = await pair(t, true, '::1');
  a.start();
  b.start();
  const x = await a.connected;
  await b.connected;
  t.equal(key(x.remoteAddr), key(cb.localAddr));
  t.equal(a.selectedPair?.remoteAddr.family, 'IPv6');
  t.equal(a.selectedPair?.mappedAddr?.address, '::1', 'XOR-MAPPED-ADDRESS over IPv6');
});

t.test('two lite sessions on one UdpMux port, routed by ufrag via routeKey', async (t) => {
  const shared = await udpNet.listenUdp('127.0.0.1', 0);
  const mux = new UdpMux(shared, { routeKey });
  t.teardown(() => mux.close());
  const sessions = await Promise.all(
    [0, 1].map(async () => {
      const cred = generateCredentials();
      const gw = new IceAgent({
        clock: systemClock,
        conn: mux.endpoint(cred.ufrag),
        role: 'controlled',
        lite: true,
        localUfrag: cred.ufrag,
        localPwd: cred.pwd,
        localCandidates: [shared.localAddr],
      });
      const peerConn = await udpNet.listenUdp('127.0.0.1', 0);
      const peer = new IceAgent({ clock: systemClock, conn: peerConn, role: 'controlling' });
      t.teardown(() => {
        peer.close();
        gw.close();
      });
      peer.setRemoteCredentials(gw.localCredentials.ufrag, gw.localCredentials.pwd);
      gw.setRemoteCredentials(peer.localCredentials.ufrag, peer.localCredentials.pwd);
      for (const c of gw.localCandidates()) peer.addRemoteCandidate(c);
      gw.start();
      peer.start();
      return { gw, peer, peerConn };
    }),
  );
  const conns = await Promise.all(
    sessions.map(async (s) => [await s.gw.connected, await s.peer.connected] as const),
  );
  for (let i = 0; i < 2; i++) {
    const [gwConn, peerConn] = conns[i] as readonly [DatagramConn, DatagramConn];
    t.equal(
      key(gwConn.remoteAddr),
      key(sessions[i]?.peerConn.localAddr),
      `session ${i} selected its own peer`,
    );
    const got = once(gwConn);
    peerConn.send(new Uint8Array([0x80, i]));
    t.same([...(await got)], [0x80, i]);
  }
  t.ok(mux.stats.routedByKey >= 2);
});
