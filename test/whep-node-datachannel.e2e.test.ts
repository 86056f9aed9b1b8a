import t from 'tap';
import { PeerConnection, Video, cleanup } from 'node-datachannel';
import { startGatewayInProcess } from './harness/gateway-inproc.ts';

/*
 * Issue 3: node-datachannel (libdatachannel: its own ICE, OpenSSL's DTLS, libsrtp) as a third,
 * independent peer. It offers over WHEP; ICE and DTLS-SRTP complete; an RTP packet the gateway protects
 * with the keys it exported arrives decrypted on libdatachannel's track, and one the gateway corrupts
 * does not.
 */
function rtpPacket(ssrc: number, seq: number, pt: number, payload: Uint8Array): Uint8Array {
  const p = new Uint8Array(12 + payload.length);
  const v = new DataView(p.buffer);
  p[0] = 0x80;
  p[1] = 0x80 | pt; // marker
  v.setUint16(2, seq);
  v.setUint32(4, 90000 + seq * 3000);
  v.setUint32(8, ssrc);
  p.set(payload, 12);
  return p;
}

t.test('libdatachannel offers via WHEP, connects, and decrypts our SRTP', async (t) => {
  const gw = await startGatewayInProcess(t);
  const pc = new PeerConnection('viewer', { iceServers: [], bindAddress: '127.0.0.1' });
  t.teardown(() => {
    pc.close();
    // libdatachannel's threads keep the process alive until cleanup().
    cleanup();
  });
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
  const res = await fetch(`${gw.http}/whep/demo`, {
    method: 'POST',
    headers: { 'content-type': 'application/sdp' },
    body: offer,
  });
  t.equal(res.status, 201);
  const id = res.headers.get('location')!.split('/').pop()!;
  pc.setRemoteDescription(await res.text(), 'answer');
  t.equal(await connected, 'connected', 'libdatachannel reached connected');
  t.comment(`offer → connected in ${Math.round(performance.now() - t0)} ms`);

  const session = gw.whep.get(id)!;
  await session.pc.connected;
  t.equal(session.pc.connectionState, 'connected');
  const srtp = session.pc.srtp!;
  t.ok(srtp, 'SRTP contexts keyed from the DTLS exporter');
  t.comment(`DTLS ${session.pc.dtlsInfo.cipherSuite}, SRTP profile 0x${srtp.profile.toString(16)}`);
  const ssrc = session.ssrcs.get('0')!;
  t.ok(ssrc > 0, 'an SSRC announced for mid 0');

  // Wait until libdatachannel's track is open, then send protected packets on the shared port.
  await new Promise<void>((resolve) => (track.isOpen() ? resolve() : track.onOpen(() => resolve())));
  const payloads = [0, 1, 2, 3, 4].map((i) => new Uint8Array([0x65, i, 0xaa, 0x55, i * 7]));
  const arrived = new Promise<void>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`only ${received.length} packets arrived`)), 5000);
    const check = setInterval(() => {
      if (received.length >= payloads.length) {
        clearInterval(check);
        clearTimeout(timer);
        resolve();
      }
    }, 10);
  });
  // A corrupted packet first: libsrtp must reject it (auth fails), so it never reaches the track.
  const bad = srtp.tx.protectRtp(rtpPacket(ssrc, 999, 102, new Uint8Array([1, 2, 3])));
  bad[bad.length - 1]! ^= 0xff;
  session.pc.mediaConn!.send(bad);
  payloads.forEach((p, i) =>
    session.pc.mediaConn!.send(srtp.tx.protectRtp(rtpPacket(ssrc, 1000 + i, 102, p))),
  );
  await arrived;
  const seqs = received.map((b) => b.readUInt16BE(2));
  t.same(seqs, [1000, 1001, 1002, 1003, 1004], 'every good packet, decrypted, none of the corrupted one');
  t.same(
    received.map((b) => [...b.subarray(12)]),
    payloads.map((p) => [...p]),
    'payloads intact',
  );
  t.equal(received[0]!.readUInt32BE(8), ssrc);
});
