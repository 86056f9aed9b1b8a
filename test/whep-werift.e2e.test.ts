import t from 'tap';
import type { RtpPacket } from 'werift';
import { DepacketizeBase } from 'werift/nonstandard';
import { startGatewayInProcess } from './harness/gateway-inproc.ts';
import { postSdp } from './harness/whep-page.ts';
import { weriftOffer, weriftWhepViewer } from './harness/werift.ts';
import { splitAnnexB } from '../gateway/media/index.ts';

/*
 * Issue 4: werift (pure-TypeScript WebRTC, its own ICE/DTLS/SRTP) as an independent WHEP client. Its
 * RTCPeerConnection, bound to loopback as TESTING.md says, offers recvonly H.264 to the running gateway;
 * the demo stream arrives over ICE + DTLS-SRTP and werift's own H.264 depacketizer (RFC 6184:
 * single NAL, STAP-A, FU-A) reassembles it into access units, the first a keyframe with SPS/PPS.
 */

t.test('werift plays the demo over WHEP and depacketizes >= 45 access units, keyframe first', async (t) => {
  const gw = await startGatewayInProcess(t);
  const pc = weriftWhepViewer(t);
  const offer = await weriftOffer(pc);
  t.match(offer, / 127\.0\.0\.1 \d+ typ host/, 'werift offers a loopback candidate');
  t.notMatch(offer, /\.local /, 'no mDNS names');

  const rtp: RtpPacket[] = [];
  const track = new Promise<void>((resolve) =>
    pc.onTrack.subscribe((tr) => {
      tr.onReceiveRtp.subscribe((p) => rtp.push(p));
      resolve();
    }),
  );
  const connected = new Promise<string>((resolve) => {
    const check = (s: string) => {
      if (s === 'connected' || s === 'failed') resolve(s);
    };
    pc.connectionStateChange.subscribe(check);
    check(pc.connectionState);
    setTimeout(() => resolve(`still ${pc.connectionState} (ICE ${pc.iceConnectionState})`), 10_000).unref();
  });

  const t0 = performance.now();
  const res = await postSdp(`${gw.http}/whep/demo`, offer);
  t.equal(res.status, 201);
  const answer = await res.text();
  t.match(answer, /^a=fmtp:\d+ .*packetization-mode=1/m, 'answered H.264 packetization-mode 1');
  await pc.setRemoteDescription({ type: 'answer', sdp: answer });
  const state = await connected;
  t.equal(state, 'connected', 'werift reached connected (ICE + DTLS)');
  if (state !== 'connected') {
    // Say why: the gateway's view of the session, then stop (nothing below can pass).
    const id = res.headers.get('location')!.split('/').pop()!;
    const s = gw.whep.get(id);
    t.comment(`gateway: ${s?.pc.connectionState} ICE ${s?.pc.iceState} ${s?.pc.error?.message ?? ''}`);
    for (const e of gw.logEntries().slice(-8)) t.comment(JSON.stringify(e).slice(0, 300));
    return;
  }
  t.comment(`offer → connected in ${Math.round(performance.now() - t0)} ms`);
  await track;
  t.comment(`track after ${Math.round(performance.now() - t0)} ms`);

  const session = gw.whep.get(res.headers.get('location')!.split('/').pop()!)!;
  const sent = session.tracks.get('video')!;
  const aus: { keyframe: boolean; nalTypes: number[] }[] = [];
  // werift names its H.264 depacketizer by the MP4 codec name.
  const dep = new DepacketizeBase('MPEG4/ISO/AVC', { isFinalPacketInSequence: (h) => h.marker });
  const t1 = performance.now();
  let foreign = 0;
  let packets = 0;
  while (aus.length < 45 && performance.now() - t1 < 8000) {
    for (const p of rtp.splice(0)) {
      packets++;
      if (p.header.ssrc !== sent.ssrc || p.header.payloadType !== sent.payloadType) {
        foreign++;
        continue;
      }
      for (const out of dep.processInput({ rtp: p })) {
        if (!out.frame) continue;
        const nals = splitAnnexB(new Uint8Array(out.frame.data));
        aus.push({ keyframe: out.frame.isKeyframe, nalTypes: nals.map((n) => (n[0] ?? 0) & 0x1f) });
      }
    }
    await new Promise((r) => setTimeout(r, 20));
  }
  t.ok(packets > 0, `${packets} RTP packets decrypted by werift`);
  t.equal(foreign, 0, 'every packet on our SSRC and payload type');
  // More than the GOP cache can hold (the demo has a keyframe every 30 frames): live frames too.
  t.ok(aus.length >= 45, `${aus.length} access units reassembled by werift's depacketizer`);
  t.ok(aus[0]?.keyframe, "the first is a keyframe (the hub's GOP cache)");
  t.ok(aus[0]?.nalTypes.includes(7) && aus[0]?.nalTypes.includes(8), 'with SPS and PPS in-band');
  t.ok(aus[0]?.nalTypes.includes(5), 'and an IDR slice');
  t.ok(
    aus.slice(1).every((a) => a.nalTypes.some((n) => n === 1 || n === 5)),
    'every later access unit carries a slice',
  );
  t.comment(`first ${aus.length} access units in ${Math.round(performance.now() - t1)} ms`);
});
