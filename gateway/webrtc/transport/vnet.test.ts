import t from 'tap';
import { VNet } from './vnet.ts';
import { ManualClock } from './manual-clock.ts';
import { datagramConnConformance } from './conformance.ts';
import { addr, sameAddr } from './addr.ts';
import type { Addr } from './addr.ts';
import type { DatagramConn } from './datagram-conn.ts';
import type { LinkConditions } from './link-conditions.ts';
import type { NatFiltering } from './vnet-nat.ts';

datagramConnConformance(t, 'vnet (public hosts, 5 ms links)', async () => {
  const clock = new ManualClock();
  const vnet = new VNet({ clock, defaults: { delayMs: 5 } });
  const a = await vnet.host('10.0.0.1').listenUdp('0.0.0.0', 0);
  const b = await vnet.host('10.0.0.2').listenUdp('10.0.0.2', 5000);
  return {
    a,
    b,
    maxDatagram: 65507,
    ordered: true,
    settle: async () => void clock.runAll(),
    cleanup: () => vnet.close(),
  };
});

datagramConnConformance(t, 'vnet (a behind an address-dependent NAT)', async () => {
  const clock = new ManualClock();
  const vnet = new VNet({ clock, defaults: { delayMs: 2 } });
  const nat = vnet.nat({ publicIp: '203.0.113.1' });
  const a = await vnet.host('192.168.0.2', { behind: nat }).listenUdp('0.0.0.0', 0);
  const b = await vnet.host('198.51.100.2').listenUdp('0.0.0.0', 3478);
  // The first datagram opens the mapping; b then knows a by its public address.
  let mapped: Addr | undefined;
  b.onData((_d, from) => (mapped = from));
  a.send(new Uint8Array([0x80]), b.localAddr);
  clock.runAll();
  if (mapped === undefined) throw new Error('NAT setup: nothing arrived');
  return {
    a,
    b,
    toA: mapped,
    fromA: mapped,
    maxDatagram: 65507,
    ordered: true,
    settle: async () => void clock.runAll(),
    cleanup: () => vnet.close(),
  };
});

async function pair(cond: LinkConditions, seed = 1) {
  const clock = new ManualClock();
  const vnet = new VNet({ clock, seed, defaults: cond });
  const a = await vnet.host('10.0.0.1').listenUdp('0.0.0.0', 0);
  const b = await vnet.host('10.0.0.2').listenUdp('0.0.0.0', 0);
  const got: { seq: number; at: number }[] = [];
  b.onData((d) => got.push({ seq: (d[0]! << 8) | d[1]!, at: clock.now() }));
  const send = (n: number, gapMs = 1) => {
    for (let i = 0; i < n; i++) {
      a.send(new Uint8Array([i >> 8, i & 0xff]), b.localAddr);
      clock.advance(gapMs);
    }
    clock.runAll();
  };
  return { clock, vnet, a, b, got, send };
}

t.test('delay: each datagram arrives exactly delayMs later; nothing moves without the clock', async (t) => {
  const { clock, a, b, got } = await pair({ delayMs: 30 });
  a.send(new Uint8Array([0, 1]), b.localAddr);
  t.equal(got.length, 0, 'not delivered synchronously');
  clock.advance(29);
  t.equal(got.length, 0);
  clock.advance(1);
  t.same(got, [{ seq: 1, at: 30 }]);
});

t.test('loss: about the configured share is lost, and counted', async (t) => {
  const { vnet, got, send } = await pair({ loss: 0.1 });
  send(5000);
  t.equal(vnet.stats.sent, 5000);
  t.equal(vnet.stats.lost + vnet.stats.delivered, 5000);
  t.equal(got.length, vnet.stats.delivered);
  t.ok(vnet.stats.lost > 400 && vnet.stats.lost < 600, `lost ${vnet.stats.lost} of 5000 at 10 %`);
});

t.test('duplication: copies arrive and are counted', async (t) => {
  const { vnet, got, send } = await pair({ duplicate: 0.2 });
  send(1000);
  t.ok(vnet.stats.duplicated > 150 && vnet.stats.duplicated < 250, `duplicated ${vnet.stats.duplicated}`);
  t.equal(got.length, 1000 + vnet.stats.duplicated);
  t.equal(new Set(got.map((g) => g.seq)).size, 1000, 'every datagram at least once');
});

t.test('jitter reorders datagrams closer together than it', async (t) => {
  const { got, send } = await pair({ delayMs: 10, jitterMs: 20 });
  send(200);
  t.equal(got.length, 200);
  const inversions = got.filter((g, i) => i > 0 && g.seq < got[i - 1]!.seq).length;
  t.ok(inversions > 20, `${inversions} out-of-order arrivals`);
  t.ok(
    got.every((g) => g.at - g.seq >= 10 && g.at - g.seq < 30),
    'each within [delay, delay + jitter)',
  );
});

t.test('reorder: held-back datagrams arrive after later ones and are counted', async (t) => {
  const { vnet, got, send } = await pair({ delayMs: 5, reorder: 0.1, reorderDelayMs: 50 });
  send(300);
  t.ok(vnet.stats.reordered > 15 && vnet.stats.reordered < 50, `reordered ${vnet.stats.reordered}`);
  const late = got.filter((g) => g.at - g.seq === 55).length;
  t.equal(late, vnet.stats.reordered, 'exactly the held-back ones are 50 ms late');
  t.ok(
    got.some((g, i) => i > 0 && g.seq < got[i - 1]!.seq),
    'some arrive out of order',
  );
});

t.test('a seed replays exactly; another seed differs', async (t) => {
  const cond = { loss: 0.2, delayMs: 5, jitterMs: 15, duplicate: 0.05, reorder: 0.05 };
  const run = async (seed: number) => {
    const p = await pair(cond, seed);
    p.send(500);
    return { got: p.got, stats: p.vnet.stats };
  };
  const x = await run(42);
  const y = await run(42);
  const z = await run(43);
  t.same(x, y, 'same seed, same arrivals and counters');
  t.notSame(x.got, z.got, 'different seed, different arrivals');
});

t.test('per-link conditions override the defaults, both directions', async (t) => {
  const clock = new ManualClock();
  const vnet = new VNet({ clock });
  const [h1, h2, h3] = [vnet.host('10.0.0.1'), vnet.host('10.0.0.2'), vnet.host('10.0.0.3')];
  const [c1, c2, c3] = await Promise.all([h1, h2, h3].map((h) => h.listenUdp('0.0.0.0', 9)));
  const got: string[] = [];
  for (const [n, c] of [
    ['1', c1],
    ['2', c2],
    ['3', c3],
  ] as const) {
    c!.onData((_d, from) => got.push(`${from.address}->${n}`));
  }
  vnet.link(h1, h2, { loss: 1 }); // a partition between 1 and 2
  c1!.send(new Uint8Array([1]), c2!.localAddr);
  c2!.send(new Uint8Array([1]), c1!.localAddr);
  c1!.send(new Uint8Array([1]), c3!.localAddr);
  c2!.send(new Uint8Array([1]), c3!.localAddr);
  clock.runAll();
  t.same(got.sort(), ['10.0.0.1->3', '10.0.0.2->3']);
  t.equal(vnet.stats.lost, 2);
  vnet.link(h1, h2, {});
  c1!.send(new Uint8Array([1]), c2!.localAddr);
  clock.runAll();
  t.ok(got.includes('10.0.0.1->2'), 'healed');
  vnet.setDefaults({ loss: 1 });
  c1!.send(new Uint8Array([1]), c3!.localAddr);
  clock.runAll();
  t.equal(vnet.stats.lost, 3, 'new defaults apply to links without their own');
});

async function natSetup(filtering: NatFiltering, lifetime?: number) {
  const clock = new ManualClock();
  const vnet = new VNet({ clock });
  const nat = vnet.nat({
    publicIp: '203.0.113.1',
    filtering,
    ...(lifetime !== undefined && { mappingLifetimeMs: lifetime }),
  });
  const inside = await vnet.host('192.168.0.2', { behind: nat }).listenUdp('0.0.0.0', 5000);
  const x = vnet.host('198.51.100.1');
  const x1 = await x.listenUdp('0.0.0.0', 1000);
  const x2 = await x.listenUdp('0.0.0.0', 2000);
  const y1 = await vnet.host('198.51.100.2').listenUdp('0.0.0.0', 1000);
  const seenFrom: Addr[] = [];
  const record = (c: DatagramConn) => c.onData((_d, from) => seenFrom.push(from));
  [x1, x2, y1].forEach(record);
  const atInside: Addr[] = [];
  inside.onData((_d, from) => atInside.push(from));
  /** Whether `c` can reach the inside host's mapping. */
  const reaches = (c: DatagramConn, mapped: Addr) => {
    const before = atInside.length;
    c.send(new Uint8Array([1]), mapped);
    clock.runAll();
    return atInside.length > before;
  };
  return { clock, vnet, nat, inside, x1, x2, y1, seenFrom, reaches };
}

t.test('NAT: endpoint-independent mapping — one public port whatever the destination', async (t) => {
  const { clock, inside, x1, y1, seenFrom, nat } = await natSetup('address-dependent');
  inside.send(new Uint8Array([1]), x1.localAddr);
  inside.send(new Uint8Array([1]), y1.localAddr);
  clock.runAll();
  t.equal(seenFrom.length, 2);
  t.equal(seenFrom[0]!.address, '203.0.113.1', 'source rewritten to the public IP');
  t.ok(sameAddr(seenFrom[0]!, seenFrom[1]!), 'same mapping to both destinations');
  t.equal(nat.size, 1);
});

t.test('NAT filtering: address-dependent admits any port of a contacted IP, nobody else', async (t) => {
  const { clock, inside, x1, x2, y1, seenFrom, reaches, nat } = await natSetup('address-dependent');
  inside.send(new Uint8Array([1]), x1.localAddr);
  clock.runAll();
  const mapped = seenFrom[0]!;
  t.ok(reaches(x1, mapped), 'the contacted ip:port');
  t.ok(reaches(x2, mapped), 'another port of the contacted IP');
  t.notOk(reaches(y1, mapped), 'an IP never contacted is filtered');
  t.equal(nat.stats.filtered, 1);
});

t.test('NAT filtering: address-and-port-dependent admits only the contacted ip:port', async (t) => {
  const { clock, inside, x1, x2, seenFrom, reaches } = await natSetup('address-and-port-dependent');
  inside.send(new Uint8Array([1]), x1.localAddr);
  clock.runAll();
  const mapped = seenFrom[0]!;
  t.ok(reaches(x1, mapped));
  t.notOk(reaches(x2, mapped));
});

t.test('NAT filtering: endpoint-independent admits anyone once mapped; nothing before', async (t) => {
  const { clock, vnet, inside, x1, y1, seenFrom, reaches } = await natSetup('endpoint-independent');
  t.notOk(reaches(y1, addr('203.0.113.1', 40000)), 'no mapping yet');
  t.equal(vnet.stats.filtered, 1);
  inside.send(new Uint8Array([1]), x1.localAddr);
  clock.runAll();
  t.ok(reaches(y1, seenFrom[0]!), 'a stranger reaches an open mapping');
});

t.test('NAT mappings expire without outbound traffic; outbound refreshes them', async (t) => {
  const { clock, inside, x1, seenFrom, reaches, nat } = await natSetup('address-dependent', 1000);
  inside.send(new Uint8Array([1]), x1.localAddr);
  clock.runAll();
  const first = seenFrom[0]!;
  clock.advance(900);
  inside.send(new Uint8Array([1]), x1.localAddr); // refresh
  clock.advance(900);
  t.ok(reaches(x1, first), 'refreshed mapping still open at 1800 ms');
  clock.advance(1100);
  t.notOk(reaches(x1, first), 'expired');
  t.equal(nat.stats.expired, 1);
  inside.send(new Uint8Array([1]), x1.localAddr);
  clock.runAll();
  t.not(seenFrom.at(-1)!.port, first.port, 'a new flow gets a new port');
});

t.test(
  'hosts behind one NAT reach each other by private address; private IPs are not routable outside',
  async (t) => {
    const clock = new ManualClock();
    const vnet = new VNet({ clock });
    const nat = vnet.nat({ publicIp: '203.0.113.1' });
    const other = vnet.nat({ publicIp: '203.0.113.2' });
    const p1 = await vnet.host('192.168.0.2', { behind: nat }).listenUdp('0.0.0.0', 1);
    const p2 = await vnet.host('192.168.0.3', { behind: nat }).listenUdp('0.0.0.0', 1);
    const elsewhere = await vnet.host('192.168.0.3', { behind: other }).listenUdp('0.0.0.0', 1);
    const got: Addr[] = [];
    p2.onData((_d, from) => got.push(from));
    elsewhere.onData(() => t.fail('a private address leaked across NATs'));
    p1.send(new Uint8Array([1]), p2.localAddr);
    clock.runAll();
    t.same(got, [p1.localAddr], 'direct, untranslated');
    t.throws(() => vnet.host('192.168.0.2', { behind: nat }), { code: 'TRANSPORT_VNET_CONFIG' });
    const pub = await vnet.host('198.51.100.9').listenUdp('0.0.0.0', 1);
    pub.send(new Uint8Array([1]), addr('192.168.0.3', 1));
    clock.runAll();
    t.equal(vnet.stats.unreachable, 1);
  },
);

t.test('unreachable: unknown IP, closed port; full network drops and counts', async (t) => {
  const clock = new ManualClock();
  const vnet = new VNet({ clock, maxInFlight: 2 }); // the unknown IP never gets in flight
  const h = vnet.host('10.0.0.1');
  const a = await h.listenUdp('0.0.0.0', 0);
  const b = await vnet.host('10.0.0.2').listenUdp('0.0.0.0', 7);
  a.send(new Uint8Array([1]), addr('10.9.9.9', 1));
  a.send(new Uint8Array([1]), addr('10.0.0.2', 8));
  b.close();
  a.send(new Uint8Array([1]), addr('10.0.0.2', 7));
  a.send(new Uint8Array([1]), addr('10.0.0.2', 7)); // a third in flight: over the limit
  clock.runAll();
  t.match(vnet.stats, { sent: 4, unreachable: 3, queueFull: 1, delivered: 0 });
});

t.test('listenUdp: ephemeral ports, port in use, foreign address, closed network', async (t) => {
  const clock = new ManualClock();
  const vnet = new VNet({ clock });
  const h = vnet.host('10.0.0.1');
  const a = await h.listenUdp('0.0.0.0', 0);
  const b = await h.listenUdp('10.0.0.1', 0);
  t.equal(a.localAddr.port, 49152);
  t.equal(b.localAddr.port, 49153);
  t.same(a.localAddr, addr('10.0.0.1', 49152));
  await t.rejects(h.listenUdp('0.0.0.0', 49152), { code: 'TRANSPORT_BIND' });
  await t.rejects(h.listenUdp('10.0.0.2', 0), { code: 'TRANSPORT_BIND' });
  await t.rejects(h.listenUdp('0.0.0.0', 70000), { code: 'TRANSPORT_BIND' });
  a.close();
  t.equal((await h.listenUdp('0.0.0.0', 49152)).localAddr.port, 49152, 'a closed port can be bound again');
  t.throws(() => vnet.host('10.0.0.1'), { code: 'TRANSPORT_VNET_CONFIG' });
  t.throws(() => vnet.nat({ publicIp: '10.0.0.1' }), { code: 'TRANSPORT_VNET_CONFIG' });
  vnet.close();
  t.ok(b.closed, 'closing the network closes its sockets');
  t.equal(h.socketCount, 0);
  await t.rejects(h.listenUdp('0.0.0.0', 0), { code: 'TRANSPORT_CLOSED' });
});

t.test('closing the network drops datagrams in flight', async (t) => {
  const { clock, vnet, a, b, got } = await pair({ delayMs: 10 });
  a.send(new Uint8Array([0, 1]), b.localAddr);
  vnet.close();
  clock.runAll();
  t.equal(got.length, 0);
  t.equal(vnet.pending, 0);
});
