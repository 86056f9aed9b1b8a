import t from 'tap';
import fc from 'fast-check';
import { createPipe } from './pipe.ts';
import { classify, createDemux, RFC7983_MATCH_TABLE } from './demux.ts';
import type { PacketClass } from './demux.ts';
import { datagramConnConformance } from './conformance.ts';

/** The RFC 7983 §7 / RFC 9443 §3 ranges written out independently of the table under test. */
function expected(b: number): PacketClass | undefined {
  if (b <= 3) return 'stun';
  if (b >= 16 && b <= 19) return 'zrtp';
  if (b >= 20 && b <= 63) return 'dtls';
  if (b >= 64 && b <= 79) return 'turn';
  if (b >= 128 && b <= 191) return 'rtp';
  return undefined;
}

t.test('classify matches RFC 7983 for every first byte', async (t) => {
  for (let b = 0; b < 256; b++) t.equal(classify(new Uint8Array([b, 0])), expected(b), `byte ${b}`);
  t.equal(classify(new Uint8Array(0)), undefined, 'empty datagram matches nothing');
  t.equal(RFC7983_MATCH_TABLE.length, 5);
  t.ok(Object.isFrozen(RFC7983_MATCH_TABLE));
});

t.test('routes each class to its conn; counts and drops the rest', async (t) => {
  const [a, b] = createPipe();
  const d = createDemux(b);
  const got: Record<string, number[]> = {};
  for (const c of ['stun', 'zrtp', 'dtls', 'turn', 'rtp'] as const) {
    got[c] = [];
    d.conn(c).onData((data) => got[c]!.push(data[0]!));
  }
  const firsts = [0, 3, 4, 15, 16, 19, 20, 22, 63, 64, 79, 80, 127, 128, 191, 192, 255];
  for (const f of firsts) a.send(new Uint8Array([f, 9, 9]));
  a.send(new Uint8Array(0));
  t.same(got, { stun: [0, 3], zrtp: [16, 19], dtls: [20, 22, 63], turn: [64, 79], rtp: [128, 191] });
  t.equal(d.stats.unmatched, 7, '4, 15, 80, 127, 192, 255 and the empty one');
  t.equal(d.rtp.stats.received, 2);
});

t.test('property: every datagram is delivered to exactly its class or counted', async (t) => {
  fc.assert(
    fc.property(fc.array(fc.uint8Array({ minLength: 0, maxLength: 20 }), { maxLength: 50 }), (packets) => {
      const [a, b] = createPipe();
      const d = createDemux(b);
      const seen: { cls: string; data: Uint8Array }[] = [];
      for (const c of ['stun', 'zrtp', 'dtls', 'turn', 'rtp'] as const) {
        d.conn(c).onData((data) => seen.push({ cls: c, data }));
      }
      for (const p of packets) a.send(p);
      const want = packets.filter((p) => p.length > 0 && expected(p[0]!) !== undefined);
      return (
        seen.length === want.length &&
        seen.every((s, i) => s.cls === expected(want[i]![0]!) && Buffer.compare(s.data, want[i]!) === 0) &&
        d.stats.unmatched === packets.length - want.length
      );
    }),
  );
  t.pass('property held');
});

t.test('class conns send through the shared conn; closing one class leaves the rest', async (t) => {
  const [a, b] = createPipe();
  const d = createDemux(b);
  const atA: number[] = [];
  a.onData((data) => atA.push(data[0]!));
  d.dtls.send(new Uint8Array([22]));
  d.stun.send(new Uint8Array([1]));
  t.same(atA, [22, 1]);
  t.same(d.dtls.localAddr, b.localAddr);
  t.same(d.dtls.remoteAddr, b.remoteAddr);
  let rtp = 0;
  d.rtp.onData(() => rtp++);
  d.dtls.onData(() => t.fail('closed class got data'));
  d.dtls.close();
  a.send(new Uint8Array([22]));
  a.send(new Uint8Array([128]));
  t.equal(rtp, 1, 'rtp still flows');
  t.equal(d.dtls.stats.dropped, 1, 'dtls after its close is a counted drop');
  t.equal(b.closed, false);
});

t.test(
  'the shared conn closing closes every class with its error; demux.close closes the shared conn',
  async (t) => {
    const [, b] = createPipe();
    const d = createDemux(b);
    const errs: (Error | undefined)[] = [];
    d.stun.onClose((e) => errs.push(e));
    d.rtp.onClose((e) => errs.push(e));
    const boom = new Error('socket died');
    b.close(boom);
    t.same(errs, [boom, boom]);
    t.ok(d.closed);
    t.throws(() => d.rtp.send(new Uint8Array([128])), { code: 'TRANSPORT_CLOSED' });

    const [, b2] = createPipe();
    const d2 = createDemux(b2);
    d2.close();
    t.ok(b2.closed, 'shared conn closed');
    t.ok(d2.turn.closed && d2.zrtp.closed, 'classes closed');
  },
);

datagramConnConformance(t, 'demux rtp class over a pipe', async () => {
  const [x, y] = createPipe();
  const dx = createDemux(x);
  const dy = createDemux(y);
  return {
    a: dx.rtp,
    b: dy.rtp,
    toB: x.remoteAddr,
    toA: y.remoteAddr,
    fromA: x.localAddr,
    fromB: y.localAddr,
    maxDatagram: 65507,
    ordered: true,
    settle: async () => {},
    cleanup: () => {
      dx.close();
      dy.close();
    },
  };
});
