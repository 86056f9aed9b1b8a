import type { Addr } from './addr.ts';
import { sameAddr } from './addr.ts';
import type { DatagramConn } from './datagram-conn.ts';

/**
 * The part of a tap `Test` the suite uses (structural, so this file needs no test framework at
 * runtime and other modules can run it on their own conns from a test).
 */
export interface ConformanceTest {
  test(name: string, fn: (t: ConformanceTest) => Promise<void>): unknown;
  ok(value: unknown, message: string): unknown;
  equal(found: unknown, wanted: unknown, message: string): unknown;
  same(found: unknown, wanted: unknown, message: string): unknown;
}

/** Two conns that can reach each other, made fresh for every check. */
export interface ConformancePair {
  a: DatagramConn;
  b: DatagramConn;
  /** Where `a` sends to reach `b` (needed when `a` is unconnected). Default `b.localAddr`. */
  toB?: Addr;
  /** Where `b` sends to reach `a`. Default `a.localAddr`. */
  toA?: Addr;
  /** The `from` that `b` sees for `a`'s datagrams (a NAT or mux may differ). Default `a.localAddr`. */
  fromA?: Addr;
  /** The `from` that `a` sees for `b`'s datagrams. Default `b.localAddr`. */
  fromB?: Addr;
  /** Largest datagram both directions must carry intact; one byte more must throw TRANSPORT_SEND. */
  maxDatagram: number;
  /** Lossless and in order (pipe, vnet without loss, loopback UDP at test rates). */
  ordered: boolean;
  /** Lets pending deliveries happen: nothing for a synchronous pipe, clock.runAll() for a vnet, a short wait for UDP. */
  settle(): Promise<void>;
  /** Releases what the factory made beyond a and b (sockets, muxes). a and b are closed by the suite. */
  cleanup?(): Promise<void> | void;
}

/** Makes a fresh {@link ConformancePair}. */
export type ConformanceFactory = () => Promise<ConformancePair>;

/** Options of {@link datagramConnConformance}. */
export interface ConformanceOptions {
  /**
   * First byte of every payload the suite sends. Default 0x80 (RTP in RFC 7983), so conns that
   * classify by first byte (demux class conns, mux endpoints past their first STUN) carry them.
   */
  firstByte?: number;
  /** Settle rounds allowed for datagrams to arrive before a check gives up. Default 50. */
  rounds?: number;
  /**
   * The conn tells its peer when it closes (DTLS close_notify, RFC 5246 §7.2.1), so the peer closes
   * too, where UDP-like conns close silently. Default false.
   */
  closeNotifiesPeer?: boolean;
}

interface Got {
  data: Uint8Array;
  from: Addr;
}

function payload(first: number, seq: number, size: number): Uint8Array {
  const p = new Uint8Array(size);
  for (let i = 0; i < size; i++) p[i] = (seq * 31 + i * 7) & 0xff;
  if (size > 0) p[0] = first;
  if (size > 2) {
    p[1] = seq >> 8;
    p[2] = seq & 0xff;
  }
  return p;
}

/** Byte equality whatever the view type (dgram gives Buffers, others plain Uint8Arrays). */
function sameBytes(x: Uint8Array | undefined, y: Uint8Array): boolean {
  return x !== undefined && x.length === y.length && Buffer.compare(x, y) === 0;
}

function collect(conn: DatagramConn): Got[] {
  const got: Got[] = [];
  conn.onData((data, from) => got.push({ data, from }));
  return got;
}

function codeOf(fn: () => unknown): string | undefined {
  try {
    fn();
  } catch (e) {
    return (e as { code?: string }).code ?? 'no code';
  }
  return undefined;
}

/**
 * The one conformance suite every {@link DatagramConn} implementation runs (DESIGN: "one shared
 * conformance suite runs each DatagramConn implementation"): addresses, delivery and order, own
 * copies of the bytes, large datagrams, handler replacement, close semantics, TransportClosedError.
 *
 * @example
 * // pipe.test.ts
 * import t from 'tap';
 * datagramConnConformance(t, 'pipe', async () => {
 *   const [a, b] = createPipe();
 *   return { a, b, maxDatagram: 65507, ordered: true, settle: async () => {} };
 * });
 */
export function datagramConnConformance(
  t: ConformanceTest,
  name: string,
  factory: ConformanceFactory,
  opts: ConformanceOptions = {},
): void {
  const first = opts.firstByte ?? 0x80;
  const rounds = opts.rounds ?? 50;

  const withPair = (label: string, fn: (t: ConformanceTest, p: ConformancePair) => Promise<void>): void => {
    t.test(`${name}: ${label}`, async (tt) => {
      const p = await factory();
      try {
        await fn(tt, p);
      } finally {
        p.a.close();
        p.b.close();
        await p.cleanup?.();
      }
    });
  };
  const until = async (p: ConformancePair, cond: () => boolean): Promise<boolean> => {
    for (let i = 0; i < rounds && !cond(); i++) await p.settle();
    return cond();
  };
  /** For negative checks: let everything in flight land. */
  const quiesce = async (p: ConformancePair): Promise<void> => {
    for (let i = 0; i < 3; i++) await p.settle();
  };
  const toB = (p: ConformancePair): Addr => p.toB ?? p.b.localAddr;
  const toA = (p: ConformancePair): Addr => p.toA ?? p.a.localAddr;

  withPair('addresses are set', async (t, p) => {
    for (const [n, c] of [
      ['a', p.a],
      ['b', p.b],
    ] as const) {
      t.ok(c.localAddr.address.length > 0, `${n}.localAddr.address set`);
      t.ok(c.localAddr.port > 0 && c.localAddr.port <= 65535, `${n}.localAddr.port in 1..65535`);
      t.equal(c.localAddr.family, c.localAddr.address.includes(':') ? 'IPv6' : 'IPv4', `${n} family`);
      t.equal(c.closed, false, `${n} starts open`);
      if (c.remoteAddr !== undefined) t.ok(c.remoteAddr.port > 0, `${n}.remoteAddr set`);
    }
    if (p.a.remoteAddr !== undefined) t.ok(sameAddr(p.a.remoteAddr, toB(p)), 'a is connected to b');
    if (p.b.remoteAddr !== undefined) t.ok(sameAddr(p.b.remoteAddr, toA(p)), 'b is connected to a');
  });

  withPair('delivers both ways with the right bytes and source', async (t, p) => {
    const atA = collect(p.a);
    const atB = collect(p.b);
    p.a.send(payload(first, 1, 100), toB(p));
    p.b.send(payload(first, 2, 200), toA(p));
    t.ok(await until(p, () => atA.length >= 1 && atB.length >= 1), 'both arrive');
    t.ok(sameBytes(atB[0]?.data, payload(first, 1, 100)), 'b got a’s bytes');
    t.ok(sameBytes(atA[0]?.data, payload(first, 2, 200)), 'a got b’s bytes');
    t.ok(atB[0] && sameAddr(atB[0].from, p.fromA ?? p.a.localAddr), 'b sees a’s address as from');
    t.ok(atA[0] && sameAddr(atA[0].from, p.fromB ?? p.b.localAddr), 'a sees b’s address as from');
  });

  withPair('keeps order and loses nothing (ordered conns) / delivers (others)', async (t, p) => {
    const atB = collect(p.b);
    const n = 200;
    for (let i = 0; i < n; i++) p.a.send(payload(first, i, 64 + (i % 50)), toB(p));
    const want = p.ordered ? n : 1;
    t.ok(await until(p, () => atB.length >= want), `${want} of ${n} arrive`);
    if (p.ordered) {
      const seqs = atB.map((g) => ((g.data[1] as number) << 8) | (g.data[2] as number));
      t.same(
        seqs,
        Array.from({ length: n }, (_, i) => i),
        'in send order',
      );
      t.ok(
        atB.every((g, i) => g.data.length === 64 + (i % 50)),
        'datagram boundaries kept',
      );
    }
  });

  withPair('sender may reuse its buffer; receiver owns its copy', async (t, p) => {
    const atB = collect(p.b);
    const buf = payload(first, 7, 300);
    p.a.send(buf, toB(p));
    buf.fill(0xee, 1); // reuse at once, as an SRTP encoder reuses its output buffer
    p.a.send(buf, toB(p));
    t.ok(await until(p, () => atB.length >= 2), 'both arrive');
    t.ok(sameBytes(atB[0]?.data, payload(first, 7, 300)), 'first datagram unaffected by the reuse');
    const got = atB[0]?.data;
    if (got) {
      got[5] = got[5]! ^ 0xff; // the receiver may write its copy
      t.equal(buf[5], 0xee, 'receiver’s copy is not the sender’s buffer');
    }
  });

  withPair('carries the largest datagram; refuses one byte more', async (t, p) => {
    const atB = collect(p.b);
    const atA = collect(p.a);
    const big = payload(first, 9, p.maxDatagram);
    p.a.send(big, toB(p));
    p.b.send(big, toA(p));
    t.ok(await until(p, () => atB.length >= 1 && atA.length >= 1), 'largest datagram arrives both ways');
    t.equal(atB[0]?.data.length, p.maxDatagram, 'length intact');
    t.ok(sameBytes(atB[0]?.data, big), 'bytes intact');
    t.ok(sameBytes(atA[0]?.data, big), 'bytes intact the other way');
    t.equal(
      codeOf(() => p.a.send(new Uint8Array(p.maxDatagram + 1), toB(p))),
      'TRANSPORT_SEND',
      'oversize throws TransportSendError',
    );
    t.equal(p.a.closed, false, 'an oversize send does not close the conn');
  });

  withPair('a new data handler replaces the old one', async (t, p) => {
    const one = collect(p.b);
    p.a.send(payload(first, 1, 10), toB(p));
    t.ok(await until(p, () => one.length >= 1), 'first handler gets the first datagram');
    const two = collect(p.b);
    p.a.send(payload(first, 2, 10), toB(p));
    t.ok(await until(p, () => two.length >= 1), 'second handler gets the second');
    await quiesce(p);
    t.equal(one.length, 1, 'first handler got nothing more');
    t.equal(two[0]?.data[2], 2, 'second handler got datagram 2');
  });

  withPair('close: idempotent, listeners once, error passed, late listener runs at once', async (t, p) => {
    const calls: (Error | undefined)[] = [];
    p.a.onClose((e) => calls.push(e));
    p.a.onClose((e) => calls.push(e));
    const boom = new Error('boom');
    p.a.close(boom);
    p.a.close();
    p.a.close(new Error('again'));
    t.equal(p.a.closed, true, 'closed is true');
    t.equal(calls.length, 2, 'each listener ran once');
    t.ok(
      calls.every((e) => e === boom),
      'listeners got the close error',
    );
    let late: Error | undefined | null = null;
    p.a.onClose((e) => (late = e));
    t.equal(late, boom, 'listener added after close runs at once with the error');
    const plain: (Error | undefined)[] = [];
    p.b.onClose((e) => plain.push(e));
    p.b.close();
    t.same(plain, [undefined], 'close() without error passes undefined');
  });

  withPair('send after close throws TransportClosedError', async (t, p) => {
    p.a.close();
    t.equal(
      codeOf(() => p.a.send(payload(first, 1, 10), toB(p))),
      'TRANSPORT_CLOSED',
      'send throws TRANSPORT_CLOSED',
    );
  });

  if (opts.closeNotifiesPeer) {
    withPair('closing tells the peer, which closes too', async (t, p) => {
      const atB = collect(p.b);
      p.b.close();
      await quiesce(p);
      t.equal(p.a.closed, true, 'the peer closed on the notification');
      t.equal(
        codeOf(() => p.a.send(payload(first, 1, 10), toB(p))),
        'TRANSPORT_CLOSED',
        'and refuses to send',
      );
      t.equal(atB.length, 0, 'closed conn got nothing');
    });
  } else {
    withPair('a closed conn receives nothing; its peer can still send', async (t, p) => {
      const atB = collect(p.b);
      p.b.close();
      t.equal(
        codeOf(() => p.a.send(payload(first, 1, 10), toB(p))),
        undefined,
        'sending to a closed peer does not throw (datagrams just vanish)',
      );
      await quiesce(p);
      t.equal(atB.length, 0, 'closed conn got nothing');
      t.equal(p.a.closed, false, 'the sender stays open');
    });
  }

  withPair('unconnected conns refuse send() without a destination', async (t, p) => {
    for (const c of [p.a, p.b]) {
      if (c.remoteAddr === undefined) {
        t.equal(
          codeOf(() => c.send(payload(first, 1, 10))),
          'TRANSPORT_SEND',
          'no destination throws TransportSendError',
        );
      } else {
        t.ok(true, 'connected conn: send() without destination is its normal use');
      }
    }
  });
}
