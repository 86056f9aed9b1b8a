import t from 'tap';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ManualClock, type Clock, type Timer } from '../webrtc/transport/index.ts';
import { accessUnitInfo } from './access-unit.ts';
import { joinAnnexB } from './annexb.ts';
import { DemoSource } from './demo-source.ts';
import { encodeTestPattern } from './ffmpeg.test-util.ts';
import type { VideoFrame } from './frame.ts';
import { parseH264Clip } from './h264-clip.ts';
import { h264NalType, h264Syntax } from './h264-nal.ts';
import { parseSpropParameterSets } from './sprop-parameter-sets.ts';

const clip = parseH264Clip(new Uint8Array(readFileSync(new URL('./demo/demo.h264', import.meta.url))));

function play(opts: { fps?: number; startTimestamp?: number } = {}): {
  clock: ManualClock;
  demo: DemoSource;
  frames: VideoFrame[];
} {
  const clock = new ManualClock(5_000);
  const demo = new DemoSource(clip, { clock, ...opts });
  const frames: VideoFrame[] = [];
  demo.onFrame((f) => frames.push(f));
  return { clock, demo, frames };
}

t.test(
  'frames per virtual second equal the clip frame rate; timestamps step by 3000 across loops',
  async (t) => {
    const { clock, demo, frames } = play();
    t.equal(demo.info.fps, 30, 'from the SPS VUI timing');
    demo.start();
    t.equal(demo.state, 'running');
    t.equal(frames.length, 0, 'the first frame goes out on the next clock turn, not inside start()');
    clock.advance(0);
    t.equal(frames.length, 1);
    const perSecond: number[] = [];
    for (let s = 0; s < 7; s++) {
      const before = frames.length;
      clock.advance(1000);
      perSecond.push(frames.length - before);
    }
    t.same(perSecond, [30, 30, 30, 30, 30, 30, 30], 'exactly 30 frames every virtual second');
    t.ok(frames.length > 2 * clip.accessUnits.length, `${frames.length} frames: more than two loops`);
    const steps = new Set(frames.slice(1).map((f, i) => f.timestamp - (frames[i] as VideoFrame).timestamp));
    t.same([...steps], [3000], 'every step is 3000 ticks, loop points included');
    t.equal(frames[0]?.timestamp, 0);
    t.equal(demo.stats.loops, Math.floor(frames.length / 90));
    // Wall capture time follows the clock.
    t.equal(frames[0]?.captureWallMs, clock.wallNow() - 7000);
    t.ok(
      Math.abs((frames[30] as VideoFrame).captureWallMs - (frames[0] as VideoFrame).captureWallMs - 1000) <
        1e-6,
    );
    demo.close();
    t.equal(clock.pending, 0, 'close cancels the timer');
  },
);

t.test('the loop point is seamless and every IDR carries SPS+PPS in-band', async (t) => {
  const { clock, demo, frames } = play();
  demo.start();
  clock.advance(6500);
  const keyIdx = frames.flatMap((f, i) => (f.keyframe ? [i] : []));
  t.same(keyIdx.slice(0, 6), [0, 30, 60, 90, 120, 150], 'an IDR every 30 frames, the loop restarts on one');
  for (const i of keyIdx) {
    const f = frames[i] as VideoFrame;
    t.equal(f.parameterSetsInBand, true, `frame ${i}: in-band parameter sets`);
    t.same(f.nalus.slice(0, 2).map(h264NalType), [7, 8], `frame ${i}: SPS, PPS first`);
  }
  t.ok(
    frames.every((f) => f.nalus.every((n) => h264NalType(n) !== 9)),
    'AUDs dropped',
  );
  t.ok(
    frames
      .filter((f) => !f.keyframe)
      .every((f) => !accessUnitInfo(h264Syntax, f.nalus).keyframe && !f.parameterSetsInBand),
  );
  const seam = frames.slice(88, 92).map((f) => f.timestamp);
  t.same(
    seam,
    [88, 89, 90, 91].map((n) => n * 3000),
    'no jump where the clip wraps',
  );
  t.ok(frames.every((f) => f.codec === 'H264' && f.kind === 'video'));
  demo.close();
});

t.test('fps and start timestamp options', async (t) => {
  const { clock, demo, frames } = play({ fps: 25, startTimestamp: 2 ** 32 - 3600 });
  demo.start();
  demo.start(); // idempotent: still one timer chain
  clock.advance(2000);
  t.equal(frames.length, 51, 'frames at 0, 40, ..., 2000 ms');
  t.equal(frames[0]?.timestamp, 2 ** 32 - 3600);
  t.equal(frames[2]?.timestamp, 2 ** 32 + 3600, 'unwrapped past 2^32: the RTP layer wraps');
  t.equal(clock.pending, 1);
  demo.close();
});

t.test('close, abort, unsubscribe, and the state machine', async (t) => {
  const { clock, demo, frames } = play();
  const other: VideoFrame[] = [];
  const off = demo.onFrame((f) => other.push(f));
  demo.start();
  clock.advance(100);
  off();
  clock.advance(100);
  t.equal(other.length, 4, 'unsubscribed after 4 frames');
  t.equal(frames.length, 7);
  demo.close();
  demo.close();
  t.equal(demo.state, 'closed');
  clock.advance(1000);
  t.equal(frames.length, 7, 'no frame after close');
  t.throws(() => demo.start(), { name: 'MediaError', code: 'MEDIA_CLOSED' });

  const ac = new AbortController();
  const clock2 = new ManualClock();
  const d2 = new DemoSource(clip, { clock: clock2, signal: ac.signal });
  d2.start();
  clock2.advance(50);
  ac.abort();
  t.equal(d2.state, 'closed');
  t.equal(clock2.pending, 0);
  const d3 = new DemoSource(clip, { clock: clock2, signal: AbortSignal.abort() });
  t.equal(d3.state, 'closed', 'an aborted signal closes at once');
  t.throws(() => new DemoSource(clip, { clock: clock2, fps: 0 }), RangeError);
  const withB = parseH264Clip(
    encodeTestPattern('160x96', 30, 0.3, [
      '-c:v',
      'libx264',
      '-profile:v',
      'high',
      '-bf',
      '2',
      '-x264-params',
      'b-adapt=0',
      '-f',
      'h264',
    ]),
  );
  t.throws(() => new DemoSource(withB, { clock: clock2 }), { name: 'MediaError', code: 'MEDIA_BAD_CLIP' });
});

/** A clock whose timers fire only when the test says, at whatever time the test sets. */
class StepClock implements Clock {
  t = 0;
  timers: { at: number; fn: () => void; cancelled: boolean }[] = [];
  now(): number {
    return this.t;
  }
  wallNow(): number {
    return 1_700_000_000_000 + this.t;
  }
  setTimer(ms: number, fn: () => void): Timer {
    const timer = { at: this.t + ms, fn, cancelled: false };
    this.timers.push(timer);
    return { cancel: () => void (timer.cancelled = true) };
  }
  /** Fires the oldest live timer at time `at`. */
  fire(at?: number): void {
    const timer = this.timers.find((x) => !x.cancelled);
    if (!timer) throw new Error('no timer');
    timer.cancelled = true;
    this.t = at ?? timer.at;
    timer.fn();
  }
}

t.test(
  'a blocked event loop: re-base instead of a burst; a throwing listener does not stop the stream',
  async (t) => {
    const clock = new StepClock();
    const demo = new DemoSource(clip, { clock });
    const frames: VideoFrame[] = [];
    demo.onFrame((f) => frames.push(f));
    demo.start();
    clock.fire(); // frame 0 at t=0
    clock.fire(); // frame 1 at t=33.3
    clock.fire(5000); // frame 2, 5 s late
    t.equal(demo.stats.rebased, 1);
    const next = clock.timers.filter((x) => !x.cancelled);
    t.equal(next.length, 1);
    t.equal(next[0]?.at, 5000, 'the next frame is due now, not 150 frames in a burst');
    clock.fire();
    t.equal(next[0]?.at, 5000);
    const after = clock.timers.filter((x) => !x.cancelled);
    t.ok(Math.abs((after[0]?.at ?? 0) - (5000 + 1000 / 30)) < 1e-6, 'then the regular pace from there');
    t.same(
      frames.map((f) => f.timestamp),
      [0, 3000, 6000, 9000],
      'timestamps stay continuous',
    );

    demo.onFrame(() => {
      throw new Error('listener bug');
    });
    t.throws(() => clock.fire(), { message: 'listener bug' });
    t.equal(clock.timers.filter((x) => !x.cancelled).length, 1, 'the next frame is still scheduled');
    demo.close();
  },
);

t.test('DemoSource.open reads the committed clip', async (t) => {
  const clock = new ManualClock();
  const demo = await DemoSource.open({ clock });
  t.match(demo.info, {
    codec: 'H264',
    width: 640,
    height: 360,
    fps: 30,
    profileLevelId: '42c01f',
    framesPerLoop: 90,
  });
  const [sps, pps] = parseSpropParameterSets(demo.info.spropParameterSets);
  t.same(sps, clip.spsNal);
  t.same(pps, clip.ppsNal);
  demo.close();
  const ac = new AbortController();
  ac.abort();
  await t.rejects(DemoSource.open({ clock, signal: ac.signal }), { name: 'AbortError' });
  await t.rejects(DemoSource.open({ clock, path: new URL('./demo/SOURCE.md', import.meta.url) }), {
    code: 'MEDIA_BAD_CLIP',
  });
});

t.test('a real decoder (ffmpeg) decodes 2.5 loops of the demo output without an error', async (t) => {
  const { clock, demo, frames } = play();
  demo.start();
  clock.advance(7500); // 226 frames: two loop points
  demo.close();
  const dir = mkdtempSync(join(tmpdir(), 'demo-decode-'));
  t.teardown(() => rmSync(dir, { recursive: true, force: true }));
  const file = join(dir, 'out.h264');
  writeFileSync(file, joinAnnexB(frames.flatMap((f) => [...f.nalus])));
  const run = spawnSync(
    'ffmpeg',
    ['-hide_banner', '-nostdin', '-v', 'error', '-f', 'h264', '-i', file, '-f', 'framemd5', '-'],
    {
      encoding: 'utf8',
      timeout: 30_000,
    },
  );
  t.equal(run.status, 0, 'ffmpeg exits 0');
  t.equal(run.stderr, '', 'no decoder error or warning');
  const decoded = run.stdout.split('\n').filter((l) => /^0,/.test(l));
  t.equal(decoded.length, frames.length, `${frames.length} frames decoded`);
  // The picture after a loop point is the clip's first picture again.
  const md5 = (i: number): string => (decoded[i] ?? '').split(',').pop()?.trim() ?? '';
  t.equal(md5(90), md5(0), 'loop point: frame 90 decodes to frame 0');
  t.equal(md5(181), md5(1));
  t.not(md5(1), md5(0));
});
