import t from 'tap';
import fc from 'fast-check';
import { ManualClock } from '../webrtc/transport/index.ts';
import type { Frame } from '../media/index.ts';
import { parseSessionDescription } from './session-description.ts';
import { FAKE_SDP } from './fake-camera.ts';
import { TimestampUnwrapper } from './timestamp-unwrapper.ts';
import { createTrackDepacketizer } from './track-depacketizer.ts';
import { videoInfo } from './track-info.ts';

const tracks = parseSessionDescription(FAKE_SDP, 'rtsp://cam/live/').tracks;

function rtp(pt: number, seq: number, ts: number, payload: number[], marker = true): Uint8Array {
  return Uint8Array.from([
    0x80,
    (marker ? 0x80 : 0) | pt,
    seq >> 8,
    seq & 0xff,
    (ts >>> 24) & 0xff,
    (ts >>> 16) & 0xff,
    (ts >>> 8) & 0xff,
    ts & 0xff,
    0,
    0,
    0,
    1,
    ...payload,
  ]);
}

t.test('timestamps unwrap across 2^32 and step back for reordering', async (t) => {
  const u = new TimestampUnwrapper();
  t.equal(u.unwrap(0xfffffff0), 0xfffffff0);
  t.equal(u.unwrap(0x10), 0x100000010);
  t.equal(u.unwrap(0x08), 0x100000008);
  fc.assert(
    fc.property(
      fc.integer({ min: 0, max: 0xffffffff }),
      fc.array(fc.integer({ min: 0, max: 1 << 20 })),
      (start, steps) => {
        const w = new TimestampUnwrapper();
        let expect = start;
        w.unwrap(start);
        return steps.every((s) => {
          expect += s;
          return w.unwrap(expect % 2 ** 32) === expect;
        });
      },
    ),
  );
});

t.test(
  'H.264: SDP parameter sets go before an IDR that lacks them; PT mismatch and junk counted',
  async (t) => {
    const frames: Frame[] = [];
    const d = createTrackDepacketizer(tracks[0]!, {
      clock: new ManualClock(),
      onFrame: (f) => frames.push(f),
    })!;
    d.push(rtp(96, 1, 1000, [0x65, 0x88, 0x80, 0x10])); // IDR slice alone
    d.push(rtp(13, 2, 1000, [1, 2, 3])); // comfort noise PT
    d.push(Uint8Array.from([1, 2, 3])); // not RTP
    d.push(rtp(96, 3, 4000, [0x41, 0x9a, 0x00]));
    t.equal(frames.length, 2);
    const f0 = frames[0]!;
    t.match(f0, { kind: 'video', codec: 'H264', keyframe: true, parameterSetsInBand: true, timestamp: 1000 });
    t.same(
      f0.kind === 'video' ? f0.nalus.map((n) => (n[0] as number) & 0x1f) : [],
      [7, 8, 5],
      'SPS, PPS, IDR',
    );
    t.match(frames[1], { keyframe: false, timestamp: 4000 });
    t.equal(d.stats.badPackets, 2);
    t.match(videoInfo(tracks[0]!), { width: 640, height: 360 });
  },
);

t.test('PCMU frames; AAC has no depacketizer', async (t) => {
  const frames: Frame[] = [];
  const d = createTrackDepacketizer(tracks[1]!, {
    clock: new ManualClock(),
    onFrame: (f) => frames.push(f),
  })!;
  d.push(rtp(0, 7, 160, [0xff, 0x7f]));
  d.push(rtp(0, 9, 480, [0xff]));
  t.match(frames, [
    { kind: 'audio', codec: 'PCMU', clockRate: 8000, timestamp: 160 },
    { kind: 'audio', timestamp: 480 },
  ]);
  t.equal(d.stats.lostPackets, 1);
  const aac = { ...tracks[1]!, codec: 'MPEG4-GENERIC' };
  t.equal(createTrackDepacketizer(aac, { clock: new ManualClock(), onFrame: () => {} }), undefined);
});

t.test('B-frames are detected (a B slice: first_mb 0, slice_type 1)', async (t) => {
  const d = createTrackDepacketizer(tracks[0]!, { clock: new ManualClock(), onFrame: () => {} })!;
  d.push(rtp(96, 1, 1000, [0x41, 0x9a, 0x00])); // P slice: ue(0) ue(0) → 0b11…
  t.equal(d.stats.bFrames, false);
  // ue(v) first_mb_in_slice = 0 → '1'; slice_type = 1 (B) → '010'; pps id 0 → '1': 0b1010_1000.
  d.push(rtp(96, 2, 4000, [0x01, 0xa8, 0x00]));
  t.equal(d.stats.bFrames, true);
});
