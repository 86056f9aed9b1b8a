import t from 'tap';
import fc from 'fast-check';
import { BitReader } from './bit-reader.ts';
import { removeEmulationPrevention } from './emulation-prevention.ts';
import { MediaError } from './errors.ts';
import { addEmulationPrevention, BitWriter } from './bit-writer.test-util.ts';

type Op = { k: 'u'; n: number; v: number } | { k: 'ue'; v: number } | { k: 'se'; v: number };

const op: fc.Arbitrary<Op> = fc.oneof(
  fc.integer({ min: 1, max: 32 }).chain((n) =>
    fc.record({
      k: fc.constant('u' as const),
      n: fc.constant(n),
      v: fc.integer({ min: 0, max: 2 ** n - 1 }),
    }),
  ),
  fc.record({
    k: fc.constant('ue' as const),
    v: fc.oneof(fc.nat(300), fc.integer({ min: 0, max: 2 ** 32 - 2 })),
  }),
  fc.record({ k: fc.constant('se' as const), v: fc.integer({ min: -(2 ** 31) + 1, max: 2 ** 31 - 1 }) }),
);

t.test('Exp-Golomb table of H.264 §9.1 (codeNum 0..8)', async (t) => {
  // bit strings of Table 9-2: 1, 010, 011, 00100, 00101, 00110, 00111, 0001000, 0001001
  const bits = '1' + '010' + '011' + '00100' + '00101' + '00110' + '00111' + '0001000' + '0001001';
  const w = new BitWriter();
  for (const b of bits) w.u(1, Number(b));
  const r = new BitReader(w.rbsp());
  t.same(
    Array.from({ length: 9 }, () => r.ue()),
    [0, 1, 2, 3, 4, 5, 6, 7, 8],
  );
  // Table 9-3: se(v) of codeNum k is (-1)^(k+1) * Ceil(k/2)
  const r2 = new BitReader(w.rbsp());
  t.same(
    Array.from({ length: 9 }, () => r2.se()),
    [0, 1, -1, 2, -2, 3, -3, 4, -4],
  );
});

t.test('write → read round trip of u/ue/se with emulation prevention (fast-check)', async (t) => {
  fc.assert(
    fc.property(fc.array(op, { maxLength: 40 }), (ops) => {
      const w = new BitWriter();
      for (const o of ops) {
        if (o.k === 'u') w.u(o.n, o.v);
        else if (o.k === 'ue') w.ue(o.v);
        else w.se(o.v);
      }
      const nal = w.trailing().nal([0x67]);
      const r = new BitReader(nal, { offset: 1 });
      for (const o of ops) {
        const got = o.k === 'u' ? r.u(o.n) : o.k === 'ue' ? r.ue() : r.se();
        if (got !== o.v) return false;
      }
      return r.bit() === 1; // the stop bit
    }),
    { numRuns: 500 },
  );
  t.pass('round trip holds');
});

t.test('reading removes emulation prevention bytes on the fly, like removeEmulationPrevention', async (t) => {
  fc.assert(
    fc.property(
      fc.uint8Array({ maxLength: 64 }).map((a) => a.map((b) => (b < 8 ? 0 : b))),
      (rbsp) => {
        const escaped = addEmulationPrevention(rbsp);
        const back = removeEmulationPrevention(escaped);
        const r = new BitReader(escaped);
        const read = Uint8Array.from(rbsp, () => r.u(8));
        return (
          Buffer.from(back).equals(Buffer.from(rbsp)) &&
          Buffer.from(read).equals(Buffer.from(rbsp)) &&
          !r.hasMore
        );
      },
    ),
    { numRuns: 500 },
  );
  // The escaped stream never holds a start code.
  t.same(Array.from(addEmulationPrevention(Uint8Array.of(0, 0, 1, 0, 0, 0))), [0, 0, 3, 1, 0, 0, 3, 0]);
  t.same(
    Array.from(removeEmulationPrevention(Uint8Array.of(0x67, 0, 0, 3, 1, 0, 0, 3))),
    [0x67, 0, 0, 1, 0, 0],
  );
  const plain = Uint8Array.of(1, 2, 3);
  t.equal(removeEmulationPrevention(plain), plain, 'no copy when nothing to remove');
  // 0x000003 only counts after two zeros: 0x0003 stays.
  t.same(Array.from(removeEmulationPrevention(Uint8Array.of(0, 3, 0, 0, 3, 3))), [0, 3, 0, 0, 3]);
  // Reading with emulation prevention off keeps the 0x03.
  const r = new BitReader(Uint8Array.of(0, 0, 3, 1), { emulationPrevention: false });
  t.same([r.u(8), r.u(8), r.u(8), r.u(8)], [0, 0, 3, 1]);
});

t.test('truncation and oversized codes throw MediaError with an offset', async (t) => {
  const r = new BitReader(Uint8Array.of(0x00));
  t.throws(() => r.ue(), { name: 'MediaError', code: 'MEDIA_TRUNCATED', offset: 1 });
  const zeros = new BitReader(new Uint8Array(8).fill(0), { emulationPrevention: false });
  t.throws(() => zeros.ue(), { name: 'MediaError', code: 'MEDIA_BAD_EXP_GOLOMB' });
  // An emulation prevention byte at the very end is no data.
  const ep = new BitReader(Uint8Array.of(0, 0, 3));
  ep.u(16);
  t.throws(() => ep.bit(), { name: 'MediaError', code: 'MEDIA_TRUNCATED' });
  // Any bytes: reading ue/se/u past the end throws MediaError, never anything else.
  fc.assert(
    fc.property(
      fc.uint8Array({ maxLength: 20 }),
      fc.array(fc.integer({ min: 0, max: 2 }), { minLength: 1 }),
      (bytes, kinds) => {
        const r = new BitReader(bytes);
        try {
          for (let i = 0; i < 400; i++) {
            const k = kinds[i % kinds.length];
            if (k === 0) r.ue();
            else if (k === 1) r.se();
            else r.u(7);
          }
        } catch (e) {
          return e instanceof MediaError;
        }
        return false; // 400 reads of at least one bit cannot fit in 20 bytes
      },
    ),
  );
  t.equal(new BitReader(Uint8Array.of(0xff), { offset: 0 }).bitsRead, 0);
});
