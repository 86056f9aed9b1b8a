import t from 'tap';
import fc from 'fast-check';
import { ReplayWindow } from './replay-window.ts';
import { estimateRoc } from './rollover.ts';

t.test('replay window agrees with a set-based model (RFC 3711 §3.3.2)', async (t) => {
  fc.assert(
    fc.property(
      fc.constantFrom(64, 128, 1024),
      fc.array(fc.integer({ min: 0, max: 3000 }), { maxLength: 300 }),
      (size, indices) => {
        const w = new ReplayWindow(size);
        const seen = new Set<number>();
        let highest = -1;
        for (const i of indices) {
          const want =
            i > highest ? 'ok' : i <= highest - size ? 'too-old' : seen.has(i) ? 'duplicate' : 'ok';
          if (w.check(i) !== want) return false;
          if (want === 'ok') {
            w.accept(i);
            seen.add(i);
            if (i > highest) highest = i;
          }
        }
        return true;
      },
    ),
    { numRuns: 300 },
  );
  t.pass();
});

t.test('window size rounds up to a power of two, at least 64; 48-bit indices work', async (t) => {
  t.equal(new ReplayWindow(10).size, 64);
  t.equal(new ReplayWindow(100).size, 128);
  const w = new ReplayWindow(64);
  const big = 2 ** 47 + 5;
  w.accept(big);
  t.equal(w.check(big), 'duplicate');
  t.equal(w.check(big - 1), 'ok');
  t.equal(w.check(big - 64), 'too-old');
  t.equal(w.check(-1), 'too-old');
});

t.test('ROC estimation follows RFC 3711 Appendix A', async (t) => {
  t.equal(estimateRoc(10, 65530, 0), 1, 'wrapped forward');
  t.equal(estimateRoc(65530, 10, 1), 0, 'late packet from before the wrap');
  t.equal(estimateRoc(65530, 10, 0), -1, 'before the stream start: negative, rejected as too old');
  t.equal(estimateRoc(100, 50, 3), 3);
  t.equal(estimateRoc(40000, 100, 2), 1, 'SEQ - s_l > 32768 with s_l < 32768');
  t.equal(estimateRoc(32868, 100, 2), 2, 'SEQ - s_l = 32768 is not > 32768');
  t.equal(estimateRoc(100, 40000, 2), 3, 's_l - 32768 = 7232 > SEQ: the next ROC');
  t.equal(estimateRoc(10000, 40000, 2), 2, 's_l - 32768 = 7232 is not > 10000: same ROC');
});
