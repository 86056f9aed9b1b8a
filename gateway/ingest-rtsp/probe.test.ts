import t from 'tap';
import { startRtspCamera } from '../../test/harness/rtsp-camera.ts';
import { ManualClock } from '../webrtc/transport/index.ts';
import { FakeCamera } from './fake-camera.ts';
import { probe } from './probe.ts';

const hold = setInterval(() => {}, 1000);
t.teardown(() => clearInterval(hold));

t.test('GStreamer /cam: H.264 640x360 ~15 fps + PCMU, playable; sampled', async (t) => {
  const cam = await startRtspCamera(t, { user: 'admin', password: 'pw', auth: 'digest' });
  const r = await probe(cam.mountUrl('/cam', { credentials: true }), { sampleMs: 1500 });
  t.equal(r.url, `rtsp://admin:***@127.0.0.1:${cam.port}/cam`);
  t.equal(r.auth, 'digest');
  t.ok(r.publicMethods.includes('GET_PARAMETER'));
  t.match(r.server, /GStreamer/, `the camera's Server header (${r.server})`);
  t.equal(r.playable, true);
  t.same(r.notes, []);
  const [v, a] = r.tracks;
  t.match(v?.fmtp, /packetization-mode=1/, `fmtp as the camera sent it: ${v?.fmtp}`);
  t.match(v?.fmtp, /sprop-parameter-sets=/);
  t.match(v, {
    media: 'video',
    codec: 'H264',
    width: 640,
    height: 360,
    profileLevelId: '42c016',
    bFrames: false,
  });
  t.ok(v?.frameRate !== undefined && Math.abs(v.frameRate - 15) < 1, `measured ${v?.frameRate} fps`);
  t.ok((v?.frames ?? 0) >= 15 && (v?.keyframes ?? 0) >= 1);
  t.ok((v?.bitrateKbps ?? 0) > 50, `${v?.bitrateKbps} kbit/s`);
  t.match(a, { media: 'audio', codec: 'PCMU', clockRate: 8000, browser: { playable: true } });
  t.notMatch(JSON.stringify(r), /pw@/, 'no password anywhere in the result');
});

t.test('GStreamer /cam-h265 without sampling: size from sprop-sps, H.265 not playable and why', async (t) => {
  const cam = await startRtspCamera(t);
  const r = await probe(cam.mountUrl('/cam-h265'), { sampleMs: 0 });
  t.equal(r.sampledMs, 0);
  t.equal(r.playable, false);
  t.match(r.tracks[0], {
    codec: 'H265',
    width: 640,
    height: 360,
    frames: undefined,
    browser: { playable: false },
  });
  t.match(r.notes.join('\n'), /H\.265/);
});

t.test('wrong credentials: probe rejects with RTSP_AUTH_FAILED', async (t) => {
  const cam = await startRtspCamera(t, { user: 'admin', password: 'pw', auth: 'basic' });
  await t.rejects(
    probe(cam.mountUrl('/cam'), { sampleMs: 0, credentials: { username: 'admin', password: 'nope' } }),
    {
      code: 'RTSP_AUTH_FAILED',
    },
  );
});

t.test('AAC audio is reported as not relayable, the video still plays', async (t) => {
  const sdp = [
    'v=0',
    'o=- 1 1 IN IP4 10.0.0.5',
    's=cam',
    't=0 0',
    'm=video 0 RTP/AVP 96',
    'a=rtpmap:96 H264/90000',
    'a=fmtp:96 packetization-mode=1;sprop-parameter-sets=Z0LAFtoCgL/lwFqDAwNSgAAAAwCAAAAPR4sXUA==,aM48gA==',
    'a=control:trackID=1',
    'm=audio 0 RTP/AVP 97',
    'a=rtpmap:97 MPEG4-GENERIC/16000/1',
    'a=fmtp:97 streamtype=5;mode=AAC-hbr;config=1408;sizelength=13;indexlength=3;indexdeltalength=3',
    'a=control:trackID=2',
    '',
  ].join('\r\n');
  const cam = new FakeCamera({ sdp });
  const r = await probe('rtsp://10.0.0.5/live', {
    sampleMs: 0,
    dialer: cam.dialer,
    clock: new ManualClock(),
  });
  t.equal(r.playable, true);
  t.match(r.tracks, [
    { codec: 'H264', width: 640, height: 360, browser: { playable: true } },
    { codec: 'MPEG4-GENERIC', browser: { playable: false, reason: /AAC/ } },
  ]);
  t.match(r.notes, [/track 1 \(MPEG4-GENERIC\): AAC/]);
  t.same(cam.methods, ['OPTIONS', 'DESCRIBE'], 'no SETUP/PLAY without sampling');
});
