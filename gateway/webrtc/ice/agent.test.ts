import t from 'tap';
import {
  addrKey,
  ManualClock,
  Prng,
  UdpMux,
  VNet,
  type DatagramConn,
  type LinkConditions,
} from '../transport/index.ts';
import {
  IceAgent,
  IceError,
  formatCandidate,
  generateCredentials,
  routeKey,
  type IceAgentOptions,
  type IceState,
} from './index.ts';

interface Side {
  agent: IceAgent;
  conn: DatagramConn;
  states: IceState[];
}

async function setup(
  opts: {
    a?: Partial<IceAgentOptions>;
    b?: Partial<IceAgentOptions>;
    link?: LinkConditions;
    seed?: number;
    signalA?: boolean; // give B the candidates of A (default true)
    signalB?: boolean;
  } = {},
) {
  const clock = new ManualClock();
  const vnet = new VNet({ clock, seed: opts.seed ?? 1, defaults: opts.link ?? { delayMs: 5 } });
  const ha = vnet.host('10.0.0.1');
  const hb = vnet.host('10.0.0.2');
  const ca = await ha.listenUdp('10.0.0.1', 0);
  const cb = await hb.listenUdp('10.0.0.2', 0);
  const mk = (conn: DatagramConn, o: Partial<IceAgentOptions>, role: 'controlling' | 'controlled'): Side => {
    const rng = new Prng(opts.seed ?? 1);
    const agent = new IceAgent({ clock, conn, role, random: () => rng.next(), ...o });
    const states: IceState[] = [];
    agent.onStateChange((s) => states.push(s));
    return { agent, conn, states };
  };
  const a = mk(ca, opts.a ?? {}, 'controlling');
  const b = mk(cb, opts.b ?? {}, 'controlled');
  a.agent.setRemoteCredentials(b.agent.localCredentials.ufrag, b.agent.localCredentials.pwd);
  b.agent.setRemoteCredentials(a.agent.localCredentials.ufrag, a.agent.localCredentials.pwd);
  if (opts.signalB !== false)
    for (const c of b.agent.localCandidates()) a.agent.addRemoteCandidate(formatCandidate(c));
  if (opts.signalA !== false) for (const c of a.agent.localCandidates()) b.agent.addRemoteCandidate(c);
  return { clock, vnet, a, b };
}

t.test('full controlling <-> lite controlled: connects, data flows both ways', async (t) => {
  const { clock, vnet, a, b } = await setup({ b: { lite: true } });
  a.agent.start();
  b.agent.start();
  clock.advance(500);
  t.equal(a.agent.state, 'connected');
  t.equal(b.agent.state, 'connected');
  const [ca, cb] = await Promise.all([a.agent.connected, b.agent.connected]);
  t.same(ca.remoteAddr, cb.localAddr);
  t.same(cb.remoteAddr, ca.localAddr);
  const gotB: number[] = [];
  const gotA: number[] = [];
  cb.onData((d) => gotB.push(d[0] as number));
  ca.onData((d) => gotA.push(d[0] as number));
  ca.send(new Uint8Array([0x80, 1]));
  cb.send(new Uint8Array([0x81, 2]));
  clock.advance(20);
  t.same(gotB, [0x80]);
  t.same(gotA, [0x81]);
  ca.send(new Uint8Array([0x80, 1, 2]));
  clock.advance(20);
  t.match(a.agent.stats, { bytesSent: 5, bytesReceived: 2 }, 'application bytes on the selected pair');
  t.match(b.agent.stats, { bytesSent: 2, bytesReceived: 5 });
  t.ok(a.agent.selectedPair?.nominated);
  a.agent.close();
  b.agent.close();
  vnet.close();
  t.equal(clock.pending, 0, 'no timers left behind');
});

t.test('full <-> full: the controlled side selects the pair the controlling side nominated', async (t) => {
  const { clock, vnet, a, b } = await setup();
  a.agent.start();
  b.agent.start();
  clock.advance(1000);
  t.equal(a.agent.state, 'connected');
  t.equal(b.agent.state, 'connected');
  t.ok(b.agent.selectedPair?.nominated);
  t.same(b.agent.selectedPair?.remoteAddr, a.conn.localAddr);
  t.ok(b.agent.stats.checksSent > 0, 'the controlled full agent checks too');
  // End-of-candidates moves both to completed once their checks are done.
  a.agent.addRemoteCandidate(null);
  b.agent.addRemoteCandidate(null);
  clock.advance(100);
  t.equal(a.agent.state, 'completed');
  t.equal(b.agent.state, 'completed');
  t.same(a.states, ['checking', 'connected', 'completed']);
  a.agent.close();
  b.agent.close();
  vnet.close();
  t.equal(clock.pending, 0);
});

t.test(
  'lite agent learns a peer-reflexive candidate behind a NAT; .local candidates are ignored',
  async (t) => {
    const clock = new ManualClock();
    const vnet = new VNet({ clock, seed: 3, defaults: { delayMs: 10 } });
    const nat = vnet.nat({ publicIp: '203.0.113.1' });
    const browser = vnet.host('192.168.1.20', { behind: nat });
    const gw = vnet.host('198.51.100.7');
    const cBrowser = await browser.listenUdp('0.0.0.0', 0);
    const cGw = await gw.listenUdp('198.51.100.7', 8189);
    const full = new IceAgent({
      clock,
      conn: cBrowser,
      role: 'controlling',
      localCandidates: [cBrowser.localAddr],
    });
    const lite = new IceAgent({ clock, conn: cGw, role: 'controlled', lite: true });
    full.setRemoteCredentials(lite.localCredentials.ufrag, lite.localCredentials.pwd);
    lite.setRemoteCredentials(full.localCredentials.ufrag, full.localCredentials.pwd);
    for (const c of lite.localCandidates()) full.addRemoteCandidate(c);
    // What Chromium signals: its host address hidden behind an mDNS name.
    lite.addRemoteCandidate(
      'candidate:2857 1 udp 2122260223 6f1e3c1a-7a2b-4c1e-9d55-0d1c8e6f2a11.local 54321 typ host generation 0',
    );
    lite.addRemoteCandidate(null);
    t.equal(lite.ignoredRemoteCandidates().length, 1);
    t.equal(lite.pairList().length, 0);
    full.start();
    lite.start();
    clock.advance(1000);
    t.equal(lite.state, 'completed', 'selected, and the peer signalled end-of-candidates');
    t.equal(full.state, 'connected');
    const sel = lite.selectedPair;
    t.equal(sel?.remote.type, 'prflx');
    t.equal(sel?.remoteAddr.address, '203.0.113.1', 'the NAT mapping, learned from the check');
    t.not(sel?.remoteAddr.address, cBrowser.localAddr.address);
    t.equal(full.selectedPair?.mappedAddr?.address, '203.0.113.1', 'full side sees its reflexive address');
    const conn = await lite.connected;
    const got: Uint8Array[] = [];
    conn.onData((d) => got.push(d));
    (await full.connected).send(new Uint8Array([0x17, 0xfe, 0xfd]));
    clock.advance(50);
    t.equal(got.length, 1);
    full.close();
    lite.close();
    vnet.close();
    t.equal(clock.pending, 0);
  },
);

for (const seed of [1, 2, 3, 4, 5, 6, 7, 8]) {
  for (const lite of [true, false]) {
    t.test(
      `20% loss, reordering and duplication (seed ${seed}, ${lite ? 'full<->lite' : 'full<->full'})`,
      async (t) => {
        const { clock, vnet, a, b } = await setup({
          seed,
          b: { lite },
          link: { loss: 0.2, delayMs: 20, jitterMs: 15, reorder: 0.2, reorderDelayMs: 30, duplicate: 0.2 },
        });
        a.agent.start();
        b.agent.start();
        clock.advance(20_000);
        t.equal(a.agent.state, 'connected');
        t.equal(b.agent.state, 'connected');
        t.same(a.agent.selectedPair?.remoteAddr, b.conn.localAddr);
        t.same(b.agent.selectedPair?.remoteAddr, a.conn.localAddr);
        const ca = await a.agent.connected;
        const cb = await b.agent.connected;
        let got = 0;
        cb.onData(() => got++);
        for (let i = 0; i < 100; i++) ca.send(new Uint8Array([0x80, i]));
        clock.advance(200);
        t.ok(got > 50 && got < 200, `${got} of 100 (with loss and duplicates) arrived`);
        // Consent survives the lossy link for two minutes.
        clock.advance(120_000);
        // A consent round trip can miss for a few seconds at 20% loss each way ('disconnected' is
        // transient), but consent must never be lost.
        t.notOk(a.states.includes('failed') || b.states.includes('failed'), 'consent kept under loss');
        t.ok(['connected', 'disconnected'].includes(a.agent.state));
        t.ok(vnet.stats.lost > 0 && vnet.stats.duplicated > 0 && vnet.stats.reordered > 0);
        a.agent.close();
        b.agent.close();
        vnet.close();
        t.equal(clock.pending, 0);
      },
    );
  }
}

t.test('consent: a dead peer is detected (disconnected, then failed with ICE_CONSENT_LOST)', async (t) => {
  const { clock, vnet, a, b } = await setup({ b: { lite: true } });
  const ha = vnet.host('10.0.0.9'); // unused host, just to prove link() is per pair
  void ha;
  a.agent.start();
  b.agent.start();
  clock.advance(500);
  const ca = await a.agent.connected;
  const cb = await b.agent.connected;
  let closedWith: Error | undefined;
  ca.onClose((e) => (closedWith = e));
  clock.advance(60_000);
  t.equal(a.agent.state, 'connected', 'consent checks keep it alive');
  t.ok(a.agent.stats.consentChecksSent >= 10, `${a.agent.stats.consentChecksSent} consent checks in 60 s`);
  t.ok(a.agent.stats.consentChecksSent <= 16);
  // The peer goes silent: every datagram is lost from now on.
  vnet.setDefaults({ loss: 1 });
  clock.advance(8_000);
  t.equal(a.agent.state, 'disconnected');
  t.equal(b.agent.state, 'disconnected');
  clock.advance(25_000);
  t.equal(a.agent.state, 'failed');
  t.equal(b.agent.state, 'failed');
  t.equal(a.agent.error?.code, 'ICE_CONSENT_LOST');
  t.equal(b.agent.error?.code, 'ICE_CONSENT_LOST');
  t.ok(closedWith instanceof IceError);
  t.ok(ca.closed && cb.closed);
  t.throws(() => ca.send(new Uint8Array([1])), { code: 'TRANSPORT_CLOSED' });
  t.same(a.states, ['checking', 'connected', 'disconnected', 'failed']);
  a.agent.close();
  b.agent.close();
  t.equal(a.agent.state, 'closed');
  vnet.close();
  t.equal(clock.pending, 0);
});

t.test('consent: a short outage goes disconnected and back to connected', async (t) => {
  const { clock, vnet, a, b } = await setup({ b: { lite: true }, a: { consentTimeout: 20_000 } });
  a.agent.start();
  b.agent.start();
  clock.advance(500);
  vnet.setDefaults({ loss: 1 });
  clock.advance(12_000);
  t.equal(a.agent.state, 'disconnected');
  vnet.setDefaults({ delayMs: 5 });
  clock.advance(7_000);
  t.equal(a.agent.state, 'connected');
  t.equal(b.agent.state, 'connected');
  t.same(a.states, ['checking', 'connected', 'disconnected', 'connected']);
  a.agent.close();
  b.agent.close();
  vnet.close();
});

// Role conflicts (RFC 8445 §7.3.1.1): [name, A options, B options, A's final role, B's final role].
const conflicts: [string, Partial<IceAgentOptions>, Partial<IceAgentOptions>, string, string][] = [
  [
    'both controlling: the smaller tie-breaker yields',
    { tieBreaker: 5n },
    { role: 'controlling', tieBreaker: 9n },
    'controlled',
    'controlling',
  ],
  [
    'both controlled (full): the larger tie-breaker takes control',
    { role: 'controlled', tieBreaker: 0xffffffffffffffffn },
    { tieBreaker: 1n },
    'controlling',
    'controlled',
  ],
  [
    'controlled full vs lite: the lite agent answers 487, the full peer takes control',
    { role: 'controlled', tieBreaker: 1n },
    { lite: true, tieBreaker: 2n },
    'controlling',
    'controlled',
  ],
];
for (const [name, ao, bo, roleA, roleB] of conflicts) {
  t.test(`role conflict, ${name}`, async (t) => {
    const { clock, vnet, a, b } = await setup({ a: ao, b: bo });
    a.agent.start();
    b.agent.start();
    clock.advance(3000);
    t.equal(a.agent.role, roleA);
    t.equal(b.agent.role, roleB);
    t.equal(a.agent.state, 'connected');
    t.equal(b.agent.state, 'connected');
    t.equal(a.agent.stats.roleSwitches + b.agent.stats.roleSwitches, 1, 'exactly one side switched');
    t.equal(addrKey(a.agent.selectedPair?.remoteAddr ?? b.conn.localAddr), addrKey(b.conn.localAddr));
    a.agent.close();
    b.agent.close();
    vnet.close();
  });
}

t.test('every pair failing after end-of-candidates fails the agent', async (t) => {
  const { clock, vnet, a, b } = await setup({ signalB: false });
  b.agent.close();
  a.agent.addRemoteCandidate('candidate:1 1 udp 2130706431 10.0.0.2 9 typ host');
  a.agent.addRemoteCandidate('candidate:2 1 udp 2130706175 10.0.0.77 9 typ host');
  a.agent.addRemoteCandidate(null);
  a.agent.start();
  const rejected = t.rejects(a.agent.connected, { code: 'ICE_CHECKS_FAILED' });
  clock.advance(25_000);
  t.equal(a.agent.state, 'failed');
  t.ok(a.agent.pairList().every((p) => p.state === 'failed'));
  await rejected;
  a.agent.close();
  vnet.close();
  t.equal(clock.pending, 0);
});

t.test(
  'nothing selected within connectTimeout fails with ICE_TIMEOUT; close before that rejects ICE_CLOSED',
  async (t) => {
    const { clock, vnet, a, b } = await setup({ b: { lite: true, connectTimeout: 10_000 } });
    b.agent.start();
    a.agent.close();
    clock.advance(10_000);
    t.equal(b.agent.state, 'failed');
    await t.rejects(b.agent.connected, { code: 'ICE_TIMEOUT' });
    await t.rejects(a.agent.connected, { code: 'ICE_CLOSED' });
    t.ok(a.conn.closed, 'closeConn closes the underlying conn');
    b.agent.close();
    vnet.close();
  },
);

t.test('wrong credentials: checks get 401 and nothing connects; junk is counted, not thrown', async (t) => {
  const { clock, vnet, a, b } = await setup({ b: { lite: true, connectTimeout: 5000 } });
  a.agent.setRemoteCredentials(b.agent.localCredentials.ufrag, 'x'.repeat(22));
  a.agent.start();
  b.agent.start();
  b.conn.send(
    new Uint8Array([0, 1, 0, 4, 0x21, 0x12, 0xa4, 0x42, ...new Array<number>(16).fill(7)]),
    b.conn.localAddr,
  );
  clock.advance(6000);
  t.equal(b.agent.state, 'failed');
  t.equal(b.agent.pairList().length, 0, 'no pair from an unauthenticated check');
  t.ok(b.agent.stats.stunDropped >= 1, 'the junk');
  t.ok(b.agent.stats.errorResponsesSent >= 1, '401s');
  t.ok(a.agent.stats.stunDropped > 0, '401 responses fail integrity on the sender and are dropped');
  a.agent.close();
  b.agent.close();
  vnet.close();
});

t.test('closing the connected conn closes the agent', async (t) => {
  const { clock, vnet, a, b } = await setup({ b: { lite: true } });
  a.agent.start();
  b.agent.start();
  clock.advance(500);
  const cb = await b.agent.connected;
  cb.close();
  t.equal(b.agent.state, 'closed');
  t.ok(cb.closed);
  a.agent.close();
  vnet.close();
  t.equal(clock.pending, 0);
});

t.test('bad options', async (t) => {
  const clock = new ManualClock();
  const vnet = new VNet({ clock });
  const c = await vnet.host('10.0.0.1').listenUdp('0.0.0.0', 0);
  t.throws(() => new IceAgent({ clock, conn: c, role: 'controlling', lite: true }), {
    code: 'ICE_BAD_CONFIG',
  });
  t.throws(() => new IceAgent({ clock, conn: c, role: 'controlled', localUfrag: 'ab' }), {
    code: 'ICE_BAD_CONFIG',
  });
  vnet.close();
});

t.test('a lite agent nominated before start() selects when it starts', async (t) => {
  const { clock, vnet, a, b } = await setup({ b: { lite: true } });
  a.agent.start();
  clock.advance(500);
  t.equal(b.agent.state, 'new');
  t.equal(a.agent.state, 'connected', 'the lite side answered checks before start()');
  b.agent.start();
  t.equal(b.agent.state, 'connected');
  t.equal((await b.agent.connected).remoteAddr?.port, a.conn.localAddr.port);
  a.agent.close();
  b.agent.close();
  vnet.close();
  t.equal(clock.pending, 0);
});

t.test('an AbortSignal closes the agent; a throwing state listener does not break it', async (t) => {
  const ac = new AbortController();
  const { clock, vnet, a, b } = await setup({ b: { lite: true, signal: ac.signal } });
  b.agent.onStateChange(() => {
    throw new Error('listener bug');
  });
  a.agent.start();
  b.agent.start();
  clock.advance(500);
  t.equal(b.agent.state, 'connected');
  t.equal(b.agent.conn, await b.agent.connected, 'agent.conn is the connected conn');
  ac.abort();
  t.equal(b.agent.state, 'closed');
  t.ok(b.conn.closed);
  a.agent.close();
  vnet.close();
  t.equal(clock.pending, 0);
});

t.test(
  'gateway shape on the vnet: three browsers behind NATs, one lite agent each on one UdpMux port, 10% loss',
  async (t) => {
    const clock = new ManualClock();
    const vnet = new VNet({
      clock,
      seed: 11,
      defaults: { delayMs: 15, jitterMs: 5, loss: 0.1, duplicate: 0.05 },
    });
    const gwHost = vnet.host('198.51.100.7');
    const mux = new UdpMux(await gwHost.listenUdp('0.0.0.0', 8189), { routeKey });
    const rng = new Prng(5);
    const sessions = await Promise.all(
      [1, 2, 3].map(async (i) => {
        const nat = vnet.nat({ publicIp: `203.0.113.${i}` });
        const conn = await vnet.host('192.168.1.20', { behind: nat }).listenUdp('0.0.0.0', 0);
        const cred = generateCredentials();
        const gw = new IceAgent({
          clock,
          conn: mux.endpoint(cred.ufrag),
          role: 'controlled',
          lite: true,
          localUfrag: cred.ufrag,
          localPwd: cred.pwd,
          localCandidates: [{ address: '198.51.100.7', port: 8189, family: 'IPv4' }],
          random: () => rng.next(),
        });
        const browser = new IceAgent({ clock, conn, role: 'controlling', random: () => rng.next() });
        browser.setRemoteCredentials(cred.ufrag, cred.pwd);
        gw.setRemoteCredentials(browser.localCredentials.ufrag, browser.localCredentials.pwd);
        for (const c of gw.localCandidates()) browser.addRemoteCandidate(c);
        gw.addRemoteCandidate(
          `candidate:1 1 udp 2122260223 ${i}aaaaaaa-0000-4000-8000-000000000000.local 5000 typ host`,
        );
        gw.start();
        browser.start();
        return { gw, browser, i };
      }),
    );
    clock.advance(10_000);
    for (const { gw, browser, i } of sessions) {
      t.equal(gw.state, 'connected', `session ${i}`);
      t.equal(
        gw.selectedPair?.remoteAddr.address,
        `203.0.113.${i}`,
        `session ${i} selected its own browser's NAT`,
      );
      const up = await gw.connected;
      let got = 0;
      up.onData(() => got++);
      const down = await browser.connected;
      for (let k = 0; k < 20; k++) down.send(new Uint8Array([0x80, k]));
      clock.advance(100);
      t.ok(got >= 12, `session ${i}: ${got} of 20 datagrams through the mux`);
    }
    clock.advance(60_000);
    t.ok(
      sessions.every((s) => !['failed', 'closed'].includes(s.gw.state)),
      'consent holds on every session',
    );
    for (const s of sessions) {
      s.browser.close();
      s.gw.close();
    }
    mux.close();
    vnet.close();
    t.equal(clock.pending, 0);
  },
);

t.test(
  'trickle: candidates arriving after start, and a signalled candidate matching a learned prflx',
  async (t) => {
    const { clock, vnet, a, b } = await setup({ signalA: false, signalB: false });
    a.agent.start();
    b.agent.start();
    clock.advance(1000);
    t.equal(a.agent.state, 'checking', 'nothing to check yet');
    t.equal(a.agent.stats.checksSent, 0);
    for (const c of b.agent.localCandidates()) a.agent.addRemoteCandidate(c); // trickled late
    clock.advance(1000);
    t.equal(a.agent.state, 'connected');
    t.equal(b.agent.state, 'connected');
    t.equal(b.agent.remoteCandidates()[0]?.type, 'prflx', 'B learned A from its check');
    // A's candidate arrives by signalling afterwards: no second candidate, no second pair.
    for (const c of a.agent.localCandidates()) b.agent.addRemoteCandidate(c);
    t.equal(b.agent.remoteCandidates().length, 1);
    t.equal(b.agent.pairList().length, 1);
    a.agent.close();
    b.agent.close();
    vnet.close();
    t.equal(clock.pending, 0);
  },
);

t.test('ICE restart (RFC 8445 §9) on the lite side: a peer moves networks, data follows', async (t) => {
  const { clock, vnet, a, b } = await setup({ b: { lite: true } });
  a.agent.start();
  b.agent.start();
  clock.advance(500);
  const cb = await b.agent.connected;
  const gotA: number[] = [];
  (await a.agent.connected).onData((d) => gotA.push(d[1] as number));
  cb.send(new Uint8Array([0x80, 1]));
  clock.advance(20);
  t.same(gotA, [1], 'data on the first path');

  // The peer comes back from another address with new credentials (a phone from Wi-Fi to LTE).
  const hc = vnet.host('10.0.0.3');
  const cc = await hc.listenUdp('10.0.0.3', 0);
  const c = new IceAgent({ clock, conn: cc, role: 'controlling' });
  const old = b.agent.localCredentials;
  const fresh = b.agent.restart(c.localCredentials.ufrag, c.localCredentials.pwd);
  t.not(fresh.ufrag, old.ufrag, 'new local ufrag');
  t.not(fresh.pwd, old.pwd, 'new local pwd');
  t.equal(b.agent.stats.restarts, 1);
  t.same(b.agent.localCredentials, fresh);
  t.equal(b.agent.remoteCandidates().length, 0, 'the previous generation of candidates is forgotten');

  cb.send(new Uint8Array([0x80, 2]));
  clock.advance(20);
  t.same(gotA, [1, 2], 'until the peer nominates again, data keeps to the selected pair');

  c.setRemoteCredentials(fresh.ufrag, fresh.pwd);
  for (const cand of b.agent.localCandidates()) c.addRemoteCandidate(cand);
  c.start();
  clock.advance(1500);
  t.equal(c.state, 'connected', 'the peer connects with the new credentials');
  t.same(b.agent.selectedPair?.remoteAddr, cc.localAddr, 'the lite side selected the new path');
  t.equal(b.agent.state, 'connected');
  const gotC: number[] = [];
  (await c.connected).onData((d) => gotC.push(d[1] as number));
  cb.send(new Uint8Array([0x80, 3]));
  clock.advance(20);
  t.same(gotC, [3], 'the same DatagramConn now reaches the new address');
  t.same(gotA, [1, 2], 'and no longer the old one');

  // Checks under the old credentials are refused now (401): the old generation is over.
  const stale = b.agent.stats.errorResponsesSent;
  a.agent.addRemoteCandidate(null);
  clock.advance(6000);
  t.ok(b.agent.stats.errorResponsesSent > stale, 'old-credential checks get 401');
  t.throws(
    () => a.agent.restart('abcd', 'abcdefghijklmnopqrstuvwx'),
    { code: 'ICE_BAD_CONFIG' },
    'restart is for lite agents',
  );
  a.agent.close();
  b.agent.close();
  c.close();
  vnet.close();
  t.equal(clock.pending, 0);
});
