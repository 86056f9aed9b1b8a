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
