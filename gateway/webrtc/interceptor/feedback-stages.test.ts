import t from 'tap';
import fc from 'fast-check';
import { ManualClock } from '../transport/index.ts';
import { KeyframeRequestFilter, NackGenerator, NackResponder } from './index.ts';

t.test('NACK responder: resends each asked packet once per interval, in order, bounded', async (t) => {
  const clock = new ManualClock();
  const nr = new NackResponder({ clock, minResendIntervalMs: 100, maxPerNack: 4 });
  t.same(nr.filter([10, 11, 12]), [10, 11, 12]);
  clock.advance(20);
  t.same(nr.filter([11, 12, 13]), [13], 'a repeat within 100 ms is answered by the resend in flight');
  clock.advance(100);
  t.same(nr.filter([11, 12]), [11, 12], 'asked again after the interval: the resend was lost too');
  t.same(nr.filter([0x1_0005, 20, 21, 22, 23, 24]), [5, 20, 21, 22], 'at most 4 per NACK; 16-bit numbers');
  t.same(nr.stats, { requested: 14, resent: 10, suppressed: 2, capped: 2 });
  t.same(nr.filter([]), []);
});

t.test('property: never more than the cap, never the same seq twice in one interval', async () => {
  fc.assert(
    fc.property(
      fc.array(
        fc.tuple(
          fc.array(fc.integer({ min: 0, max: 40 }), { maxLength: 40 }),
          fc.integer({ min: 0, max: 150 }),
        ),
      ),
      (nacks) => {
        const clock = new ManualClock();
        const nr = new NackResponder({ clock, minResendIntervalMs: 100, maxPerNack: 16 });
        const last = new Map<number, number>();
        for (const [lost, wait] of nacks) {
          clock.advance(wait);
          const out = nr.filter(lost);
          if (out.length > 16) return false;
          for (const s of out) {
            const prev = last.get(s);
            if (prev !== undefined && clock.now() - prev < 100) return false;
            last.set(s, clock.now());
          }
        }
        return nr.stats.requested === nr.stats.resent + nr.stats.suppressed + nr.stats.capped;
      },
    ),
  );
});

t.test('PLI/FIR filter: FIR repeats ignored (RFC 5104 §4.3.1.2), storms throttled', async (t) => {
  const clock = new ManualClock();
  const kf = new KeyframeRequestFilter({ clock, minIntervalMs: 250 });
  t.equal(kf.pli(), true, 'the first PLI is answered');
  clock.advance(50);
  t.equal(kf.pli(), false, 'a PLI storm is throttled');
  clock.advance(250);
  t.equal(kf.fir(7), true, 'a new FIR after the interval');
  clock.advance(500);
  t.equal(kf.fir(7), false, 'the same FIR sequence number again is a retransmission');
  t.equal(kf.fir(8), true, 'the next number is a new request');
  clock.advance(10);
  t.equal(kf.fir(9), false, 'throttled');
  clock.advance(300);
  t.equal(kf.fir(9), true, 'a throttled number may be repeated and answered later');
  t.equal(kf.fir(0x109), false, '8-bit numbers');
  t.same(kf.stats, { pli: 2, fir: 6, answered: 4, firRepeats: 2, throttled: 2 });
});

t.test('NACK responder: numbers 256 apart share a slot and never suppress each other', async (t) => {
  const clock = new ManualClock();
  const nr = new NackResponder({ clock });
  t.same(nr.filter([5]), [5]);
  t.same(nr.filter([5 + 256]), [261], 'another number in the same slot is resent');
  t.same(nr.filter([5]), [5], 'the slot now holds 261: 5 is not mistaken for a repeat');
  t.same(nr.filter([5]), [], 'but its own repeat is');
});

t.test('NACK generator: asks at once, again after the retry time, gives up by age and asks', async (t) => {
  const clock = new ManualClock();
  const ng = new NackGenerator({ clock, retryMs: 40, maxAsks: 3, maxAgeMs: 300 });
  ng.onPacket(100);
  ng.onPacket(101);
  t.same(ng.due(), [], 'no gap, nothing to ask');
  ng.onPacket(105); // 102, 103, 104 missing
  t.same(ng.due(), [102, 103, 104], 'asked at once');
  t.same(ng.due(), [], 'not again before the retry time');
  ng.onPacket(103); // resent or reordered
  clock.advance(40);
  t.same(ng.due(), [102, 104], 'asked again, without the one that came');
  clock.advance(40);
  t.same(ng.due(), [102, 104]);
  clock.advance(40);
  t.same(ng.due(), [], 'three asks each: given up');
  t.equal(ng.pending, 0);
  ng.onPacket(110); // 106..109
  clock.advance(301);
  t.same(ng.due(), [], 'too old to be worth asking');
  t.match(ng.stats, { missing: 7, recovered: 1, givenUp: 6, asked: 7 });
});

t.test('NACK generator: sequence wrap, and a huge jump keeps only the newest gaps', async (t) => {
  const clock = new ManualClock();
  const ng = new NackGenerator({ clock, maxMissing: 8 });
  ng.onPacket(65534);
  ng.onPacket(1); // 65535 and 0 missing across the wrap
  t.same(ng.due(), [65535, 0]);
  const big = new NackGenerator({ clock, maxMissing: 8 });
  big.onPacket(0);
  big.onPacket(1000);
  t.equal(big.pending, 8, 'bounded');
  t.same(big.due(), [992, 993, 994, 995, 996, 997, 998, 999]);
});

t.test('property: bounded, and a packet that arrived is never asked for again', async () => {
  // A realistic stream: sequence numbers advance by 1-4 (a step over 1 leaves a gap; across the
  // 16-bit wrap), and some missing ones arrive late (reordered or resent).
  fc.assert(
    fc.property(
      fc.integer({ min: 0, max: 65535 }),
      fc.array(fc.tuple(fc.integer({ min: 1, max: 4 }), fc.boolean(), fc.integer({ min: 0, max: 60 })), {
        maxLength: 300,
      }),
      (start, steps) => {
        const clock = new ManualClock();
        const ng = new NackGenerator({ clock, maxMissing: 32 });
        const got = new Set<number>();
        const holes: number[] = [];
        let seq = start;
        ng.onPacket(seq);
        got.add(seq);
        for (const [step, late, wait] of steps) {
          clock.advance(wait);
          for (let i = 1; i < step; i++) holes.push((seq + i) & 0xffff);
          seq = (seq + step) & 0xffff;
          ng.onPacket(seq);
          got.add(seq);
          if (late && holes.length > 0) {
            const h = holes.shift() as number;
            ng.onPacket(h);
            got.add(h);
          }
          if (ng.pending > 32) return false;
          if (ng.due().some((s) => got.has(s))) return false;
        }
        return true;
      },
    ),
  );
});
