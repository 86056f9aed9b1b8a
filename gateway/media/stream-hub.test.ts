import t from 'tap';
import { ManualClock } from '../webrtc/transport/index.ts';
import { H264Depacketizer, decodeRtp, type AccessUnit } from '../webrtc/rtp/index.ts';
import { DemoSource } from './demo-source.ts';
import { StreamHub } from './stream-hub.ts';
import type { MediaPacket } from './media-packet.ts';

async function setup() {
  const clock = new ManualClock();
  const demo = await DemoSource.open({ clock });
  let r = 0.25;
  const hub = new StreamHub({
    name: 'demo',
    clock,
    random: () => (r = ((r * 9301 + 49297) % 233280) / 233280),
  });
  demo.onFrame((f) => hub.pushFrame(f));
  demo.start();
  return { clock, demo, hub };
}

function recorder(accept: (p: MediaPacket, n: number) => boolean = () => true) {
  const got: MediaPacket[] = [];
  const aus: AccessUnit[] = [];
  const dep = new H264Depacketizer({ onAccessUnit: (au) => aus.push(au) });
  return {
    got,
    aus,
    sink: {
      deliver(p: MediaPacket) {
        if (!accept(p, got.length)) return false;
        got.push(p);
        dep.pushPacket(decodeRtp(p.data));
        return true;
      },
    },
  };
}

t.test('packetized once: every viewer gets the same packet objects, decodable access units', async (t) => {
  const { clock, demo, hub } = await setup();
  const a = recorder();
  const b = recorder();
  hub.addViewer(a.sink);
  hub.addViewer(b.sink);
  clock.advance(2000);
  demo.close();
  t.ok(a.got.length > 60, `${a.got.length} packets in 2 s`);
  t.equal(a.got.length, b.got.length);
  t.ok(
    a.got.every((p, i) => p === b.got[i]),
    'the same objects: no per-viewer packetization',
  );
  for (let i = 1; i < a.got.length; i++) {
    if (a.got[i]!.seq !== ((a.got[i - 1]!.seq + 1) & 0xffff)) t.fail(`seq gap at ${i}`);
  }
  t.equal(a.aus.length, hub.stats.frames, 'every frame reassembles');
  t.ok(a.aus[0]!.keyframe, 'starts on a keyframe');
  t.equal(a.aus[0]!.nals[0]![0]! & 0x1f, 7, 'SPS in-band first');
  t.ok(
    a.got.every((p) => p.data.byteLength <= 1200 + 12),
    'payload MTU respected',
  );
  t.same(hub.info.video, { codec: 'H264', width: 640, height: 360, fps: 30, profileLevelId: '42c01f' });
});

t.test('a late viewer starts at once from the GOP cache, on the keyframe', async (t) => {
  const { clock, demo, hub } = await setup();
  clock.advance(500); // 15 frames into a 30-frame GOP
  const late = recorder();
  hub.addViewer(late.sink);
  t.ok(late.got.length > 0, `${late.got.length} cached packets delivered on join`);
  t.ok(late.got[0]!.keyframeStart, 'the first packet starts the keyframe');
  t.ok(late.aus.length >= 14, `${late.aus.length} access units decodable at once`);
  t.ok(late.aus[0]!.keyframe);
  demo.close();
});

t.test('a viewer that cannot keep up skips to the next keyframe instead of queueing', async (t) => {
  const { clock, demo, hub } = await setup();
  let refuse = false;
  const v = recorder(() => !refuse);
  hub.addViewer(v.sink);
  clock.advance(200);
  refuse = true;
  clock.advance(100); // packets refused: the viewer is marked skipping
  refuse = false;
  const before = v.got.length;
  clock.advance(400); // still inside the same GOP: nothing delivered until the next keyframe
  t.equal(v.got.length, before, 'nothing between the refusal and the next keyframe');
  clock.advance(1000);
  t.ok(v.got.length > before, 'resumed');
  t.ok(v.got[before]!.keyframeStart, 'resumed exactly at a keyframe');
  t.ok(hub.stats.viewerSkips >= 1);
  demo.close();
});

t.test('NACKs are answered from the history; PLI from the GOP cache', async (t) => {
  const { clock, demo, hub } = await setup();
  const v = recorder();
  const h = hub.addViewer(v.sink);
  clock.advance(300);
  const want = [v.got[3]!.seq, v.got[5]!.seq, (v.got[0]!.seq - 2000) & 0xffff];
  const n0 = v.got.length;
  t.equal(h.nack('video', want), 2, 'two held, one too old');
  t.same(
    v.got.slice(n0).map((p) => p.seq),
    want.slice(0, 2),
  );
  const n1 = v.got.length;
  h.requestKeyframe();
  const kf = v.got.slice(n1);
  t.ok(kf.length > 0 && kf[0]!.keyframeStart && kf[kf.length - 1]!.marker, 'the keyframe access unit again');
  demo.close();
});

t.test('timestamps and sequence numbers continue across a source restart', async (t) => {
  const clock = new ManualClock();
  const hub = new StreamHub({ name: 'cam', clock });
  const v = recorder();
  hub.addViewer(v.sink);
  const demo1 = await DemoSource.open({ clock, startTimestamp: 1_000_000 });
  demo1.onFrame((f) => hub.pushFrame(f));
  demo1.start();
  clock.advance(1000);
  demo1.close();
  hub.sourceRestarted();
  const demo2 = await DemoSource.open({ clock, startTimestamp: 42 }); // a camera restarts its clock anywhere
  demo2.onFrame((f) => hub.pushFrame(f));
  demo2.start();
  clock.advance(1000);
  demo2.close();
  const ts = [...new Set(v.got.map((p) => p.timestamp))];
  const steps = ts.slice(1).map((x, i) => (x - ts[i]!) >>> 0);
  t.ok(
    steps.every((s) => s === 3000),
    `every frame step is 3000 ticks (${[...new Set(steps)].join(',')})`,
  );
  for (let i = 1; i < v.got.length; i++)
    if (v.got[i]!.seq !== ((v.got[i - 1]!.seq + 1) & 0xffff)) t.fail('seq gap');
  t.equal(hub.stats.rebases, 1);
});

t.test('videoKnown: waits for the first keyframe, times out, and ends on close', async (t) => {
  const clock = new ManualClock();
  const hub = new StreamHub({ name: 'cam', clock });
  const late = hub.videoKnown(1000);
  let settled: boolean | undefined;
  void late.then((v) => (settled = v));
  clock.advance(500);
  await Promise.resolve();
  t.equal(settled, undefined, 'still waiting with no frame');
  const demo = await DemoSource.open({ clock });
  demo.onFrame((f) => hub.pushFrame(f));
  demo.start();
  clock.advance(40);
  t.equal(await late, true, 'resolved by the first keyframe');
  t.equal(hub.info.video?.profileLevelId, '42c01f', 'with the profile known');
  t.equal(await hub.videoKnown(1000), true, 'known at once afterwards');
  demo.close();

  const empty = new StreamHub({ name: 'silent', clock });
  const timedOut = empty.videoKnown(1000);
  clock.advance(1000);
  t.equal(await timedOut, false, 'false after the timeout');
  const closing = empty.videoKnown(1000);
  empty.close();
  t.equal(await closing, false, 'false when the hub closes');
  t.equal(await empty.videoKnown(1000), false, 'and at once on a closed hub');
});
