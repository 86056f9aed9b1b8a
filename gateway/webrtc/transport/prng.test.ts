import t from 'tap';
import { Prng } from './prng.ts';
import { planDelivery } from './link-conditions.ts';

t.test('a seed gives a fixed sequence in [0, 1) with a plausible spread', async (t) => {
  const a = new Prng(123);
  const b = new Prng(123);
  const xs = Array.from({ length: 10000 }, () => a.next());
  t.same(
    xs.slice(0, 5),
    Array.from({ length: 5 }, () => b.next()),
  );
  t.ok(xs.every((x) => x >= 0 && x < 1));
  const mean = xs.reduce((s, x) => s + x, 0) / xs.length;
  t.ok(Math.abs(mean - 0.5) < 0.02, `mean ${mean}`);
  const buckets = new Array(10).fill(0);
  for (const x of xs) buckets[Math.floor(x * 10)]++;
  t.ok(
    buckets.every((n) => n > 900 && n < 1100),
    `buckets ${buckets}`,
  );
  t.not(new Prng(124).next(), new Prng(123).next());
});

t.test('chance(0) draws nothing, so a zero knob keeps other draws where they were', async (t) => {
  const a = new Prng(5);
  const b = new Prng(5);
  t.equal(a.chance(0), false);
  t.equal(a.next(), b.next());
  t.equal(new Prng(1).chance(1), true);
});

t.test('planDelivery on a perfect link: one copy, no delay', async (t) => {
  t.same(planDelivery({}, new Prng(1)), { delays: [0], lost: false, duplicated: false, reordered: 0 });
  t.same(planDelivery({ loss: 1 }, new Prng(1)), { delays: [], lost: true, duplicated: false, reordered: 0 });
  const d = planDelivery({ duplicate: 1, delayMs: 3, reorder: 1, reorderDelayMs: 7 }, new Prng(1));
  t.same(d, { delays: [10, 10], lost: false, duplicated: true, reordered: 2 });
});
