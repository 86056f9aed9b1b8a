import fc from 'fast-check';
import t from 'tap';
import { ReplayWindow } from './replay-window.ts';

/** Reference model: a set of everything seen plus the highest (RFC 6347 §4.1.2.6). */
function model(size: number) {
  const seen = new Set<number>();
  let top = -1;
  return {
    check: (s: number) => !seen.has(s) && (s > top || top - s < size),
    mark: (s: number) => {
      seen.add(s);
      top = Math.max(top, s);
    },
  };
}

t.test('agrees with a set-based model on random sequences', async (t) => {
  fc.assert(
    fc.property(
      fc.array(fc.integer({ min: 0, max: 400 }), { maxLength: 300 }),
      fc.constantFrom(32, 64, 100),
      (seqs, size) => {
        const w = new ReplayWindow(size);
        const m = model(size);
        for (const s of seqs) {
          const ok = w.check(s);
          if (ok !== m.check(s)) return false;
          if (ok) {
            w.mark(s);
            m.mark(s);
          }
        }
        return true;
      },
    ),
    { numRuns: 500 },
  );
  t.pass();
});

t.test('duplicates and too-old numbers are refused; 48-bit numbers work', async (t) => {
  const w = new ReplayWindow(64);
  w.mark(2 ** 48 - 10);
  t.notOk(w.check(2 ** 48 - 10), 'duplicate');
  t.ok(w.check(2 ** 48 - 11), 'inside the window');
  t.notOk(w.check(2 ** 48 - 10 - 64), 'too old');
  t.ok(w.check(2 ** 48 - 1), 'newer');
});
