import t from 'tap';
import { ManualClock } from './manual-clock.ts';

t.test('timers fire in time order, same-instant timers in set order', async (t) => {
  const c = new ManualClock();
  const log: string[] = [];
  c.setTimer(20, () => log.push('b'));
  c.setTimer(10, () => log.push('a'));
  c.setTimer(20, () => log.push('c'));
  const x = c.setTimer(15, () => log.push('x'));
  x.cancel();
  c.advance(19);
  t.same(log, ['a']);
  c.advance(1);
  t.same(log, ['a', 'b', 'c']);
  t.equal(c.now(), 20);
});

t.test('timers set by timers fire within the same advance', async (t) => {
  const c = new ManualClock();
  let n = 0;
  const tick = () => {
    n++;
    if (n < 5) c.setTimer(10, tick);
  };
  c.setTimer(10, tick);
  c.advance(100);
  t.equal(n, 5);
  t.equal(c.pending, 0);
});

t.test(
  'many timers: fire in (time, set order), cancellation skipped, pending counts live ones',
  async (t) => {
    const c = new ManualClock();
    const fired: number[] = [];
    const timers = Array.from({ length: 2000 }, (_, i) => c.setTimer((i * 7919) % 500, () => fired.push(i)));
    for (let i = 0; i < 2000; i += 3) timers[i]!.cancel();
    timers[0]!.cancel(); // twice is fine
    t.equal(c.pending, 2000 - 667);
    c.advance(250);
    c.runAll();
    t.equal(c.pending, 0);
    const want = Array.from({ length: 2000 }, (_, i) => i)
      .filter((i) => i % 3 !== 0)
      .sort((a, b) => ((a * 7919) % 500) - ((b * 7919) % 500) || a - b);
    t.same(fired, want);
    timers[1]!.cancel(); // after firing: no effect on the count
    t.equal(c.pending, 0);
  },
);

t.test('runAll stops at its limit and reports the time moved', async (t) => {
  const c = new ManualClock(100);
  let n = 0;
  const tick = () => {
    n++;
    c.setTimer(1000, tick);
  };
  c.setTimer(1000, tick);
  t.equal(c.runAll(5500), 5000);
  t.equal(n, 5);
  t.equal(c.now(), 5100);
  t.equal(c.pending, 1);
});
