import t from 'tap';
import { Candidate as WeriftCandidate, Connection } from 'werift';
import { formatCandidate, IceAgent, parseCandidate } from '../gateway/webrtc/ice/index.ts';
import { addrKey, createUdpNet, systemClock, type DatagramConn } from '../gateway/webrtc/transport/index.ts';

/*
 * Interop with an independent ICE implementation: werift's ICE `Connection` (pure TypeScript, npm),
 * bound to loopback as TESTING.md says. Our agent runs on a real UDP socket and the real clock.
 */

const udpNet = createUdpNet({ unref: false });

function weriftAgent(controlling: boolean): Connection {
  return new Connection(controlling, {
    useIpv4: true,
    useIpv6: false,
    additionalHostAddresses: ['127.0.0.1'],
    interfaceAddresses: { udp4: '127.0.0.1' },
  });
}

/** werift's loopback host candidates as our Candidate objects (non-loopback ones filtered out). */
function weriftCandidates(w: Connection) {
  return w.localCandidates
    .filter((c) => c.host === '127.0.0.1')
    .map((c) => parseCandidate(`candidate:${c.toSdp()}`));
}

const firstData = (conn: DatagramConn) =>
  new Promise<Uint8Array>((resolve) => conn.onData((d) => resolve(d)));

t.test('werift full controlling -> our ICE-lite agent (the gateway answer side)', async (t) => {
  const w = weriftAgent(true);
  const conn = await udpNet.listenUdp('127.0.0.1', 0);
  const lite = new IceAgent({ clock: systemClock, conn, role: 'controlled', lite: true });
  t.teardown(async () => {
    lite.close();
    await w.close();
  });
  await w.gatherCandidates();
  t.ok(weriftCandidates(w).length > 0, 'werift gathered a loopback candidate');
  w.setRemoteParams({
    iceLite: true,
    usernameFragment: lite.localCredentials.ufrag,
    password: lite.localCredentials.pwd,
  });
  lite.setRemoteCredentials(w.localUsername, w.localPassword);
  // Like Chromium, werift's candidates are not given to the gateway: it must learn them (prflx).
  for (const c of lite.localCandidates()) {
    await w.addRemoteCandidate(WeriftCandidate.fromSdp(formatCandidate(c).slice('candidate:'.length)));
  }
  await w.addRemoteCandidate(undefined);
  lite.start();
  const t0 = performance.now();
  await Promise.all([w.connect(), lite.connected]);
  t.comment(`werift -> lite connected in ${(performance.now() - t0).toFixed(1)} ms`);
  t.equal(lite.state, 'connected');
  t.equal(w.state, 'connected');
  const sel = lite.selectedPair;
  t.equal(sel?.remote.type, 'prflx', 'learned werift from its check');
  t.ok(sel?.nominated);
  const ours = await lite.connected;

  // werift -> us
  const got = firstData(ours);
  await w.send(Buffer.from([0x80, 0x60, 0, 1]));
  t.same([...(await got)], [0x80, 0x60, 0, 1]);
  // us -> werift
  const back = new Promise<Buffer>((resolve) => w.onData.subscribe((d) => resolve(d)));
  ours.send(new Uint8Array([0x17, 0xfe, 0xfd, 9]));
  t.same([...(await back)], [0x17, 0xfe, 0xfd, 9]);
  t.ok(lite.stats.checksReceived >= 1);

  // RFC 7675 from a real peer: werift's consent checks (every 4-6 s) keep the lite side fresh past
  // its 7.5 s `disconnected` threshold, and our answers keep werift's consent.
  const before = lite.stats.checksReceived;
  const states: string[] = [];
  lite.onStateChange((s) => states.push(s));
  await new Promise((r) => setTimeout(r, 13_000)); // two werift intervals of at most 6 s
  t.ok(
    lite.stats.checksReceived - before >= 2,
    `${lite.stats.checksReceived - before} consent checks answered`,
  );
  t.same(states, [], 'lite side never left connected');
  t.equal(w.state, 'connected');
});

t.test('our full controlling agent -> werift full controlled', async (t) => {
  const w = weriftAgent(false);
  const conn = await udpNet.listenUdp('127.0.0.1', 0);
  const ours = new IceAgent({ clock: systemClock, conn, role: 'controlling' });
  t.teardown(async () => {
    ours.close();
    await w.close();
  });
  await w.gatherCandidates();
  w.setRemoteParams({
    iceLite: false,
    usernameFragment: ours.localCredentials.ufrag,
    password: ours.localCredentials.pwd,
  });
  ours.setRemoteCredentials(w.localUsername, w.localPassword);
  for (const c of weriftCandidates(w)) ours.addRemoteCandidate(c);
  ours.addRemoteCandidate(null);
  for (const c of ours.localCandidates()) {
    await w.addRemoteCandidate(WeriftCandidate.fromSdp(formatCandidate(c).slice('candidate:'.length)));
  }
  await w.addRemoteCandidate(undefined);
  ours.start();
  await Promise.all([w.connect(), ours.connected]);
  t.equal(w.state, 'connected');
  t.ok(['connected', 'completed'].includes(ours.state));
  const c = await ours.connected;
  t.equal(
    c.remoteAddr && addrKey(c.remoteAddr),
    `127.0.0.1:${w.nominated?.localCandidate.port}`,
    'the pair werift uses',
  );
  const back = new Promise<Buffer>((resolve) => w.onData.subscribe((d) => resolve(d)));
  c.send(new Uint8Array([0x80, 1]));
  t.same([...(await back)], [0x80, 1]);
  const got = firstData(c);
  await w.send(Buffer.from([0x81, 2]));
  t.same([...(await got)], [0x81, 2]);
});
