import t from 'tap';
import { Video } from 'node-datachannel';
import { ndcPeer } from './harness/node-datachannel.ts';
import { startGatewayInProcess } from './harness/gateway-inproc.ts';
import { postSdp } from './harness/whep-page.ts';
import { H264Depacketizer, decodeRtp } from '../gateway/webrtc/rtp/index.ts';
import { statsById, statsOfType } from '../gateway/webrtc/peer/index.ts';

/*
 * Issue 3: node-datachannel (libdatachannel: its own ICE, OpenSSL's DTLS, libsrtp) as a third,
 * independent peer. It offers over WHEP; ICE and DTLS-SRTP complete; the demo stream the gateway
 * protects with the keys it exported arrives decrypted by libsrtp on libdatachannel's track. (A forged
 * packet on the viewer's own SSRC would advance our sender's rollover state and is not sent here;
 * auth failures are covered against libsrtp in gateway/webrtc/srtp/libsrtp-interop.test.ts.)
 */

t.test('libdatachannel offers via WHEP, connects, and decrypts our SRTP', async (t) => {
  const gw = await startGatewayInProcess(t);
  const pc = ndcPeer(t, 'viewer');
  const video = new Video('0', 'RecvOnly');
  video.addH264Codec(102, 'profile-level-id=42e01f;packetization-mode=1;level-asymmetry-allowed=1');
  const track = pc.addTrack(video);
  const received: Buffer[] = [];
  track.onMessage((m) => received.push(m));

  const offer = await new Promise<string>((resolve) => {
    pc.onGatheringStateChange((s) => {
      if (s === 'complete') resolve(pc.localDescription()!.sdp);
    });
    pc.setLocalDescription();
  });
  const connected = new Promise<string>((resolve) => {
    pc.onStateChange((s) => {
      if (s === 'connected' || s === 'failed') resolve(s);
    });
  });
  const t0 = performance.now();
  const res = await postSdp(`${gw.http}/whep/demo`, offer);
  t.equal(res.status, 201);
  const id = res.headers.get('location')!.split('/').pop()!;
  pc.setRemoteDescription(await res.text(), 'answer');
  t.equal(await connected, 'connected', 'libdatachannel reached connected');
  t.comment(`offer → connected in ${Math.round(performance.now() - t0)} ms`);

  const session = gw.whep.get(id)!;
  await session.pc.connected;
  t.equal(session.pc.connectionState, 'connected');
  const srtp = session.pc.srtp!;
  t.comment(`DTLS ${session.pc.dtlsInfo.cipherSuite}, SRTP profile 0x${srtp.profile.toString(16)}`);
  const sent = session.tracks.get('video')!;
  t.equal(sent.payloadType, 102, 'answered with the offered H.264 payload type');

  // The demo stream itself, relayed by the hub: libdatachannel decrypts it, we depacketize it.
  const aus: { keyframe: boolean; nals: Uint8Array[] }[] = [];
  const dep = new H264Depacketizer({ onAccessUnit: (au) => aus.push(au) });
  const t1 = performance.now();
  let rtpIn = 0;
  while (aus.length < 45 && performance.now() - t1 < 5000) {
    while (received.length > 0) {
      const m = received.shift()!;
      const pt = m[1]! & 0x7f;
      if (pt >= 72 && pt <= 79) continue; // RTCP (RFC 5761) from the same track
      const pkt = decodeRtp(new Uint8Array(m.buffer, m.byteOffset, m.byteLength));
      if (pkt.ssrc !== sent.ssrc) t.fail(`SSRC ${pkt.ssrc} is not ours`);
      rtpIn++;
      dep.pushPacket(pkt);
    }
    await new Promise((r) => setTimeout(r, 20));
  }
  t.ok(aus.length >= 45, `${aus.length} access units decrypted by libsrtp and reassembled`);
  t.ok(aus[0]?.keyframe, 'the first is a keyframe (GOP cache)');
  t.equal((aus[0]?.nals[0]?.[0] ?? 0) & 0x1f, 7, 'with its SPS in-band');
  t.comment(`first ${aus.length} access units in ${Math.round(performance.now() - t1)} ms`);

  // The session's getStats() against what libdatachannel got: every packet it decrypted was counted.
  const report = session.pc.getStats();
  const [transport] = statsOfType(report, 'transport');
  t.match(transport, {
    dtlsState: 'connected',
    dtlsRole: 'server',
    srtpCipher: 'SRTP_AES128_CM_HMAC_SHA1_80',
  });
  const pair = statsById(report, transport?.selectedCandidatePairId);
  t.match(pair, { type: 'candidate-pair', state: 'succeeded', nominated: true });
  const out = statsOfType(report, 'outbound-rtp').find((s) => s.kind === 'video');
  t.equal(out?.ssrc, sent.ssrc);
  t.ok(
    (out?.packetsSent ?? 0) >= rtpIn,
    `packetsSent ${out?.packetsSent} >= ${rtpIn} received by libdatachannel`,
  );
  t.ok((transport?.bytesSent ?? 0) > (out?.bytesSent ?? 0), 'transport bytes include the payloads');
});
