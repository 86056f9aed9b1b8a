import t from 'tap';
import { UdpMux } from './udp-mux.ts';
import { createPipe } from './pipe.ts';
import { BaseConn } from './base-conn.ts';
import { VNet } from './vnet.ts';
import { ManualClock } from './manual-clock.ts';
import { createUdpNet, UDP4_MAX_DATAGRAM } from './udp-conn.ts';
import { datagramConnConformance } from './conformance.ts';
import { addr } from './addr.ts';
import type { Addr } from './addr.ts';
import type { DatagramConn } from './datagram-conn.ts';

/*
 * A stand-in for ICE's routeKey so these tests do not depend on the stun module: a "binding
 * request" here is [0x00, 0x01, keyLength, ...key ascii]. Anything else in the STUN range
 * ([0x01, ...], a "response") has no key.
 */
const enc = new TextEncoder();
const dec = new TextDecoder();
function fakeRequest(key: string): Uint8Array {
  const k = enc.encode(key);
  return new Uint8Array([0x00, 0x01, k.length, ...k]);
}
function routeKey(data: Uint8Array): string | undefined {
  if (data[0] !== 0x00 || data[1] !== 0x01 || data.length < 3) return undefined;
  return dec.decode(data.subarray(3, 3 + data[2]!));
}
const fakeResponse = new Uint8Array([0x01, 0x01, 0]);
const rtp = (n: number) => new Uint8Array([0x80, n]);

/** An unconnected socket stand-in: records what is sent, and tests inject datagrams from anywhere. */
class FakeSocket extends BaseConn {
  readonly sent: { data: Uint8Array; to: Addr }[] = [];
  constructor() {
    super({ localAddr: addr('198.51.100.1', 8189), maxDatagram: 1500 });
  }
  protected transmit(data: Uint8Array, to: Addr): void {
    this.sent.push({ data: data.slice(), to });
  }
}

function setup(maxAddrsPerEndpoint?: number) {
  const sock = new FakeSocket();
  const mux = new UdpMux(sock, {
    routeKey,
    ...(maxAddrsPerEndpoint !== undefined && { maxAddrsPerEndpoint }),
  });
  /** Injects a datagram into the mux as if it came from `from`. */
  const inject = (data: Uint8Array, from: Addr) => sock.deliver(data, from);
  return { mux, sock, inject, sent: sock.sent };
}
function collect(c: DatagramConn) {
  const got: { data: number[]; from: Addr }[] = [];
  c.onData((d, from) => got.push({ data: [...d], from }));
  return got;
}

const alice = addr('203.0.113.5', 40000);
const bob = addr('203.0.113.9', 50000);

t.test(
  'STUN with a known key reaches its endpoint and teaches the address; later traffic follows it',
  async (t) => {
    const { mux, inject } = setup();
    const a = mux.endpoint('ufragA');
    const b = mux.endpoint('ufragB');
    const atA = collect(a);
    const atB = collect(b);
    inject(rtp(1), alice); // before any STUN: unknown
    inject(fakeRequest('ufragA'), alice);
    inject(fakeRequest('ufragB'), bob);
    inject(rtp(2), alice);
    inject(new Uint8Array([0x16, 0xfe]), bob); // DTLS from bob
    inject(fakeResponse, alice); // STUN without key: by address
    t.same(
      atA.map((g) => g.data[0]),
      [0x00, 0x80, 0x01],
    );
    t.same(
      atB.map((g) => g.data[0]),
      [0x00, 0x16],
    );
    t.same(atA[1]!.from, alice);
    t.match(mux.stats, { received: 6, routedByKey: 2, routedByAddr: 3, unknown: 1, learned: 2 });
    t.equal(mux.addressCount, 2);
  },
);

t.test('unknown key and unknown address are dropped and counted', async (t) => {
  const { mux, inject } = setup();
  const a = mux.endpoint('ufragA');
  const atA = collect(a);
  inject(fakeRequest('nobody'), alice);
  inject(fakeResponse, alice);
  inject(new Uint8Array(0), alice);
  inject(new Uint8Array([0x99]), alice);
  t.equal(atA.length, 0);
  t.equal(mux.stats.unknown, 4);
});

t.test(
  'a STUN request sent by an endpoint claims the address, so the keyless response returns',
  async (t) => {
    const { mux, inject, sent } = setup();
    const a = mux.endpoint('ufragA');
    const atA = collect(a);
    a.send(rtp(0), alice); // not STUN: claims nothing
    inject(fakeResponse, alice);
    t.equal(atA.length, 0, 'non-STUN sends do not learn');
    a.send(fakeRequest('remoteufrag:ufragA'), alice); // a connectivity check
    inject(fakeResponse, alice);
    t.equal(atA.length, 1, 'the binding response found its endpoint');
    t.same(
      sent.map((x) => x.to),
      [alice, alice],
      'both went out on the shared conn',
    );
  },
);

t.test('the first owner of an address keeps it; the key still routes the newcomer’s STUN', async (t) => {
  const { mux, inject } = setup();
  const a = mux.endpoint('A');
  const b = mux.endpoint('B');
  const atA = collect(a);
  const atB = collect(b);
  inject(fakeRequest('A'), alice);
  inject(fakeRequest('B'), alice); // same remote address claims session B (spoofed or shared)
  inject(rtp(7), alice);
  t.equal(atB.length, 1, 'B got its own STUN');
  t.same(
    atA.map((g) => g.data[0]),
    [0x00, 0x80],
    'media stays with the first owner',
  );
  t.equal(mux.stats.conflicts, 1);
  a.close();
  inject(fakeRequest('B'), alice);
  inject(rtp(8), alice);
  t.equal(atB.length, 3, 'after A closes, B can claim the address');
});

t.test('learned addresses are bounded per endpoint, oldest forgotten first', async (t) => {
  const { mux, inject } = setup(3);
  const a = mux.endpoint('A');
  const atA = collect(a);
  const from = (i: number) => addr('203.0.113.20', 1000 + i);
  for (let i = 0; i < 10; i++) inject(fakeRequest('A'), from(i));
  t.equal(mux.addressCount, 3);
  t.equal(mux.stats.evicted, 7);
  inject(rtp(1), from(0));
  inject(rtp(2), from(9));
  t.same(
    atA.slice(10).map((g) => g.data[1]),
    [2],
    'only recent addresses route',
  );
});

t.test('an address confirmed again by STUN is kept over newer, silent ones', async (t) => {
  const { mux, inject } = setup(3);
  const a = mux.endpoint('A');
  const atA = collect(a);
  const from = (i: number) => addr('203.0.113.20', 1000 + i);
  inject(fakeRequest('A'), from(0)); // the live peer
  inject(fakeRequest('A'), from(1));
  inject(fakeRequest('A'), from(2));
  inject(fakeRequest('A'), from(0)); // consent check: refreshed
  inject(fakeRequest('A'), from(3)); // evicts from(1), the least recently confirmed
  inject(fakeRequest('A'), from(4)); // evicts from(2)
  const before = atA.length;
  inject(rtp(1), from(0));
  inject(rtp(2), from(1));
  t.equal(atA.length, before + 1, 'the live peer still routes, the evicted one does not');
  t.equal(mux.stats.evicted, 2);
});

t.test('closing an endpoint forgets its addresses and frees its key', async (t) => {
  const { mux, inject } = setup();
  const a = mux.endpoint('A');
  inject(fakeRequest('A'), alice);
  t.throws(() => mux.endpoint('A'), { code: 'TRANSPORT_MUX_KEY_IN_USE' });
  a.close();
  t.equal(mux.addressCount, 0);
  t.equal(mux.size, 0);
  inject(rtp(1), alice);
  t.equal(mux.stats.unknown, 1);
  const a2 = mux.endpoint('A');
  t.equal(a2.closed, false, 'the key can be reused');
});

t.test(
  'closing the mux closes every endpoint and the shared conn; the shared conn closing closes the mux',
  async (t) => {
    const { mux, sock } = setup();
    const a = mux.endpoint('A');
    const b = mux.endpoint('B');
    const errs: (Error | undefined)[] = [];
    a.onClose((e) => errs.push(e));
    b.onClose((e) => errs.push(e));
    const boom = new Error('gone');
    mux.close(boom);
    t.same(errs, [boom, boom]);
    t.ok(sock.closed);
    t.throws(() => mux.endpoint('C'), { code: 'TRANSPORT_CLOSED' });

    const s2 = setup();
    const c = s2.mux.endpoint('C');
    s2.sock.close(boom);
    t.ok(s2.mux.closed && c.closed);
    t.equal(c.error, boom);
  },
);

t.test('a routeKey that throws costs a counted drop, not the mux', async (t) => {
  const [, sock] = createPipe();
  const mux = new UdpMux(sock, {
    routeKey: () => {
      throw new Error('parser bug');
    },
  });
  const a = mux.endpoint('A');
  const atA = collect(a);
  sock.deliver(fakeRequest('A'), alice);
  t.equal(mux.stats.routeKeyErrors, 1);
  t.equal(atA.length, 0);
  t.equal(mux.closed, false);
});

t.test('endpoints send from the shared address, unconnected', async (t) => {
  const { mux } = setup();
  const a = mux.endpoint('A');
  t.same(a.localAddr, addr('198.51.100.1', 8189));
  t.equal(a.remoteAddr, undefined);
  t.throws(() => a.send(rtp(1)), { code: 'TRANSPORT_SEND' });
});

// Over real sockets: two gateways, each with a mux on its own UDP port; session "a" on the first
// reaches session "b" on the second after one keyed STUN request.
const net = createUdpNet({ recvBufferSize: 1 << 20 });
const sleep = (ms: number) => new Promise<void>((r) => setTimeout(r, ms));
datagramConnConformance(t, 'mux endpoint over udp', async () => {
  const muxA = new UdpMux(await net.listenUdp('127.0.0.1', 0), { routeKey });
  const muxB = new UdpMux(await net.listenUdp('127.0.0.1', 0), { routeKey });
  const a = muxA.endpoint('a');
  const b = muxB.endpoint('b');
  let hello = 0;
  b.onData(() => hello++);
  a.send(fakeRequest('b'), b.localAddr); // teaches muxA (sent STUN) and muxB (keyed STUN)
  for (let i = 0; i < 200 && hello === 0; i++) await sleep(5);
  if (hello === 0) throw new Error('mux setup: the keyed request never arrived');
  return {
    a,
    b,
    maxDatagram: UDP4_MAX_DATAGRAM,
    ordered: true,
    settle: () => sleep(5),
    cleanup: () => {
      muxA.close();
      muxB.close();
    },
  };
});

// Deterministically, across a NAT: the server's mux endpoint talks to a client whose address it only
// knows as the NAT mapping its first Binding request came from.
datagramConnConformance(t, 'mux endpoint over vnet, client behind a NAT', async () => {
  const clock = new ManualClock();
  const vnet = new VNet({ clock, defaults: { delayMs: 3 } });
  const nat = vnet.nat({ publicIp: '203.0.113.1', filtering: 'address-and-port-dependent' });
  const mux = new UdpMux(await vnet.host('198.51.100.1').listenUdp('0.0.0.0', 8189), { routeKey });
  const a = mux.endpoint('srv');
  const b = await vnet.host('192.168.0.2', { behind: nat }).listenUdp('0.0.0.0', 0);
  let mapped: Addr | undefined;
  a.onData((_d, from) => (mapped = from));
  b.send(fakeRequest('srv'), mux.localAddr);
  clock.runAll();
  if (mapped === undefined) throw new Error('setup: the request never reached the endpoint');
  return {
    a,
    b,
    toB: mapped,
    fromB: mapped,
    maxDatagram: 65507,
    ordered: true,
    settle: async () => void clock.runAll(),
    cleanup: () => {
      mux.close();
      vnet.close();
    },
  };
});

t.test('addKey: a restarted session is reached by its new key too; keys go when it closes', async (t) => {
  const { mux, inject } = setup();
  const a = mux.endpoint('ufragA');
  const b = mux.endpoint('ufragB');
  const atA = collect(a);
  a.addKey('ufragA2');
  a.addKey('ufragA2'); // idempotent
  t.same(a.keys, ['ufragA', 'ufragA2']);
  const moved = addr('203.0.113.77', 40000); // the peer after a network change: an unknown address
  inject(fakeRequest('ufragA2'), moved);
  inject(rtp(1), moved);
  t.equal(atA.length, 2, 'the new key routes its STUN, which teaches the new address');
  t.throws(
    () => a.addKey('ufragB'),
    { code: 'TRANSPORT_MUX_KEY_IN_USE' },
    'another session’s key is refused',
  );
  a.close();
  inject(fakeRequest('ufragA2'), moved);
  t.equal(atA.length, 2);
  t.equal(mux.stats.unknown, 1, 'both keys were forgotten with the endpoint');
  const again = mux.endpoint('ufragA2');
  t.ok(again, 'the key is free for a new session');
  t.throws(() => a.addKey('x'), { code: 'TRANSPORT_CLOSED' });
  b.close();
  again.close();
});
