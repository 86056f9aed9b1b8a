import t from 'tap';
import fc from 'fast-check';
import { readFileSync } from 'node:fs';
import { AnnexBSplitter, findStartCode, joinAnnexB, splitAnnexB } from './annexb.ts';
import { addEmulationPrevention } from './bit-writer.test-util.ts';

const hex = (a: readonly Uint8Array[]): string[] => a.map((n) => Buffer.from(n).toString('hex'));

/** A NAL unit as the splitter sees one: not empty, not ending in 0x00, no 0x000001 / 0x000000 inside. */
const nalUnit: fc.Arbitrary<Uint8Array> = fc.uint8Array({ minLength: 1, maxLength: 200 }).map((a) => {
  const escaped = addEmulationPrevention(a);
  return escaped[escaped.length - 1] === 0 ? Uint8Array.from([...escaped, 0x80]) : escaped;
});

/** Feeds `stream` to a new splitter cut at the given points; returns every NAL unit. */
function splitChunked(stream: Uint8Array, cuts: number[]): Uint8Array[] {
  const s = new AnnexBSplitter();
  const out: Uint8Array[] = [];
  let prev = 0;
  for (const c of [...new Set(cuts)].sort((a, b) => a - b)) {
    out.push(...s.push(stream.subarray(prev, c)));
    prev = c;
  }
  out.push(...s.push(stream.subarray(prev)));
  out.push(...s.flush());
  return out;
}

t.test('3- and 4-byte start codes, leading garbage, trailing zeros', async (t) => {
  const stream = Uint8Array.from([
    0xaa,
    0xbb, // garbage before the first start code
    0,
    0,
    0,
    1,
    0x67,
    0x42,
    0x00,
    0x1f,
    0,
    0,
    1,
    0x68,
    0xce,
    0,
    0,
    0,
    0,
    1,
    0x65,
    0x88, // 0x68ce followed by trailing_zero_8bits
    0,
    0,
    1,
    0,
    0,
    1,
    0x41, // an empty NAL unit is dropped
    0,
    0, // trailing zeros at the end of the stream
  ]);
  const want = ['6742001f', '68ce', '6588', '41'];
  t.same(hex(splitAnnexB(stream)), want);
  t.same(hex(splitChunked(stream, [])), want);
  t.same(splitAnnexB(Uint8Array.of(1, 2, 3)), [], 'no start code: nothing');
  t.same(splitAnnexB(new Uint8Array(0)), []);
  t.equal(findStartCode(Uint8Array.of(5, 0, 0, 1)), 1);
  t.equal(findStartCode(Uint8Array.of(0, 0, 2, 0, 0, 1), 1), 3);
  t.equal(findStartCode(Uint8Array.of(0, 0, 1), 0, 2), -1, 'respects the end bound');
  const views = splitAnnexB(stream);
  t.equal(views[0]?.buffer, stream.buffer, 'splitAnnexB returns views, no copy');
});

t.test('byte-by-byte equals whole', async (t) => {
  const stream = joinAnnexB(
    [Uint8Array.of(9, 0xf0), Uint8Array.of(0x67, 0, 0, 3, 1), Uint8Array.of(0x65, 1, 2, 3)],
    3,
  );
  const s = new AnnexBSplitter();
  const got: Uint8Array[] = [];
  for (const b of stream) got.push(...s.push(Uint8Array.of(b)));
  got.push(...s.flush());
  t.same(hex(got), hex(splitAnnexB(stream)));
  t.same(hex(got), ['09f0', '6700000301', '65010203']);
  t.equal(s.stats.nalus, 3);
});

t.test('any chunking of any stream yields the same NAL units (fast-check)', async (t) => {
  fc.assert(
    fc.property(
      fc.array(nalUnit, { maxLength: 12 }),
      fc.array(fc.constantFrom(3 as const, 4 as const), { minLength: 12, maxLength: 12 }),
      fc.array(fc.nat(3000), { maxLength: 30 }),
      (nalus, codes, cuts) => {
        const parts = nalus.map((n, i) => joinAnnexB([n], codes[i] ?? 4));
        const stream = Uint8Array.from(parts.flatMap((p) => [...p]));
        const want = hex(nalus);
        return (
          JSON.stringify(hex(splitAnnexB(stream))) === JSON.stringify(want) &&
          JSON.stringify(
            hex(
              splitChunked(
                stream,
                cuts.map((c) => c % (stream.length + 1)),
              ),
            ),
          ) === JSON.stringify(want)
        );
      },
    ),
    { numRuns: 300 },
  );
  t.pass('chunking never changes the NAL units');
});

t.test('garbage never throws, and whole == chunked on arbitrary bytes', async (t) => {
  fc.assert(
    fc.property(
      fc.uint8Array({ maxLength: 300 }).map((a) => a.map((b) => b & 3)),
      fc.array(fc.nat(300)),
      (bytes, cuts) => {
        return (
          JSON.stringify(hex(splitAnnexB(bytes))) ===
          JSON.stringify(
            hex(
              splitChunked(
                bytes,
                cuts.map((c) => c % (bytes.length + 1)),
              ),
            ),
          )
        );
      },
    ),
    { numRuns: 300 },
  );
  t.pass();
});

t.test('oversized NAL units are dropped and counted; the splitter resynchronises', async (t) => {
  const big = new Uint8Array(5000).fill(0x55);
  big[0] = 0x65;
  const stream = joinAnnexB([
    Uint8Array.of(0x67, 1),
    big,
    Uint8Array.of(0x68, 2),
    big,
    Uint8Array.of(0x41, 3),
  ]);
  for (const chunk of [1, 7, 1000, stream.length]) {
    const s = new AnnexBSplitter({ maxNaluBytes: 1000 });
    const out: Uint8Array[] = [];
    for (let i = 0; i < stream.length; i += chunk) out.push(...s.push(stream.subarray(i, i + chunk)));
    out.push(...s.flush());
    t.same(hex(out), ['6701', '6802', '4103'], `chunk ${chunk}`);
    t.equal(s.stats.oversized, 2, `chunk ${chunk}: two dropped`);
    t.ok(s.stats.skippedBytes >= 2 * 4000, `chunk ${chunk}: skipped bytes counted (${s.stats.skippedBytes})`);
    t.ok(s.buffered === 0, 'flush empties the buffer');
  }
  // Bounded memory: a stream without any start code keeps only the two-byte look-behind.
  const s = new AnnexBSplitter({ maxNaluBytes: 1000 });
  for (let i = 0; i < 100; i++) s.push(new Uint8Array(1000).fill(7));
  t.ok(s.buffered <= 2, `no start code: ${s.buffered} bytes held`);
  t.equal(s.stats.skippedBytes, 100_000 - s.buffered);
});

t.test('the demo clip: streaming in 1000-byte chunks equals splitting at once', async (t) => {
  const clip = new Uint8Array(readFileSync(new URL('./demo/demo.h264', import.meta.url)));
  const whole = splitAnnexB(clip);
  const s = new AnnexBSplitter();
  const streamed: Uint8Array[] = [];
  for (let i = 0; i < clip.length; i += 1000) streamed.push(...s.push(clip.subarray(i, i + 1000)));
  streamed.push(...s.flush());
  t.equal(streamed.length, whole.length);
  t.ok(
    streamed.every((n, i) => Buffer.from(n).equals(Buffer.from(whole[i] as Uint8Array))),
    'same bytes',
  );
  t.same(hex(splitAnnexB(joinAnnexB(whole))), hex(whole), 'join → split is the identity');
});
