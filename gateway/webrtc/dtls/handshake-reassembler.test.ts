import fc from 'fast-check';
import t from 'tap';
import { decodeHandshakeFragments, encodeHandshakeFragment, fragmentHandshake } from './handshake-header.ts';
import { HandshakeReassembler } from './handshake-reassembler.ts';

const body = (n: number, seed = 1): Uint8Array =>
  Uint8Array.from({ length: n }, (_, i) => (i * 31 + seed) & 0xff);

t.test('byte-by-byte fragments reassemble', async (t) => {
  const r = new HandshakeReassembler();
  const b = body(300);
  for (const f of fragmentHandshake(11, 0, b, 1)) {
    t.equal(r.pop(), undefined);
    t.equal(r.push(f), 'buffered');
  }
  const m = r.pop();
  t.same(m?.body, b);
  t.equal(m?.msgType, 11);
  t.equal(r.nextSeq, 1);
});

t.test('any order, duplicates, overlaps and split sizes give the same messages in order', async (t) => {
  fc.assert(
    fc.property(
      fc.array(fc.integer({ min: 0, max: 700 }), { minLength: 1, maxLength: 4 }),
      fc.integer({ min: 1, max: 97 }),
      fc.integer({ min: 1, max: 50 }),
      fc.infiniteStream(fc.nat()),
      (sizes, fragA, fragB, rnd) => {
        const bodies = sizes.map((n, i) => body(n, i));
        const frags = bodies.flatMap((b, seq) => [
          ...fragmentHandshake(20 + seq, seq, b, fragA),
          ...fragmentHandshake(20 + seq, seq, b, fragB), // overlapping duplicates with other boundaries
        ]);
        const it = rnd[Symbol.iterator]();
        for (let i = frags.length - 1; i > 0; i--) {
          const j = (it.next().value as number) % (i + 1);
          [frags[i], frags[j]] = [frags[j]!, frags[i]!];
        }
        const r = new HandshakeReassembler();
        const out: Uint8Array[] = [];
        for (const f of frags) {
          r.push(f);
          for (let m = r.pop(); m; m = r.pop()) out.push(m.body);
        }
        return out.length === bodies.length && out.every((b, i) => Buffer.compare(b, bodies[i]!) === 0);
      },
    ),
    { numRuns: 300 },
  );
  t.pass();
});

t.test('a record payload split anywhere still decodes into the same fragments', async (t) => {
  const frags = fragmentHandshake(1, 0, body(120), 50);
  const payload = Buffer.concat(frags.map(encodeHandshakeFragment));
  t.same(decodeHandshakeFragments(payload).length, 3);
  for (let cut = 1; cut < payload.length; cut++) {
    // A cut inside a fragment is a malformed payload, never a wrong fragment.
    try {
      const got = decodeHandshakeFragments(payload.subarray(0, cut));
      t.ok(got.length <= 3);
    } catch (err) {
      t.equal((err as { code?: string }).code, 'DTLS_PARSE');
    }
  }
});

t.test('bounds: far-future, over-long, inconsistent fragments are dropped; old ones reported', async (t) => {
  const r = new HandshakeReassembler({
    maxMessageLength: 1000,
    maxFutureMessages: 4,
    maxBufferedBytes: 1500,
  });
  t.equal(
    r.push({ msgType: 1, length: 10, messageSeq: 4, fragmentOffset: 0, fragment: body(10) }),
    'dropped',
  );
  t.equal(
    r.push({ msgType: 1, length: 1001, messageSeq: 0, fragmentOffset: 0, fragment: body(10) }),
    'dropped',
  );
  t.equal(
    r.push({ msgType: 1, length: 900, messageSeq: 0, fragmentOffset: 0, fragment: body(10) }),
    'buffered',
  );
  t.equal(
    r.push({ msgType: 1, length: 900, messageSeq: 1, fragmentOffset: 0, fragment: body(10) }),
    'dropped',
    'buffer bound',
  );
  t.equal(
    r.push({ msgType: 2, length: 900, messageSeq: 0, fragmentOffset: 10, fragment: body(10) }),
    'dropped',
    'type changed',
  );
  t.equal(
    r.push({ msgType: 1, length: 800, messageSeq: 0, fragmentOffset: 10, fragment: body(10) }),
    'dropped',
    'length changed',
  );
  t.equal(
    r.push({ msgType: 1, length: 900, messageSeq: 0, fragmentOffset: 10, fragment: body(10) }, 1),
    'dropped',
    'epoch changed',
  );
  r.reset(3);
  t.equal(r.push({ msgType: 1, length: 1, messageSeq: 2, fragmentOffset: 0, fragment: body(1) }), 'old');
  t.equal(
    r.push({ msgType: 1, length: 1, messageSeq: 3, fragmentOffset: 0, fragment: body(1) }, 1),
    'buffered',
  );
  t.equal(r.pop()?.epoch, 1);
});
