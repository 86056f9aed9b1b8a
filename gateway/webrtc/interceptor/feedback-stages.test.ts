import t from 'tap';
import fc from 'fast-check';
import { ManualClock } from '../transport/index.ts';
import { KeyframeRequestFilter, NackResponder } from './index.ts';

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
