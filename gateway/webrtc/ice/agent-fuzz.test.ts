import fc from 'fast-check';
import t from 'tap';
import {
  decodeStun,
  encodeStun,
  isStun,
  newTransactionId,
  shortTermKey,
  type StunMessage,
} from '../stun/index.ts';
import {
  ManualClock,
  TransportSendError,
  type Addr,
  type DatagramConn,
  type DatagramHandler,
} from '../transport/index.ts';
import { IceAgent, IceError } from './index.ts';

/*
 * Hostile and odd input straight into an agent's receive handler: random bytes, and authenticated
 * checks with arbitrary attributes from arbitrary addresses. Nothing may throw out of the handler,
 * state must stay legal, and every bound must hold.
 */

class StubConn implements DatagramConn {
  readonly localAddr: Addr = { address: '192.0.2.1', port: 8189, family: 'IPv4' };
  readonly remoteAddr = undefined;
  closed = false;
  handler: DatagramHandler | undefined;
  sent = 0;
  /** Requests the agent sent (its checks), to answer them from the test. */
  requests: { tid: Uint8Array; to: Addr }[] = [];
  send(data: Uint8Array, to?: Addr): void {
    this.sent++;
    if (to && isStun(data) && data[0] === 0 && data[1] === 1) {
      this.requests.push({ tid: decodeStun(data).transactionId.slice(), to });
      if (this.requests.length > 50) this.requests.shift();
    }
  }
  onData(h: DatagramHandler): void {
    this.handler = h;
  }
  onClose(): void {}
  close(): void {
    this.closed = true;
  }
}

// A small pool of sources, so that the same peer address comes back (pairs get re-checked, nominated).
const addrArb = fc.oneof(
  fc.constantFrom(
    { address: '198.51.100.1', port: 5000, family: 'IPv4' as const },
    { address: '198.51.100.1', port: 5001, family: 'IPv4' as const },
    { address: '203.0.113.9', port: 40000, family: 'IPv4' as const },
    { address: '2001:db8::1', port: 5000, family: 'IPv6' as const },
  ),
  fc.record({
    address: fc.ipV4(),
    port: fc.integer({ min: 1, max: 65535 }),
    family: fc.constant('IPv4' as const),
  }),
);

for (const lite of [true, false]) {
  t.test(`${lite ? 'lite' : 'full'} agent survives hostile datagrams`, async (t) => {
    // A fresh agent per run (one would fail on its connect timeout and ignore the rest).
    const fresh = () => {
      const clock = new ManualClock();
      const conn = new StubConn();
      const agent = new IceAgent({
        clock,
        conn,
        role: 'controlled',
        lite,
        localUfrag: 'gwuf',
        localPwd: 'p'.repeat(22),
        localCandidates: [conn.localAddr, { address: '2001:db8::9', port: 8189, family: 'IPv6' }],
        maxRemoteCandidates: 16,
      });
      agent.setRemoteCredentials('peer', 'q'.repeat(22));
      agent.start();
      return { clock, conn, agent };
    };
    const totals = { sent: 0, responses: 0, dropped: 0, errors: 0, states: new Set<string>() };
    const key = shortTermKey('p'.repeat(22));
    // Biased towards well-formed, authenticated requests so the deeper paths run.
    const check = fc.record({
      cls: fc.constantFrom('request', 'request', 'request', 'success', 'error', 'indication' as const),
      username: fc.constantFrom(
        'gwuf:peer',
        'gwuf:peer',
        'gwuf:peer',
        'gwuf:other',
        'nope:peer',
        'gwuf',
        undefined,
      ),
      priority: fc.option(fc.integer({ min: 0, max: 0xffffffff }), { nil: undefined, freq: 5 }),
      useCandidate: fc.boolean(),
      controlling: fc.option(fc.bigInt({ min: 0n, max: 0xffffffffffffffffn }), { nil: undefined, freq: 4 }),
      controlled: fc.oneof(
        { arbitrary: fc.constant(undefined), weight: 4 },
        { arbitrary: fc.bigInt({ min: 0n, max: 0xffffffffffffffffn }), weight: 1 },
      ),
      signed: fc.constantFrom(true, true, true, false),
      unknownRequired: fc.constantFrom(false, false, false, true),
      errorCode: fc.option(fc.integer({ min: 300, max: 699 }), { nil: undefined }),
    });
    const remoteKey = shortTermKey('q'.repeat(22));
    // An answer to one of the agent's own checks: success or error, right or wrong source.
    const answer = fc.record({
      pick: fc.nat(),
      ok: fc.boolean(),
      code: fc.constantFrom(487, 400, 500),
      sameSource: fc.boolean(),
    });
    const datagram = fc.oneof(
      { arbitrary: answer.map((a) => ({ answer: a })), weight: 3 },
      { arbitrary: fc.uint8Array({ maxLength: 64 }).map((b) => ({ bytes: b })), weight: 1 },
      {
        weight: 4,
        arbitrary: check.map((c) => {
          const m: StunMessage = {
            cls: c.cls,
            method: 1,
            transactionId: newTransactionId(),
            attrs: {
              ...(c.username !== undefined ? { username: c.username } : {}),
              ...(c.priority !== undefined ? { priority: c.priority } : {}),
              ...(c.useCandidate ? { useCandidate: true } : {}),
              ...(c.controlling !== undefined ? { iceControlling: c.controlling } : {}),
              ...(c.controlled !== undefined ? { iceControlled: c.controlled } : {}),
              ...(c.errorCode !== undefined ? { errorCode: { code: c.errorCode, reason: 'x' } } : {}),
            },
            ...(c.unknownRequired ? { unknown: [{ type: 0x0042, value: new Uint8Array(3) }] } : {}),
          };
          return { bytes: encodeStun(m, { integrityKey: c.signed ? key : undefined, fingerprint: true }) };
        }),
      },
    );
    fc.assert(
      fc.property(
        fc.array(fc.tuple(datagram, addrArb, fc.integer({ min: 0, max: 400 })), { maxLength: 60 }),
        (steps) => {
          const { clock, conn, agent } = fresh();
          for (const [d, from, wait] of steps) {
            if ('answer' in d) {
              const a = d.answer;
              const req = conn.requests[a.pick % Math.max(1, conn.requests.length)];
              if (!req) continue;
              const attrs = a.ok ? { xorMappedAddress: from } : { errorCode: { code: a.code, reason: 'x' } };
              const bytes = encodeStun(
                { cls: a.ok ? 'success' : 'error', method: 1, transactionId: req.tid, attrs },
                { integrityKey: remoteKey, fingerprint: true },
              );
              conn.handler?.(bytes, a.sameSource ? req.to : from);
            } else conn.handler?.(d.bytes, from);
            clock.advance(wait);
          }
          const bounded = agent.remoteCandidates().length <= 16 && agent.pairList().length <= 16;
          clock.advance(120_000);
          totals.sent += conn.sent;
          totals.responses += agent.stats.responsesReceived;
          totals.dropped += agent.stats.stunDropped;
          totals.errors += agent.stats.errorResponsesSent;
          totals.states.add(agent.state);
          const typed = agent.error === undefined || agent.error instanceof IceError;
          agent.close();
          return bounded && typed && clock.pending === 0;
        },
      ),
      { numRuns: 300 },
    );
    t.ok(totals.sent > 0, 'it answered some');
    if (!lite) t.ok(totals.responses > 0, 'answers to its own checks were exercised');
    t.ok(totals.dropped > 0 && totals.errors > 0);
    // No live peer answers consent, so every run ends failed (timeout or consent lost), never thrown.
    t.same([...totals.states], ['failed']);
  });
}

t.test(
  'controlled full agent, step by step: triggered check, success, repeat check, then USE-CANDIDATE',
  async (t) => {
    const clock = new ManualClock();
    const conn = new StubConn();
    const agent = new IceAgent({
      clock,
      conn,
      role: 'controlled',
      localUfrag: 'gwuf',
      localPwd: 'p'.repeat(22),
      localCandidates: [conn.localAddr],
    });
    agent.setRemoteCredentials('peer', 'q'.repeat(22));
    agent.start();
    const peer: Addr = { address: '198.51.100.1', port: 5000, family: 'IPv4' };
    const request = (useCandidate: boolean) =>
      encodeStun(
        {
          cls: 'request',
          method: 1,
          transactionId: newTransactionId(),
          attrs: {
            username: 'gwuf:peer',
            priority: 1845501695,
            iceControlling: 7n,
            ...(useCandidate ? { useCandidate } : {}),
          },
        },
        { integrityKey: shortTermKey('p'.repeat(22)), fingerprint: true },
      );
    conn.handler?.(request(false), peer);
    t.equal(agent.pairList()[0]?.state, 'waiting', 'a pair from the check, triggered (§7.3.1.4)');
    t.equal(agent.remoteCandidates()[0]?.type, 'prflx');
    t.equal(agent.remoteCandidates()[0]?.priority, 1845501695, 'prflx priority from PRIORITY (§7.3.1.3)');
    clock.advance(0);
    const check = conn.requests.at(-1);
    t.ok(check, 'the triggered check went out');
    t.equal(agent.pairList()[0]?.state, 'in-progress');
    const success = encodeStun(
      {
        cls: 'success',
        method: 1,
        transactionId: check?.tid ?? new Uint8Array(12),
        attrs: { xorMappedAddress: conn.localAddr },
      },
      { integrityKey: shortTermKey('q'.repeat(22)), fingerprint: true },
    );
    conn.handler?.(success, peer);
    t.equal(agent.pairList()[0]?.state, 'succeeded');
    t.equal(agent.state, 'checking', 'controlled: not selected until nominated');
    const sentBefore = conn.requests.length;
    conn.handler?.(request(false), peer);
    clock.advance(100);
    t.equal(conn.requests.length, sentBefore, 'no new check for a pair that already succeeded');
    conn.handler?.(request(true), peer);
    t.equal(agent.state, 'connected', 'USE-CANDIDATE on a valid pair selects it (§7.3.1.5)');
    t.ok(agent.selectedPair?.nominated);
    agent.close();
    t.equal(clock.pending, 0);
  },
);

t.test('a conn that refuses sends (not closed) never makes a timer throw', async (t) => {
  const clock = new ManualClock();
  const conn = new StubConn();
  conn.send = () => {
    throw new TransportSendError('refused');
  };
  const agent = new IceAgent({ clock, conn, role: 'controlling', localCandidates: [conn.localAddr] });
  agent.setRemoteCredentials('peer', 'q'.repeat(22));
  agent.addRemoteCandidate('candidate:1 1 udp 2130706431 198.51.100.1 5000 typ host');
  agent.addRemoteCandidate(null);
  agent.start();
  clock.advance(60_000);
  t.ok(agent.stats.sendErrors >= 7, `${agent.stats.sendErrors} refused sends counted`);
  t.equal(agent.state, 'failed');
  t.equal(agent.error?.code, 'ICE_CHECKS_FAILED');
  agent.close();
  t.equal(clock.pending, 0);
});
