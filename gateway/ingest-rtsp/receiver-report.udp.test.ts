/**
 * RTCP receiver reports really leave on UDP: an RtspSource over UDP against the FakeCamera whose
 * SETUP reply names real UDP sockets as its server ports. The camera sends RTP with a gap and an
 * SR; the RR that reaches the camera's RTCP socket reports the loss, the highest sequence number
 * and LSR/DLSR of that SR, with an SDES CNAME; closing sends a BYE. Time is a ManualClock (the
 * report interval is deterministic), the sockets are real (127.0.0.1, ephemeral ports).
 */
import t from 'tap';
import { setTimeout as sleep } from 'node:timers/promises';
import {
  decodeRtcpCompound,
  ntpFromUnixMs,
  ntpMiddle32,
  serializeRtcp,
  SDES_CNAME,
  type RtcpPacket,
} from '../webrtc/rtcp/index.ts';
import { addr, ManualClock, udpNet } from '../webrtc/transport/index.ts';
import { FakeCamera } from './fake-camera.ts';
import { RtspSource } from './rtsp-source.ts';
import { parseTransport } from './transport-header.ts';
import { testRtp } from './rtp.test-util.ts';

const settle = async (): Promise<void> => {
  for (let i = 0; i < 5; i++) await new Promise((r) => setImmediate(r));
};

async function until(cond: () => boolean, ms = 5000): Promise<void> {
  const end = performance.now() + ms;
  while (!cond()) {
    if (performance.now() > end) throw new Error('timed out waiting');
    await sleep(5);
  }
}

const rtp = (seq: number, ssrc: number): Uint8Array => testRtp(seq, seq * 3000, ssrc);

t.test(
  'an RR with loss, highest seq, LSR/DLSR and CNAME reaches the camera’s RTCP port; BYE on close',
  async (t) => {
    const camRtp = await udpNet.listenUdp('127.0.0.1', 0);
    const camRtcp = await udpNet.listenUdp('127.0.0.1', 0);
    t.teardown(() => {
      camRtp.close();
      camRtcp.close();
    });
    const received: RtcpPacket[][] = [];
    camRtcp.onData((d) => received.push(decodeRtcpCompound(d)));
    let clientPorts: [number, number] | undefined;
    const cam = new FakeCamera({
      handler: (req, c) => {
        if (req.method !== 'SETUP') return 'default';
        const res = c.answer(req);
        clientPorts = parseTransport(req.headers.get('transport'))?.clientPort;
        res.headers.set(
          'Transport',
          `RTP/AVP;unicast;client_port=${clientPorts?.join('-')};server_port=${camRtp.localAddr.port}-${camRtcp.localAddr.port}`,
        );
        return res;
      },
    });
    const clock = new ManualClock();
    const source = new RtspSource({
      url: 'rtsp://127.0.0.1/live',
      dialer: cam.dialer,
      clock,
      transport: 'udp',
      udpBindAddress: '127.0.0.1',
      selectTrack: (tr) => tr.media === 'video',
      rtcp: { random: () => 0.5, cname: 'gw-under-test' },
    });
    t.teardown(() => source.close());
    source.connect();
    await settle();
    t.equal(source.state.status, 'live');
    const [rtpPort, rtcpPort] = clientPorts as [number, number];

    const ssrc = 0x5eed0001;
    for (let s = 1000; s < 1020; s++)
      if (s !== 1010 && s !== 1011) camRtp.send(rtp(s, ssrc), addr('127.0.0.1', rtpPort));
    const ntp = ntpFromUnixMs(clock.wallNow());
    camRtcp.send(
      serializeRtcp([
        {
          type: 'sr',
          ssrc,
          ntpTimestamp: ntp,
          rtpTimestamp: 0,
          packetCount: 18,
          octetCount: 18 * 4,
          reports: [],
          profileExtension: new Uint8Array(0),
        },
        { type: 'sdes', chunks: [{ ssrc, items: [{ type: SDES_CNAME, text: 'camera' }] }] },
      ]),
      addr('127.0.0.1', rtcpPort),
    );
    await until(() => source.stats.tracks[0]?.packets === 18 && source.stats.tracks[0].rtcpPackets === 1);
    t.equal(received.length, 0, 'no report before its interval');

    // First report: half the 5 s minimum × (0.5 + 0.5) / (e − 3/2) ≈ 2052 ms after PLAY.
    clock.advance(2053);
    await until(() => received.length === 1);
    const [rr, sdes] = received[0] as RtcpPacket[];
    t.match(rr, {
      type: 'rr',
      reports: [
        {
          ssrc,
          cumulativeLost: 2,
          highestSeq: 1019,
          fractionLost: Math.floor((2 * 256) / 19),
          lastSr: ntpMiddle32(ntp),
          // The report left when its timer fired, 2500 / (e − 3/2) ms after PLAY (and the SR).
          delaySinceLastSr: Math.round(((2500 / (Math.E - 1.5)) * 65536) / 1000),
        },
      ],
    });
    t.match(sdes, { type: 'sdes', chunks: [{ items: [{ type: SDES_CNAME, text: 'gw-under-test' }] }] });
    t.equal(source.counters.media.get('video')?.lostPackets, 2, 'the metrics counter saw the same loss');

    await source.close();
    await until(() => received.length === 2);
    t.same(
      received[1]?.map((p) => p.type),
      ['rr', 'sdes', 'bye'],
      'BYE on close (§6.3.7)',
    );
    t.equal(cam.methods.at(-1), 'TEARDOWN');
    t.equal(clock.pending, 0, 'no timer left');
  },
);
