import t from 'tap';
import { readFileSync } from 'node:fs';
import { mkdtemp, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Video } from 'node-datachannel';
import { ndcPeer } from './harness/node-datachannel.ts';
import { startGatewayInProcess } from './harness/gateway-inproc.ts';
import { startRtspCamera } from './harness/rtsp-camera.ts';
import { postSdp } from './harness/whep-page.ts';
import { H265Depacketizer, decodeRtp } from '../gateway/webrtc/rtp/index.ts';

/*
 * H.265 cameras are common; Safari (and Chrome with a hardware decoder) play H.265 over WebRTC. The
 * GStreamer camera's H.265 mount → gateway → libdatachannel offering H265 over WHEP: the answer names
 * H265 with the stream's profile (RFC 7798 §7.2.2), libsrtp decrypts, our depacketizer rebuilds
 * access units, the first one a keyframe (IRAP) with VPS/SPS/PPS in-band. A viewer offering only
 * H.264 for that stream gets a 400 that says the stream is H.265.
 */
t.test('an H.265 camera plays to an H.265 WHEP viewer (libdatachannel)', async (t) => {
  const cam = await startRtspCamera(t, { gopSeconds: 1 });
  const dir = await mkdtemp(join(tmpdir(), 'edgegw-h265-'));
  const cfg = join(dir, 'config.yaml');
  await writeFile(cfg, `streams:\n  cam265:\n    url: ${cam.mountUrl('/cam-h265')}\n`);
  const gw = await startGatewayInProcess(t, { EDGEGW_CONFIG: cfg, EDGEGW_DEMO: '0' });

  // Wait until the hub knows the stream (SPS seen): what WHEP answers with comes from it.
  const t0 = performance.now();
  let info: { video?: { codec?: string } } = {};
  while (performance.now() - t0 < 10_000) {
    const res = await fetch(`${gw.http}/api/streams`);
    const body = (await res.json()) as { streams: { name: string; video?: { codec?: string } }[] };
    info = body.streams.find((s) => s.name === 'cam265') ?? {};
    if (info.video?.codec === 'H265') break;
    await new Promise((r) => setTimeout(r, 100));
  }
  t.equal(info.video?.codec, 'H265', 'the camera is live as H.265');

  // An H.264-only viewer (Chromium's offer without hardware H.265: the fixture) is refused.
  const offer264 = readFileSync(new URL('./fixtures/chromium-whep-offer.sdp', import.meta.url), 'utf8');
  const refused = await postSdp(`${gw.http}/whep/cam265`, offer264);
  const refusedText = await refused.text();
  t.equal(refused.status, 400, 'an H.264-only viewer of an H.265 stream is refused', {
    body: refusedText,
    offer264,
  });
  t.match(refusedText, /H\.265/, 'and told the stream is H.265');

  const pc = ndcPeer(t, 'h265-viewer');
  const video = new Video('0', 'RecvOnly');
  video.addH265Codec(104);
  const track = pc.addTrack(video);
  const received: Buffer[] = [];
  track.onMessage((m) => received.push(m));
  const offer = await new Promise<string>((resolve) => {
    pc.onGatheringStateChange((s) => s === 'complete' && resolve(pc.localDescription()!.sdp));
    pc.setLocalDescription();
  });
  const connected = new Promise<string>((resolve) =>
    pc.onStateChange((s) => (s === 'connected' || s === 'failed') && resolve(s)),
  );
  const res = await postSdp(`${gw.http}/whep/cam265`, offer);
  t.equal(res.status, 201);
  const answer = await res.text();
  t.match(answer, /a=rtpmap:104 H265\/90000/, 'answered on the offered H265 payload type');
  t.match(answer, /a=fmtp:104 [^\r\n]*profile-id=1/, 'with the stream profile (Main)');
  t.match(answer, /a=fmtp:104 [^\r\n]*tx-mode=SRST/);
  pc.setRemoteDescription(answer, 'answer');
  t.equal(await connected, 'connected');

  const aus: { keyframe: boolean; nals: Uint8Array[] }[] = [];
  const dep = new H265Depacketizer({ onAccessUnit: (au) => aus.push(au) });
  const t1 = performance.now();
  while (aus.length < 30 && performance.now() - t1 < 8000) {
    while (received.length > 0) {
      const m = received.shift()!;
      const pt = m[1]! & 0x7f;
      if (pt >= 72 && pt <= 79) continue; // RTCP (RFC 5761)
      dep.pushPacket(decodeRtp(new Uint8Array(m.buffer, m.byteOffset, m.byteLength)));
    }
    await new Promise((r) => setTimeout(r, 20));
  }
  t.ok(aus.length >= 30, `${aus.length} H.265 access units decrypted by libsrtp and reassembled`);
  t.ok(aus[0]?.keyframe, 'the first is a keyframe (GOP cache)');
  const types = (aus[0]?.nals ?? []).map((n) => ((n[0] ?? 0) >> 1) & 0x3f);
  t.ok(
    [32, 33, 34].every((ty) => types.includes(ty)),
    `VPS, SPS and PPS in-band before the keyframe (NAL types ${types.join(',')})`,
  );
});
