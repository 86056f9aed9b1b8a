// Independent peers: GStreamer (rtph264pay/rtph265pay/rtpopuspay/rtppcmupay and the matching
// depayloaders) and libavformat (ffmpeg's RTP muxer). Captured packets in test/vectors/rtp/ must
// depacketize to exactly the NAL units the encoder wrote; our packetizer's output must come out of
// GStreamer's depayloaders identical, and decode with libavcodec (ffprobe) at the source's size.
import t from 'tap';
import { execFile } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import { requireProgram } from '../../../test/harness/process.ts';
import { loadVector, readRfc4571, writeRfc4571 } from '../../../test/vectors/rtp/rtp4571.ts';
import {
  AudioDepacketizer,
  H264Depacketizer,
  H264Packetizer,
  H265Depacketizer,
  H265Packetizer,
  decodeRtp,
  encodeRtp,
  opusPacketSamples,
  rewriteRtpHeaderFields,
  rtpPacketSize,
  splitAnnexB,
  PT_PCMU,
} from './index.ts';
import type { AccessUnit, AudioFrame, RtpPacket } from './index.ts';

const run = promisify(execFile);
const hex = (b: Uint8Array) => Buffer.from(b).toString('hex');

function depacketize(file: string, codec: 'h264' | 'h265'): { aus: AccessUnit[]; packets: RtpPacket[] } {
  const aus: AccessUnit[] = [];
  const opts = { onAccessUnit: (au: AccessUnit) => aus.push(au) };
  const d = codec === 'h264' ? new H264Depacketizer(opts) : new H265Depacketizer(opts);
  const packets = readRfc4571(loadVector(file)).map(decodeRtp);
  for (const p of packets) d.pushPacket(p);
  t.equal(d.stats.droppedAccessUnits, 0, `${file}: nothing dropped`);
  return { aus, packets };
}

const captures = [
  {
    file: 'h264-gst.rtp4571',
    source: 'h264-source.h264',
    codec: 'h264',
    aus: 10,
    by: 'GStreamer rtph264pay',
  },
  {
    file: 'h264-ffmpeg.rtp4571',
    source: 'h264-source.h264',
    codec: 'h264',
    aus: 10,
    by: 'libavformat rtpenc_h264',
  },
  { file: 'h265-gst.rtp4571', source: 'h265-source.h265', codec: 'h265', aus: 6, by: 'GStreamer rtph265pay' },
  // libavformat's rtpenc_hevc keeps the leading zero of the next 4-byte start code at the end of a
  // NAL unit (a trailing_zero_8bits byte: legal in a byte stream, so decoders do not mind)
  {
    file: 'h265-ffmpeg.rtp4571',
    source: 'h265-source.h265',
    codec: 'h265',
    aus: 6,
    by: 'libavformat rtpenc_hevc',
  },
] as const;

/** Drops trailing zero bytes (Annex B trailing_zero_8bits) from a NAL unit. */
const trimZeros = (n: Uint8Array) => {
  let end = n.length;
  while (end > 1 && n[end - 1] === 0) end--;
  return n.subarray(0, end);
};

for (const c of captures) {
  t.test(`${c.by}: depacketizes to the encoder's NAL units, one access unit per frame`, async (t) => {
    const { aus, packets } = depacketize(c.file, c.codec);
    const source = splitAnnexB(loadVector(c.source));
    const got = aus.flatMap((au) => au.nals);
    t.equal(aus.length, c.aus);
    t.equal(got.length, source.length);
    const trailing = got.filter((n) => n[n.length - 1] === 0).length;
    if (c.file === 'h265-ffmpeg.rtp4571')
      t.ok(trailing > 0, `libavformat's trailing zero seen in ${trailing} units`);
    else t.equal(trailing, 0);
    t.same(got.map(trimZeros).map(hex), source.map(hex), 'byte-identical NAL units');
    t.same(
      aus.map((au) => au.keyframe),
      aus.map((_, i) => i === 0),
      'only the first is a keyframe',
    );
    t.ok(aus.every((au) => au.marker));
    // the capture exercises aggregation and fragmentation, and (gst) a sequence-number wrap
    const types = new Set(
      packets.map((p) => (c.codec === 'h264' ? p.payload[0]! & 0x1f : (p.payload[0]! >> 1) & 0x3f)),
    );
    t.ok(
      types.has(c.codec === 'h264' ? 24 : 48) && types.has(c.codec === 'h264' ? 28 : 49),
      `types ${[...types]}`,
    );
    // every captured packet re-encodes to the same bytes
    for (const [i, raw] of readRfc4571(loadVector(c.file)).entries()) {
      const p = packets[i] as RtpPacket;
      const out = new Uint8Array(rtpPacketSize(p, p.payload.length));
      encodeRtp(p, p.payload, out);
      if (hex(out) !== hex(raw)) t.fail(`packet ${i} re-encodes differently`);
    }
  });
}

t.test(
  'GStreamer rtpopuspay / rtppcmupay: one frame per packet, timestamps at 48000 / 8000 Hz',
  async (t) => {
    const opus = readRfc4571(loadVector('opus-gst.rtp4571')).map(decodeRtp);
    const frames: AudioFrame[] = [];
    const d = new AudioDepacketizer({ onFrame: (f) => frames.push(f) });
    for (const p of opus) d.pushPacket(p);
    t.equal(frames.length, 11, 'opusenc adds one packet of lookahead');
    t.ok(opus[0]?.marker, 'marker on the first packet of the talkspurt (RFC 3551 §4.1)');
    // the first step is shorter (opusenc's pre-skip shifts the first timestamp); then 20 ms each
    for (let i = 2; i < opus.length; i++) {
      const prev = opus[i - 1] as RtpPacket;
      t.equal(
        ((opus[i] as RtpPacket).timestamp - prev.timestamp) >>> 0,
        opusPacketSamples(prev.payload),
        '20 ms = 960',
      );
    }
    t.equal(opusPacketSamples((opus[0] as RtpPacket).payload), 960);
    const pcmu = readRfc4571(loadVector('pcmu-gst.rtp4571')).map(decodeRtp);
    t.equal(pcmu.length, 5);
    for (const [i, p] of pcmu.entries()) {
      t.equal(p.payloadType, PT_PCMU);
      t.equal(p.payload.length, 160, '20 ms of 8 kHz G.711');
      if (i > 0) t.equal((p.timestamp - (pcmu[i - 1] as RtpPacket).timestamp) >>> 0, 160);
    }
  },
);

const video = [
  { codec: 'h264', capture: 'h264-ffmpeg.rtp4571', depay: 'rtph264depay', parse: 'H264', size: '320,240,10' },
  { codec: 'h265', capture: 'h265-gst.rtp4571', depay: 'rtph265depay', parse: 'H265', size: '320,240,6' },
] as const;

for (const v of video) {
  t.test(`our ${v.parse} packetizer → GStreamer ${v.depay} → libavcodec decodes every frame`, async (t) => {
    const gst = requireProgram('gst-launch-1.0', 'gstreamer1.0-tools');
    const ffprobe = requireProgram('ffprobe', 'ffmpeg');
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'rtp-gst-'));
    t.teardown(() => fs.rmSync(dir, { recursive: true, force: true }));
    const { aus } = depacketize(v.capture, v.codec);
    for (const mtu of [1200, 300]) {
      const packets: Uint8Array[] = [];
      const p = v.codec === 'h264' ? new H264Packetizer({ mtu }) : new H265Packetizer({ mtu });
      let seq = 65500; // wraps within the clip
      aus.forEach((au, i) =>
        p.packetize(au.nals, (pkt) => {
          rewriteRtpHeaderFields(pkt, 0xc0ffee, seq++, 90000 + i * 3000, 96);
          packets.push(pkt);
        }),
      );
      t.ok(p.stats.fragments > 0, `mtu ${mtu}: fragmentation used`);
      const input = path.join(dir, `in-${mtu}.rtp`);
      const output = path.join(dir, `out-${mtu}.${v.codec}`);
      fs.writeFileSync(input, writeRfc4571(packets));
      await run(
        gst,
        [
          '-q',
          'filesrc',
          `location=${input}`,
          '!',
          'application/x-rtp-stream',
          '!',
          'rtpstreamdepay',
          '!',
          `application/x-rtp,media=video,clock-rate=90000,encoding-name=${v.parse},payload=96`,
          '!',
          v.depay,
          '!',
          `video/x-${v.codec},stream-format=byte-stream,alignment=au`,
          '!',
          'filesink',
          `location=${output}`,
        ],
        { timeout: 20_000 },
      );
      const back = splitAnnexB(new Uint8Array(fs.readFileSync(output)));
      t.same(
        back.map(hex),
        aus.flatMap((au) => au.nals).map(hex),
        `mtu ${mtu}: GStreamer recovers every NAL unit`,
      );
      const { stdout } = await run(
        ffprobe,
        [
          '-v',
          'error',
          '-count_frames',
          '-select_streams',
          'v',
          '-show_entries',
          'stream=width,height,nb_read_frames',
          '-of',
          'csv=p=0',
          output,
        ],
        { timeout: 20_000 },
      );
      t.equal(stdout.trim(), v.size, `mtu ${mtu}: width,height,frames decoded`);
    }
  });
}

t.test('a broken stream is caught by the same check (the interop test can fail)', async (t) => {
  const { aus } = depacketize('h264-ffmpeg.rtp4571', 'h264');
  const packets: Uint8Array[] = [];
  const p = new H264Packetizer();
  aus.forEach((au, i) =>
    p.packetize(
      au.nals,
      (pkt) => packets.push(pkt) && void rewriteRtpHeaderFields(pkt, 1, packets.length, i, 96),
    ),
  );
  packets.splice(3, 1);
  const got: AccessUnit[] = [];
  const d = new H264Depacketizer({ onAccessUnit: (au) => got.push(au) });
  for (const pkt of packets) d.pushPacket(decodeRtp(pkt));
  t.ok(got.length < aus.length, `a lost packet loses its access unit (${got.length} of ${aus.length})`);
});
