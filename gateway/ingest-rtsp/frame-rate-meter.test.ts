import t from 'tap';
import { FrameRateMeter } from './frame-rate-meter.ts';

t.test('frame rate from media timestamps: steady, B-frame order, wrap of the ring, reset', async (t) => {
  const m = new FrameRateMeter(90_000, 8);
  t.equal(m.rate(), undefined, 'nothing yet');
  m.push(0);
  t.equal(m.rate(), undefined, 'one frame is no rate');
  for (let i = 1; i < 20; i++) m.push(i * 6000); // 15 fps
  t.equal(m.rate(), 15, 'the last 8 frames span 7 intervals');
  const b = new FrameRateMeter(90_000, 8);
  // Decode order of I P B B P B B …: timestamps go back and forth, the span and count stay right.
  for (const i of [0, 3, 1, 2, 6, 4, 5, 7]) b.push(i * 3000);
  t.equal(b.rate(), 30);
  b.reset();
  t.equal(b.rate(), undefined);
  b.push(5);
  b.push(5);
  t.equal(b.rate(), undefined, 'no span, no rate');
});
