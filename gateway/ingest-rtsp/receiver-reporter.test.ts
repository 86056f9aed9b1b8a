/**
 * ReceiverReporter on a ManualClock: the §6.2/A.7 interval (half before the first report,
 * randomised in [0.5, 1.5] / (e − 3/2)), the compound RR + SDES CNAME (+ BYE on close).
 */
import t from 'tap';
import { decodeRtcpCompound, SDES_CNAME } from '../webrtc/rtcp/index.ts';
import { ManualClock } from '../webrtc/transport/index.ts';
import { ReceiverReporter, rtcpIntervalMs, RTCP_MIN_INTERVAL_MS } from './receiver-reporter.ts';
import { ReceptionStats } from '../webrtc/interceptor/index.ts';
import { testRtp } from './rtp.test-util.ts';

const COMP = Math.E - 1.5;
const base = { members: 2, senders: 1, rtcpBandwidth: 0, weSent: false, avgRtcpSize: 100 };

t.test('rtcpIntervalMs: 5 s minimum, half at first, randomised by [0.5, 1.5] / (e − 3/2)', async (t) => {
  t.equal(RTCP_MIN_INTERVAL_MS, 5000);
  t.equal(
    rtcpIntervalMs({ ...base, initial: false }, () => 0),
    (5000 * 0.5) / COMP,
  );
  t.equal(
    rtcpIntervalMs({ ...base, initial: false }, () => 0.5),
    5000 / COMP,
  );
  t.ok(Math.abs(rtcpIntervalMs({ ...base, initial: false }, () => 1) - (5000 * 1.5) / COMP) < 1e-9);
  t.equal(
    rtcpIntervalMs({ ...base, initial: true }, () => 0.5),
    2500 / COMP,
  );
  // A tiny bandwidth share makes the deterministic interval longer than the minimum (A.7):
  // 100 bytes * 2 members / 10 bytes/s = 20 s.
  t.equal(
    rtcpIntervalMs({ ...base, rtcpBandwidth: 10, initial: false }, () => 0.5),
    20_000 / COMP,
  );
  // Senders a quarter or less of the members: receivers share 75 % (A.7). 8 members, 1 sender.
  t.equal(
    rtcpIntervalMs({ ...base, members: 8, rtcpBandwidth: 10, initial: false }, () => 0.5),
    (((100 * 7) / 7.5) * 1000) / COMP,
  );
});

const rtp = (seq: number): Uint8Array => testRtp(seq, seq * 3000, 0xcafe0001);

t.test(
  'reports at the randomised interval: RR about the camera first, SDES CNAME, BYE last on close',
  async (t) => {
    const clock = new ManualClock();
    const reception = new ReceptionStats(90_000);
    const sent: Uint8Array[] = [];
    const rr = new ReceiverReporter({
      clock,
      reception,
      send: (b) => sent.push(b),
      ssrc: 0x1234,
      cname: 'edgegw-test',
      random: () => 0.5,
    });
    rr.start();
    const first = 2500 / COMP; // 2052 ms
    clock.advance(Math.floor(first));
    t.equal(sent.length, 0, 'nothing before the initial interval');
    clock.advance(1);
    t.equal(sent.length, 1, 'first report at half the minimum, randomised');
    let pkts = decodeRtcpCompound(sent[0] as Uint8Array);
    t.match(pkts, [
      { type: 'rr', ssrc: 0x1234, reports: [] },
      { type: 'sdes', chunks: [{ ssrc: 0x1234, items: [{ type: SDES_CNAME, text: 'edgegw-test' }] }] },
    ]);
    t.equal(pkts.length, 2, 'an empty RR before any packet (§6.4.2)');

    for (let s = 10; s < 30; s++) if (s !== 20 && s !== 21) reception.onRtp(rtp(s), clock.now());
    clock.advance(Math.ceil(5000 / COMP));
    t.equal(sent.length, 2, 'then every 5 s, randomised');
    pkts = decodeRtcpCompound(sent[1] as Uint8Array);
    t.match(pkts[0], {
      type: 'rr',
      reports: [
        { ssrc: 0xcafe0001, cumulativeLost: 2, highestSeq: 29, fractionLost: Math.floor((2 * 256) / 19) },
      ],
    });
    clock.advance(Math.ceil(5000 / COMP));
    t.equal(sent.length, 3);
    t.equal(rr.sent, 3);
    rr.close();
    t.equal(sent.length, 4);
    pkts = decodeRtcpCompound(sent[3] as Uint8Array);
    t.same(
      pkts.map((p) => p.type),
      ['rr', 'sdes', 'bye'],
    );
    t.equal(clock.pending, 0, 'no timer left');
    rr.close();
    t.equal(sent.length, 4, 'close is idempotent');
  },
);

t.test('default SSRC and CNAME are random; a send that throws is not fatal', async (t) => {
  const clock = new ManualClock();
  const a = new ReceiverReporter({ clock, reception: new ReceptionStats(8000), send: () => {} });
  const b = new ReceiverReporter({
    clock,
    reception: new ReceptionStats(8000),
    send: () => {
      throw new Error('closed');
    },
  });
  t.not(a.ssrc, b.ssrc);
  t.not(a.cname, b.cname);
  t.ok(a.cname.length >= 16, 'a 96-bit random CNAME (RFC 7022)');
  b.start();
  clock.advance(10_000);
  t.equal(b.sent, 0);
  b.close({ bye: false });
  a.close({ bye: false });
  t.equal(clock.pending, 0);
});
