import t from 'tap';
import fc from 'fast-check';
import {
  AudioDepacketizer,
  AudioPacketizer,
  audioClockRate,
  opusPacketSamples,
  G711_CLOCK_RATE,
  OPUS_CLOCK_RATE,
} from './audio.ts';
import type { AudioFrame } from './audio.ts';
import { RtpError } from './errors.ts';
import { joinAnnexB, splitAnnexB } from './annex-b.ts';

t.test('Opus TOC (RFC 6716 §3.1): samples per packet at 48 kHz', async (t) => {
  t.equal(opusPacketSamples(Uint8Array.of(0xfc)), 960, 'CELT FB 20 ms, code 0');
  t.equal(opusPacketSamples(Uint8Array.of(0xfd)), 1920, 'code 1: two frames');
  t.equal(opusPacketSamples(Uint8Array.of(0x5b, 0x03)), 3 * 2880, 'SILK WB 60 ms, code 3 with 3 frames');
  t.equal(opusPacketSamples(Uint8Array.of(0x60)), 480, 'Hybrid SWB 10 ms');
  t.equal(opusPacketSamples(Uint8Array.of(0x80)), 120, 'CELT NB 2.5 ms');
  t.throws(() => opusPacketSamples(new Uint8Array(0)), { code: 'RTP_BAD_PAYLOAD' });
  t.throws(() => opusPacketSamples(Uint8Array.of(0x03)), { code: 'RTP_BAD_PAYLOAD' });
  t.equal(audioClockRate('opus'), OPUS_CLOCK_RATE);
  t.equal(audioClockRate('pcmu'), G711_CLOCK_RATE);
  fc.assert(
    fc.property(fc.uint8Array({ maxLength: 3 }), (b) => {
      try {
        const n = opusPacketSamples(b);
        return n >= 0 && n <= 63 * 2880;
      } catch (e) {
        return e instanceof RtpError;
      }
    }),
  );
});

t.test(
  'audio: one frame per packet, marker only at a talkspurt start; depacketizer copies and counts loss',
  async (t) => {
    const p = new AudioPacketizer();
    const frames: AudioFrame[] = [];
    const losses: number[] = [];
    const d = new AudioDepacketizer({ onFrame: (f) => frames.push(f), onLoss: (l) => losses.push(l.lost) });
    const sent: Uint8Array[] = [];
    for (let i = 0; i < 5; i++) {
      const frame = new Uint8Array(160).fill(i);
      p.packetize(
        frame,
        (pkt, marker) => {
          t.equal(marker, i === 0);
          t.equal(pkt[1], i === 0 ? 0x80 : 0);
          sent.push(pkt);
        },
        i === 0,
      );
    }
    for (const [i, pkt] of sent.entries()) if (i !== 2) d.push(pkt.subarray(12), 100 + i, i * 160);
    d.push(sent[1]!.subarray(12), 101, 160); // late duplicate
    t.same(
      frames.map((f) => f.data[0]),
      [0, 1, 3, 4],
    );
    t.same(losses, [1]);
    t.same(d.stats, { packets: 5, frames: 4, lostPackets: 1, latePackets: 1 });
    t.not(frames[0]!.data.buffer, sent[0]!.buffer, 'copied out');
    t.throws(() => p.packetize(new Uint8Array(1201), () => {}), { code: 'RTP_BAD_ARGUMENT' });
  },
);

t.test('Annex-B split/join round trip; 3- and 4-byte start codes, trailing zeros', async (t) => {
  const s = Uint8Array.of(0, 0, 1, 0x67, 1, 0, 0, 0, 0, 1, 0x68, 2, 0, 0, 0, 1, 0x65, 3, 0);
  t.same(
    splitAnnexB(s).map((n) => Array.from(n)),
    [
      [0x67, 1],
      [0x68, 2],
      // A NAL unit never ends in 0x00 (rbsp_trailing_bits): zeros at the end are trailing_zero_8bits.
      [0x65, 3],
    ],
  );
  t.same(splitAnnexB(new Uint8Array(0)), []);
  fc.assert(
    fc.property(
      fc.array(
        fc
          .uint8Array({ minLength: 1, maxLength: 20 })
          .filter(
            (n) =>
              n[0] !== 0 &&
              n[n.length - 1] !== 0 &&
              !/0000(00|01|02|03)/.test(Buffer.from(n).toString('hex')),
          ),
        { maxLength: 6 },
      ),
      (nals) => {
        const back = splitAnnexB(joinAnnexB(nals));
        return back.length === nals.length && back.every((n, i) => Buffer.from(n).equals(nals[i]!));
      },
    ),
  );
});
