import t from 'tap';
import fc from 'fast-check';
import { RtpSourceSequence, SeqGapDetector, SeqUnwrapper, seqAdd, seqDiff, seqNewer } from './sequence.ts';

t.test('seqDiff / seqNewer are wrap-aware (serial arithmetic on 16 bits)', async (t) => {
  t.equal(seqDiff(2, 65534), 4);
  t.equal(seqDiff(65534, 2), -4);
  t.equal(seqDiff(5, 5), 0);
  t.equal(seqDiff(0x8000, 0), -0x8000);
  t.ok(seqNewer(0, 65535));
  t.notOk(seqNewer(65535, 0));
  t.equal(seqAdd(65535, 2), 1);
  fc.assert(
    fc.property(fc.integer({ min: 0, max: 0xffff }), fc.integer({ min: -0x7fff, max: 0x7fff }), (a, d) => {
      return seqDiff(seqAdd(a, d), a) === d && seqNewer(seqAdd(a, d), a) === d > 0;
    }),
  );
});

t.test('SeqUnwrapper: extended numbers follow a model under reordering across wraps', async (t) => {
  fc.assert(
    fc.property(
      fc.integer({ min: 0, max: 0xffff }),
      fc.array(fc.integer({ min: -200, max: 400 }), { minLength: 1, maxLength: 300 }),
      (start, steps) => {
        const u = new SeqUnwrapper();
        const base = u.unwrap(start);
        let ext = start; // the model: true extended value relative to start
        let max = start;
        for (const s of steps) {
          ext = Math.max(max - 1000, ext + s); // stay within half the space of the newest
          max = Math.max(max, ext);
          if (u.unwrap(ext & 0xffff) - base !== ext - start) return false;
        }
        return true;
      },
    ),
  );
  t.pass();
});

t.test('SeqGapDetector: in order, gap, late, duplicate', async (t) => {
  const g = new SeqGapDetector();
  t.equal(g.check(65534), 0);
  t.equal(g.check(65535), 0);
  t.equal(g.check(2), 2, 'two lost across the wrap');
  t.equal(g.check(1), -1, 'late');
  t.equal(g.check(2), -1, 'duplicate');
  t.equal(g.newest, 2);
});

t.test('RtpSourceSequence follows RFC 3550 A.1: probation, wrap, loss, restart', async (t) => {
  const s = new RtpSourceSequence(65530);
  t.notOk(s.update(65530), 'probation: first packet not counted');
  t.ok(s.update(65531), 'second sequential packet validates the source');
  for (let q = 65532; q <= 65535; q++) t.ok(s.update(q));
  t.ok(s.update(2), 'wrap with 2 lost');
  t.equal(s.cycles, 65536);
  t.equal(s.extendedMax, 65536 + 2);
  t.equal(s.received, 6);
  t.equal(s.expected, 8);
  t.equal(s.cumulativeLost, 2);
  t.equal(s.takeFractionLost(), Math.floor((2 * 256) / 8));
  t.equal(s.takeFractionLost(), 0, 'nothing new since');
  t.ok(s.update(1), 'a late packet is counted as received (A.1 duplicates too)');
  t.notOk(s.update(30000), 'a large jump is not accepted at once');
  t.ok(s.update(30001), 'but the next sequential one restarts the source');
  t.equal(s.baseSeq, 30001);
  t.equal(s.received, 1);
});
