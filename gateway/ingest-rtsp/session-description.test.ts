import t from 'tap';
import fc from 'fast-check';
import { describeBase, resolveControl } from './control-url.ts';
import { RtspError } from './errors.ts';
import { parseSessionDescription } from './session-description.ts';
import { parseSessionHeader } from './session-header.ts';
import { formatTransport, parseTransport } from './transport-header.ts';

// Captured from test/harness/rtsp-camera.py (GStreamer 1.22 rtsp-server), DESCRIBE /cam.
const GST_H264 = `v=0
o=- 11939379679072690122 1 IN IP4 127.0.0.1
s=Session streamed with GStreamer
i=rtsp-server
t=0 0
a=tool:GStreamer
a=type:broadcast
a=control:*
a=range:npt=now-
m=video 0 RTP/AVP 96
c=IN IP4 0.0.0.0
b=AS:819
a=rtpmap:96 H264/90000
a=framerate:15
a=fmtp:96 packetization-mode=1;sprop-parameter-sets=Z0LAFtoCgL/lwFqDAwNSgAAAAwCAAAAPR4sXUA==,aM48gA==;profile-level-id=42c016;level-asymmetry-allowed=1
a=control:stream=0
a=ts-refclk:local
a=mediaclk:sender
a=ssrc:3872802230 cname:user1639552843@host-39cbc553
m=audio 0 RTP/AVP 0
c=IN IP4 0.0.0.0
b=AS:64
a=rtpmap:0 PCMU/8000
a=control:stream=1
`.replace(/\n/g, '\r\n');

// DESCRIBE /cam-h265 of the same server.
const GST_H265 = `v=0
o=- 15925802329310959261 1 IN IP4 127.0.0.1
s=Session streamed with GStreamer
t=0 0
a=control:*
m=video 0 RTP/AVP 97
c=IN IP4 0.0.0.0
a=rtpmap:97 H265/90000
a=fmtp:97 sprop-vps=QAEMAf//BAgAAAMAmAgAAAMAAD+6AkA=;sprop-sps=QgEBBAgAAAMAmAgAAAMAAD+QAKBALj4kpS3SUmF/+AAIAAtQYGBgQAAAAwBAAAADA8I=;sprop-pps=RAHAcDBgMSA=
a=control:stream=0
m=audio 0 RTP/AVP 0
a=control:stream=1
`;

// The shape of a typical IP camera (Hikvision-like): relative trackIDs, AAC audio, no rtpmap for
// nothing, absolute control on one track.
const VENDOR = `v=0
o=- 1 1 IN IP4 192.168.1.64
s=Media Presentation
t=0 0
a=control:rtsp://192.168.1.64:554/Streaming/Channels/101/
m=video 0 RTP/AVP 96
a=rtpmap:96 H264/90000
a=fmtp:96 profile-level-id=420029; packetization-mode=1; sprop-parameter-sets=Z01AKI2NQDwBE/LCAAAOEAACvyAI,aO48gA==
a=control:trackID=1
m=audio 0 RTP/AVP 104
a=rtpmap:104 mpeg4-generic/16000/1
a=fmtp:104 profile-level-id=15; streamtype=5; mode=AAC-hbr; config=1408;SizeLength=13; IndexLength=3; IndexDeltaLength=3
a=control:rtsp://192.168.1.64:554/Streaming/Channels/101/trackID=2
m=audio 0 RTP/AVP 111
a=rtpmap:111 opus/48000/2
a=control:trackID=3
`;

t.test('GStreamer H.264 + PCMU: tracks, controls, sprop, browser verdict', async (t) => {
  const info = parseSessionDescription(GST_H264, 'rtsp://127.0.0.1:8554/cam/');
  t.equal(info.aggregateControl, 'rtsp://127.0.0.1:8554/cam/');
  const [v, a] = info.tracks;
  t.match(v, {
    index: 0,
    media: 'video',
    control: 'rtsp://127.0.0.1:8554/cam/stream=0',
    payloadType: 96,
    codec: 'H264',
    clockRate: 90000,
    profileLevelId: '42c016',
    framerate: 15,
    browser: { playable: true },
  });
  t.equal(v?.fmtp['packetization-mode'], '1');
  t.equal(v?.parameterSets.sps.length, 1);
  t.equal(v?.parameterSets.sps[0]?.[0], 0x67, 'SPS NAL header');
  t.equal(v?.parameterSets.pps[0]?.[0], 0x68, 'PPS NAL header');
  t.match(a, {
    codec: 'PCMU',
    payloadType: 0,
    clockRate: 8000,
    control: 'rtsp://127.0.0.1:8554/cam/stream=1',
  });
});

t.test(
  'GStreamer H.265: VPS/SPS/PPS, static PCMU without rtpmap, H.265 not playable with reason',
  async (t) => {
    const info = parseSessionDescription(GST_H265, 'rtsp://127.0.0.1:8554/cam-h265/');
    const [v, a] = info.tracks;
    t.equal(v?.codec, 'H265');
    t.equal(v?.parameterSets.vps[0]?.[0], 0x40);
    t.equal(v?.parameterSets.sps[0]?.[0], 0x42);
    t.equal(v?.parameterSets.pps[0]?.[0], 0x44);
    t.equal(v?.browser.playable, false);
    t.match(v?.browser.reason, /H\.265/);
    t.match(a, { codec: 'PCMU', clockRate: 8000, browser: { playable: true } });
  },
);

t.test('vendor SDP: base without slash, absolute control, AAC recognised, Opus', async (t) => {
  const info = parseSessionDescription(VENDOR, 'rtsp://192.168.1.64/Streaming/Channels/101');
  t.equal(info.aggregateControl, 'rtsp://192.168.1.64:554/Streaming/Channels/101/');
  t.same(
    info.tracks.map((x) => [x.codec, x.control, x.browser.playable]),
    [
      ['H264', 'rtsp://192.168.1.64/Streaming/Channels/101/trackID=1', true],
      ['MPEG4-GENERIC', 'rtsp://192.168.1.64:554/Streaming/Channels/101/trackID=2', false],
      ['OPUS', 'rtsp://192.168.1.64/Streaming/Channels/101/trackID=3', true],
    ],
  );
  t.match(info.tracks[1]?.browser.reason, /AAC/);
  t.equal(info.tracks[1]?.channels, 1);
  t.equal(info.tracks[2]?.channels, 2);
  t.equal(info.tracks[0]?.parameterSets.sps.length, 1);
});

t.test('bad SDP is RTSP_SDP; arbitrary text never throws anything else', async (t) => {
  t.throws(() => parseSessionDescription('hello', 'rtsp://a/'), { code: 'RTSP_SDP' });
  t.throws(() => parseSessionDescription('v=0\r\ns=x\r\n', 'rtsp://a/'), { code: 'RTSP_SDP' });
  fc.assert(
    fc.property(
      fc.array(
        fc.oneof(
          fc.string(),
          fc.constantFrom(
            'm=video 0 RTP/AVP 96',
            'a=rtpmap:96 H264/90000',
            'a=fmtp:96 sprop-parameter-sets=!!,',
            'm=audio x',
            'a=control:',
          ),
        ),
        {
          maxLength: 12,
        },
      ),
      (lines) => {
        try {
          parseSessionDescription(['v=0', ...lines].join('\r\n'), 'rtsp://a/');
        } catch (err) {
          if (!(err instanceof RtspError)) throw err;
        }
        return true;
      },
    ),
  );
});

t.test('control URL resolution (RFC 2326 C.1.1 as cameras mean it)', async (t) => {
  t.equal(resolveControl('*', 'rtsp://a/b/'), 'rtsp://a/b/');
  t.equal(resolveControl(undefined, 'rtsp://a/b'), 'rtsp://a/b');
  t.equal(resolveControl('track1', 'rtsp://a/b'), 'rtsp://a/b/track1');
  t.equal(resolveControl('track1', 'rtsp://a/b/'), 'rtsp://a/b/track1');
  t.equal(resolveControl('/other/t1', 'rtsp://a:554/b/'), 'rtsp://a:554/other/t1');
  t.equal(resolveControl('rtsp://x/y', 'rtsp://a/b/'), 'rtsp://x/y');
  t.equal(describeBase('rtsp://a/req', 'rtsp://a/base/', 'rtsp://a/loc/'), 'rtsp://a/base/');
  t.equal(describeBase('rtsp://a/req', undefined, 'rtsp://a/loc/'), 'rtsp://a/loc/');
  t.equal(describeBase('rtsp://a/req', undefined, 'loc'), 'rtsp://a/req/loc');
  t.equal(describeBase('rtsp://a/req', undefined, undefined), 'rtsp://a/req');
});

t.test('Session header: id, timeout, defaults, tolerance', async (t) => {
  t.same(parseSessionHeader('EbzHd3QnnYtibmY9'), {
    id: 'EbzHd3QnnYtibmY9',
    timeoutSec: 60,
    explicitTimeout: false,
  });
  t.same(parseSessionHeader('12345678; Timeout = 30'), {
    id: '12345678',
    timeoutSec: 30,
    explicitTimeout: true,
  });
  t.same(parseSessionHeader('abc;foo=1;timeout=5'), { id: 'abc', timeoutSec: 5, explicitTimeout: true });
  t.equal(parseSessionHeader('abc;timeout=0')?.timeoutSec, 60);
  t.equal(parseSessionHeader(''), undefined);
  t.equal(parseSessionHeader(undefined), undefined);
});

t.test('Transport: format ours, parse theirs (odd replies too)', async (t) => {
  t.equal(formatTransport({ lower: 'TCP', interleaved: [2, 3] }), 'RTP/AVP/TCP;unicast;interleaved=2-3');
  t.equal(
    formatTransport({ lower: 'UDP', clientPort: [5000, 5001] }),
    'RTP/AVP;unicast;client_port=5000-5001',
  );
  t.same(parseTransport('RTP/AVP/TCP;unicast;interleaved=0-1;ssrc=A061B1B6;mode="PLAY"'), {
    protocol: 'RTP/AVP/TCP',
    lower: 'TCP',
    unicast: true,
    interleaved: [0, 1],
    ssrc: 0xa061b1b6,
    mode: 'PLAY',
  });
  t.match(parseTransport('RTP/AVP;unicast;client_port=5000-5001;server_port=6970-6971;source=10.0.0.2'), {
    lower: 'UDP',
    clientPort: [5000, 5001],
    serverPort: [6970, 6971],
    source: '10.0.0.2',
  });
  t.match(parseTransport('rtp/avp/tcp; Interleaved=4'), { lower: 'TCP', interleaved: [4, 5] });
  t.match(parseTransport('RTP/AVP/UDP;unicast;server_port=99999'), { serverPort: undefined });
  t.equal(parseTransport('garbage'), undefined);
  t.equal(parseTransport(undefined), undefined);
  fc.assert(fc.property(fc.string(), (s) => (parseTransport(s), parseSessionHeader(s), true)));
});
