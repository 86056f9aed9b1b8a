import t from 'tap';
import { createPipe } from './pipe.ts';
import { ManualClock } from './manual-clock.ts';
import { datagramConnConformance } from './conformance.ts';
import { addr } from './addr.ts';

const settleNothing = async (): Promise<void> => {};

datagramConnConformance(t, 'pipe (synchronous)', async () => {
  const [a, b] = createPipe();
  return { a, b, maxDatagram: 65507, ordered: true, settle: settleNothing };
});

datagramConnConformance(t, 'pipe (ManualClock scheduler)', async () => {
  const clock = new ManualClock();
  const [a, b] = createPipe({ schedule: (fn) => void clock.setTimer(0, fn), maxQueue: 4096 });
  return { a, b, maxDatagram: 65507, ordered: true, settle: async () => void clock.runAll() };
});

t.test('synchronous delivery is run-to-completion, not re-entrant', async (t) => {
  const [a, b] = createPipe();
  const log: string[] = [];
  let depth = 0;
  b.onData((d) => {
    depth++;
    log.push(`b got ${d[0]} at depth ${depth}`);
    if (d[0]! < 3) b.send(new Uint8Array([d[0]! + 1]));
    depth--;
  });
  a.onData((d) => {
    depth++;
    log.push(`a got ${d[0]} at depth ${depth}`);
    if (d[0]! < 3) a.send(new Uint8Array([d[0]! + 1]));
    depth--;
  });
  a.send(new Uint8Array([0]));
  t.same(log, ['b got 0 at depth 1', 'a got 1 at depth 1', 'b got 2 at depth 1', 'a got 3 at depth 1']);
});

t.test('with a scheduler nothing arrives until it runs', async (t) => {
  const clock = new ManualClock();
  const [a, b] = createPipe({ schedule: (fn) => void clock.setTimer(0, fn) });
  const got: number[] = [];
  b.onData((d) => got.push(d[0]!));
  a.send(new Uint8Array([1]));
  a.send(new Uint8Array([2]));
  t.same(got, []);
  clock.advance(0);
  t.same(got, [1, 2]);
});

t.test('a full queue drops and counts', async (t) => {
  const clock = new ManualClock();
  const [a, b] = createPipe({ schedule: (fn) => void clock.setTimer(0, fn), maxQueue: 3 });
  const got: number[] = [];
  b.onData((d) => got.push(d[0]!));
  for (let i = 0; i < 5; i++) a.send(new Uint8Array([i]));
  t.equal(a.queueDrops, 2);
  clock.runAll();
  t.same(got, [0, 1, 2]);
});

t.test('a handler that throws does not lose later datagrams', async (t) => {
  const [a, b] = createPipe();
  const got: number[] = [];
  b.onData((d) => {
    if (d[0] === 0) {
      a.send(new Uint8Array([1])); // queued behind this delivery
      throw new Error('handler bug');
    }
    got.push(d[0]!);
  });
  t.throws(() => a.send(new Uint8Array([0])), /handler bug/);
  t.same(got, []);
  a.send(new Uint8Array([2]));
  t.same(got, [1, 2], 'the queued datagram goes out with the next send, in order');
});

t.test('custom addresses and size limit; connected conns refuse another destination', async (t) => {
  const [a, b] = createPipe({ addrA: addr('10.1.1.1', 1), addrB: addr('::1', 2), maxDatagram: 10 });
  t.same(a.remoteAddr, b.localAddr);
  t.equal(b.localAddr.family, 'IPv6');
  t.throws(() => a.send(new Uint8Array(11)), { code: 'TRANSPORT_SEND' });
  t.throws(() => a.send(new Uint8Array(1), addr('10.9.9.9', 9)), { code: 'TRANSPORT_SEND' });
  let n = 0;
  b.onData(() => n++);
  a.send(new Uint8Array(10), addr('::1', 2));
  t.equal(n, 1, 'an explicit destination equal to the remote is fine');
});

t.test('datagrams before the first handler wait in a bounded queue; the oldest are dropped', async (t) => {
  const [a, b] = createPipe();
  for (let i = 0; i < 40; i++) a.send(new Uint8Array([i]));
  t.equal(a.stats.sent, 40);
  t.equal(b.stats.dropped, 8, '32 kept, 8 oldest dropped');
  t.equal(b.stats.received, 0);
  const got: number[] = [];
  b.onData((d) => got.push(d[0]!));
  t.same(
    got,
    Array.from({ length: 32 }, (_, i) => i + 8),
    'the newest 32 arrive, in order, on onData',
  );
  t.equal(b.stats.received, 32);
});

t.test('a closed conn drops what arrives and keeps nothing', async (t) => {
  const [a, b] = createPipe();
  a.send(new Uint8Array([1]));
  b.close();
  a.send(new Uint8Array([2])); // the other end stays open, as a UDP peer would
  const got: number[] = [];
  b.onData((d) => got.push(d[0]!));
  t.same(got, [], 'the queued datagram went with the close');
  t.equal(b.stats.received, 0);
});

t.test('a close listener that throws does not stop the others', async (t) => {
  const [a] = createPipe();
  let ran = 0;
  a.onClose(() => {
    throw new Error('listener bug');
  });
  a.onClose(() => ran++);
  t.throws(() => a.close(), /listener bug/);
  t.equal(ran, 1);
  t.equal(a.closed, true);
});

t.test('filter drops chosen datagrams on one end and counts them', async (t) => {
  const [a, b] = createPipe();
  const got: number[] = [];
  b.onData((d) => got.push(d[0]!));
  a.onData((d) => got.push(100 + d[0]!));
  a.filter = (d) => d[0] !== 2; // lose the second "flight"
  for (const n of [1, 2, 3]) a.send(new Uint8Array([n]));
  b.send(new Uint8Array([2])); // the other direction is untouched
  t.same(got, [1, 3, 102]);
  t.equal(a.filtered, 1);
  a.filter = undefined;
  a.send(new Uint8Array([2]));
  t.same(got.at(-1), 2);
});
