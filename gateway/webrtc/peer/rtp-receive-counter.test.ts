import t from 'tap';
import type { RtpPacket } from '../rtp/index.ts';
import { RtpReceiveCounter } from './rtp-receive-counter.ts';

const pkt = (seq: number, ts: number, ssrc = 5, payload = 100): RtpPacket => ({
  marker: false,
  payloadType: 111,
  sequenceNumber: seq & 0xffff,
  timestamp: ts >>> 0,
  ssrc,
  csrcs: [],
  padding: 0,
  payload: new Uint8Array(payload),
});

t.test('counts packets, payload and header bytes; loss from the sequence gap', async (t) => {
  const c = new RtpReceiveCounter(48000);
  t.equal(c.counts.ssrc, undefined);
  // 20 ms Opus frames: 960 ticks apart, arriving exactly 20 ms apart (no jitter).
  for (let i = 0; i < 10; i++)
    if (i !== 4 && i !== 7) c.onPacket(pkt(65530 + i, i * 960), 112, i * 20, 1000 + i);
  const n = c.counts;
  t.equal(n.ssrc, 5);
  t.equal(n.packetsReceived, 8);
  t.equal(n.bytesReceived, 800);
  t.equal(n.headerBytesReceived, 96);
  t.equal(n.packetsLost, 2, 'two missing, across the sequence wrap');
  t.equal(n.jitter, 0, 'steady arrival: no jitter');
  t.equal(n.lastPacketReceivedTimestamp, 1009);
});

t.test('another SSRC on the same stream is not counted', async (t) => {
  const c = new RtpReceiveCounter(48000);
  c.onPacket(pkt(1, 0), 112, 0, 0);
  c.onPacket(pkt(2, 960, 6), 112, 20, 0);
  t.equal(c.counts.packetsReceived, 1);
});

t.test('jitter follows RFC 3550 A.8 and survives the timestamp wrap', async (t) => {
  const c = new RtpReceiveCounter(90000);
  // Alternate arrivals 10 ms early and late around a 33 ms grid: |D| = 20 ms = 1800 ticks each time.
  let expected = 0;
  const start = 0xffff_ffff - 3000 * 5; // wraps within the run
  for (let i = 0; i < 40; i++) {
    const arrival = i * 33.3333 + (i % 2 === 0 ? 10 : -10);
    c.onPacket(pkt(i, start + i * 3000), 112, arrival, 0);
    // A.1: the first packet is the source's probation; A.8 jitter starts with the next valid pair.
    if (i > 1) expected += (1800 - expected) / 16;
  }
  t.ok(Math.abs(c.counts.jitter - expected / 90000) < 1e-4, `${c.counts.jitter} ≈ ${expected / 90000}`);
  t.ok(c.counts.jitter > 0.015, 'converging towards 20 ms');
});

t.test('feedback sent is counted by kind', async (t) => {
  const c = new RtpReceiveCounter(90000);
  c.countSent('pli');
  c.countSent('pli');
  c.countSent('nack');
  t.match(c.counts, { pliCount: 2, nackCount: 1, firCount: 0 });
});

t.test('report block (RFC 3550 §6.4.1): loss fields per A.3, LSR/DLSR from the last SR', async (t) => {
  const c = new RtpReceiveCounter(48000);
  t.equal(c.reportBlock(0), undefined, 'nothing before the first packet');
  for (let i = 0; i < 10; i++)
    if (i !== 4 && i !== 7) c.onPacket(pkt(65530 + i, i * 960), 112, i * 20, 1000 + i);
  const a = c.reportBlock(300)!;
  t.match(a, { ssrc: 5, cumulativeLost: 2, lastSr: 0, delaySinceLastSr: 0 });
  t.equal(a.highestSeq, 0x1_0003, 'extended highest: one cycle past the wrap');
  t.ok(a.fractionLost > 0, `a fraction lost in the interval (${a.fractionLost}/256)`);
  const sr = {
    type: 'sr' as const,
    ssrc: 5,
    ntpTimestamp: 0x1234_dead_beef_5678n,
    rtpTimestamp: 0,
    packetCount: 0,
    octetCount: 0,
    reports: [],
    profileExtension: new Uint8Array(0),
  };
  c.onSenderReport({ ...sr, ssrc: 6 }, 350);
  t.equal(c.reportBlock(360)!.lastSr, 0, "another source's SR is not ours");
  c.onSenderReport(sr, 400);
  for (let i = 10; i < 20; i++) c.onPacket(pkt(65530 + i, i * 960), 112, i * 20, 1000 + i);
  const b = c.reportBlock(1400)!;
  t.equal(b.fractionLost, 0, 'no loss since the previous block');
  t.equal(b.cumulativeLost, 2);
  t.equal(b.lastSr, 0xdeadbeef, 'the middle 32 bits of its NTP time');
  t.equal(b.delaySinceLastSr, 65536, 'one second after the SR, in 1/65536 s');
});
