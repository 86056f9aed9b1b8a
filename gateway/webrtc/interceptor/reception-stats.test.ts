/**
 * ReceptionStats: RFC 3550 A.1 validation, A.3 loss (cumulative, interval fraction, the monotonic
 * total the metrics read), A.8 jitter, LSR/DLSR from the camera's SR. Deterministic (times given).
 */
import t from 'tap';
import fc from 'fast-check';
import { ntpFromUnixMs, ntpMiddle32, type SenderReport } from '../rtcp/index.ts';
import { ReceptionStats } from './reception-stats.ts';
import { encodeRtp } from '../rtp/index.ts';

/** A minimal RTP packet (PT 96, one payload byte), built with rtp's own encoder. */
function testRtp(seq: number, timestamp = seq * 3000, ssrc = 0x11223344): Uint8Array {
  const header = {
    marker: false,
    payloadType: 96,
    sequenceNumber: seq & 0xffff,
    timestamp: timestamp >>> 0,
    ssrc,
    csrcs: [],
    padding: 0,
  };
  const out = new Uint8Array(13);
  encodeRtp(header, Uint8Array.of(0x41), out);
  return out;
}

const rtp = (seq: number, ts: number, ssrc?: number): Uint8Array => testRtp(seq, ts, ssrc);

/** Feeds seqs at 30 fps (3000 ticks, 33.33 ms apart): arrival exactly on the media clock. */
function feed(rx: ReceptionStats, seqs: number[], ssrc?: number): void {
  for (const s of seqs) rx.onRtp(rtp(s, 1000 + s * 3000, ssrc), (s * 3000) / 90);
}

const range = (a: number, b: number): number[] => Array.from({ length: b - a + 1 }, (_, i) => a + i);

t.test('in order: no loss, extended highest seq, zero jitter when packets arrive on time', async (t) => {
  const rx = new ReceptionStats(90_000);
  t.equal(rx.reportBlock(0), undefined, 'no block before a valid packet');
  feed(rx, range(100, 120));
  const b = rx.reportBlock(10_000);
  t.match(b, { ssrc: 0x11223344, fractionLost: 0, cumulativeLost: 0, highestSeq: 120, lastSr: 0 });
  t.equal(b?.delaySinceLastSr, 0, 'no SR yet: LSR and DLSR 0 (§6.4.1)');
  t.equal(b?.jitter, 0);
  t.match(rx.snapshot(), { ssrc: 0x11223344, lostPackets: 0, extendedHighestSeq: 120, received: 20 });
});

t.test('a gap counts as lost: cumulative, fraction per interval (A.3), monotonic total', async (t) => {
  const rx = new ReceptionStats(90_000);
  // Probation: 100 validates the source at 101 (A.1), so counting starts at 101.
  feed(rx, [...range(100, 109), ...range(112, 119)]);
  t.equal(rx.lostPackets, 2);
  const b = rx.reportBlock(0);
  t.equal(b?.cumulativeLost, 2);
  t.equal(b?.fractionLost, Math.floor((2 * 256) / 19), '2 of 19 expected since 101');
  t.equal(b?.highestSeq, 119);
  feed(rx, range(120, 129));
  t.equal(rx.reportBlock(0)?.fractionLost, 0, 'nothing lost in the next interval');
  // A late duplicate lowers the cumulative figure (§6.4.1) but not the total the metrics read.
  feed(rx, [125, 126]);
  t.equal(rx.reportBlock(0)?.cumulativeLost, 0);
  t.equal(rx.lostPackets, 2, 'the total never goes back');
  feed(rx, [131]);
  t.equal(rx.lostPackets, 2, 'a gap after duplicates first brings the cumulative figure back (1 of 2)');
  feed(rx, [134]);
  t.equal(rx.lostPackets, 3, 'loss beyond the high-water mark (132, 133) adds on top');
});

t.test('sequence wrap: extended highest seq counts the cycle', async (t) => {
  const rx = new ReceptionStats(90_000);
  feed(rx, [...range(65530, 65535), ...range(0, 5)]);
  t.equal(rx.reportBlock(0)?.highestSeq, 65536 + 5);
  t.equal(rx.lostPackets, 0);
  rx.onRtp(rtp(8, 0), 0);
  t.equal(rx.lostPackets, 2, '6 and 7 lost across the wrap');
});

t.test('jitter follows A.8: J += (|D| - J) / 16', async (t) => {
  const rx = new ReceptionStats(90_000);
  // Frame timestamps 3000 apart (33.33 ms); the third packet arrives 10 ms (900 ticks) late.
  rx.onRtp(rtp(1, 0), 0);
  rx.onRtp(rtp(2, 3000), 1000 / 30);
  rx.onRtp(rtp(3, 6000), 2000 / 30 + 10);
  t.ok(Math.abs(rx.snapshot().jitter - 900 / 16) < 1e-6, `${rx.snapshot().jitter}`);
  rx.onRtp(rtp(4, 9000), 3000 / 30);
  const j2 = 900 / 16 + (900 - 900 / 16) / 16;
  t.ok(Math.abs(rx.snapshot().jitter - j2) < 1e-6, 'D is -900 back on time: |D| counts');
  t.equal(rx.reportBlock(0)?.jitter, Math.floor(j2));
});

t.test('RTP timestamps wrapping at 2^32 do not look like jitter', async (t) => {
  const rx = new ReceptionStats(90_000);
  const base = 2 ** 32 - 6000;
  for (let i = 0; i < 6; i++) rx.onRtp(rtp(i, (base + i * 3000) % 2 ** 32), (i * 1000) / 30);
  t.ok(rx.snapshot().jitter < 1e-6, `${rx.snapshot().jitter}`);
});

t.test("LSR and DLSR come from the camera's last SR (§6.4.1)", async (t) => {
  const rx = new ReceptionStats(90_000);
  feed(rx, range(1, 5));
  const ntp = ntpFromUnixMs(1_700_000_123_456);
  const sr: SenderReport = {
    type: 'sr',
    ssrc: 0x11223344,
    ntpTimestamp: ntp,
    rtpTimestamp: 0,
    packetCount: 5,
    octetCount: 100,
    reports: [],
    profileExtension: new Uint8Array(0),
  };
  rx.onSenderReport(sr, 2000);
  const b = rx.reportBlock(3500);
  t.equal(b?.lastSr, ntpMiddle32(ntp));
  t.equal(b?.delaySinceLastSr, 1.5 * 65536, '1.5 s in 1/65536 s');
  t.equal(rx.snapshot().senderReports, 1);
});

t.test('a new SSRC is a new source; the loss total carries on', async (t) => {
  const rx = new ReceptionStats(90_000);
  feed(rx, [...range(1, 5), 8]);
  t.equal(rx.lostPackets, 2);
  feed(rx, range(5000, 5010), 0xabcdef);
  t.equal(rx.ssrc, 0xabcdef);
  t.match(rx.reportBlock(0), { ssrc: 0xabcdef, cumulativeLost: 0, highestSeq: 5010 });
  t.equal(rx.lostPackets, 2);
});

t.test('short or non-v2 packets are ignored; any bytes never throw; the total only grows', async (t) => {
  const rx = new ReceptionStats(8000);
  rx.onRtp(new Uint8Array(5), 0);
  rx.onRtp(
    Uint8Array.from({ length: 12 }, () => 0x40),
    0,
  );
  t.equal(rx.ssrc, undefined);
  fc.assert(
    fc.property(fc.array(fc.uint8Array({ minLength: 0, maxLength: 40 }), { maxLength: 60 }), (packets) => {
      const r = new ReceptionStats(90_000);
      let last = 0;
      packets.forEach((p, i) => {
        r.onRtp(p, i * 10);
        if (r.lostPackets < last) throw new Error('lost total went back');
        last = r.lostPackets;
      });
      r.reportBlock(1000);
    }),
  );
  fc.assert(
    fc.property(fc.array(fc.integer({ min: 0, max: 0xffff }), { maxLength: 300 }), (seqs) => {
      const r = new ReceptionStats(90_000);
      let last = 0;
      for (const s of seqs) {
        r.onRtp(rtp(s, s * 3000), s);
        if (r.lostPackets < last) return false;
        last = r.lostPackets;
      }
      const b = r.reportBlock(0);
      return b === undefined || (b.fractionLost >= 0 && b.fractionLost <= 255);
    }),
  );
});
