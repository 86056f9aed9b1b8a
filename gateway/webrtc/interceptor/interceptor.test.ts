import t from 'tap';
import { ManualClock } from '../transport/index.ts';
import {
  decodeRtcpCompound,
  ntpFromUnixMs,
  ntpMiddle32,
  serializeRtcp,
  unixMsFromNtp,
} from '../rtcp/index.ts';
import { ReceiverStats, SenderReporter } from './index.ts';

t.test('sender report: counts, NTP from the wall clock, RTP extrapolated at the clock rate', async (t) => {
  const clock = new ManualClock(0, 1_800_000_000_000);
  const sr = new SenderReporter({ ssrc: 0x1234, clockRate: 90000, clock });
  const progress = {
    packets: 2,
    payloadBytes: 2088,
    lastRtpTimestamp: 1000,
    lastCaptureWallMs: clock.wallNow(),
  };
  clock.advance(500);
  const r = sr.report(progress);
  t.equal(r.ssrc, 0x1234);
  t.equal(r.packetCount, 2);
  t.equal(r.octetCount, 2088);
  t.equal(r.rtpTimestamp, 1000 + 45000, '500 ms later at 90 kHz');
  t.ok(Math.abs(unixMsFromNtp(r.ntpTimestamp) - clock.wallNow()) < 1);
  const wire = decodeRtcpCompound(serializeRtcp([r]));
  t.match(
    wire[0],
    { type: 'sr', ssrc: 0x1234, rtpTimestamp: 46000, packetCount: 2 },
    'encodes as RFC 3550 SR',
  );
  // RTP timestamps wrap modulo 2^32.
  const late = {
    packets: 3,
    payloadBytes: 2098,
    lastRtpTimestamp: 0xffff_fff0,
    lastCaptureWallMs: clock.wallNow(),
  };
  clock.advance(1);
  t.equal(sr.report(late).rtpTimestamp, (0xffff_fff0 + 90) >>> 0);
});

t.test('RTT from the receiver echo: A - LSR - DLSR', async (t) => {
  const clock = new ManualClock(0, 1_800_000_000_000);
  const sr = new SenderReporter({ ssrc: 1, clockRate: 90000, clock });
  const report = sr.report({
    packets: 1,
    payloadBytes: 100,
    lastRtpTimestamp: 0,
    lastCaptureWallMs: clock.wallNow(),
  });
  const lsr = ntpMiddle32(report.ntpTimestamp);
  clock.advance(130); // 40 ms out, the receiver holds it 50 ms, 40 ms back
  const dlsr = Math.round((50 / 1000) * 65536);
  const rtt = sr.rttMs(lsr, dlsr)!;
  t.ok(Math.abs(rtt - 80) < 1, `rtt ${rtt.toFixed(2)} ms`);
  t.equal(sr.rttMs(0, 0), undefined, 'no SR echoed yet');
  t.equal(ntpMiddle32(ntpFromUnixMs(clock.wallNow())) - lsr > 0, true);
});

t.test('receiver stats from a report block', async (t) => {
  const q = new ReceiverStats(90000);
  q.onReportBlock(
    {
      ssrc: 1,
      fractionLost: 64,
      cumulativeLost: 17,
      highestSeq: 100,
      jitter: 900,
      lastSr: 0,
      delaySinceLastSr: 0,
    },
    undefined,
  );
  t.same(q.quality, {
    fractionLost: 0.25,
    cumulativeLost: 17,
    jitterSeconds: 0.01,
    rttMs: undefined,
    reports: 1,
  });
  q.onReportBlock(
    {
      ssrc: 1,
      fractionLost: 0,
      cumulativeLost: 17,
      highestSeq: 200,
      jitter: 0,
      lastSr: 5,
      delaySinceLastSr: 1,
    },
    42,
  );
  t.equal(q.quality.rttMs, 42);
  t.equal(q.quality.reports, 2);
});
