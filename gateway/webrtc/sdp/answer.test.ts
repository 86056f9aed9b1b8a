import t from 'tap';
import { readFileSync } from 'node:fs';
import {
  answerDirection,
  createAnswer,
  parseRemoteDescription,
  pickAudio,
  pickH264,
  SdpError,
  type AnswerParams,
} from './index.ts';

const chromeOffer = readFileSync(
  new URL('../../../test/fixtures/chromium-whep-offer.sdp', import.meta.url),
  'utf8',
);

const local: Omit<AnswerParams, 'decide'> = {
  iceUfrag: 'gwUf',
  icePwd: 'gatewaypasswordgatewaypw',
  iceLite: true,
  fingerprint: { algorithm: 'sha-256', value: 'AA:BB' },
  setup: 'passive',
  candidates: [
    {
      foundation: '1',
      component: 1,
      transport: 'udp',
      priority: 2130706431,
      ip: '127.0.0.1',
      port: 8189,
      type: 'host',
    },
  ],
};

t.test("parses Chromium's WHEP offer", async (t) => {
  const o = parseRemoteDescription(chromeOffer);
  t.same(o.bundle, ['0', '1']);
  t.equal(o.setup, 'actpass');
  t.equal(o.fingerprint.algorithm, 'sha-256');
  t.match(o.fingerprint.value, /^[0-9A-F:]{95}$/);
  t.ok(o.iceUfrag.length >= 4);
  t.equal(o.media.length, 2);
  t.equal(o.media[0]?.kind, 'video');
  t.equal(o.media[0]?.direction, 'recvonly');
  t.ok(
    o.candidates.every((c) => c.ip.endsWith('.local')),
    'Chromium hides host addresses behind mDNS names',
  );
  const h264 = pickH264(o.media[0]!);
  t.equal(h264?.name, 'H264');
  t.equal(h264?.fmtp['packetization-mode'], '1');
  t.ok(h264?.rtcpFb.includes('nack pli'));
});

t.test('answers every m-line, same mids, BUNDLE of the accepted ones, our ICE-lite transport', async (t) => {
  const o = parseRemoteDescription(chromeOffer);
  const answer = createAnswer(o, {
    ...local,
    decide: (m) => {
      const c = m.kind === 'video' ? pickH264(m) : pickAudio(m, ['opus', 'PCMU']);
      return c
        ? {
            codecs: [c],
            direction: answerDirection(m.direction, 'send'),
            rtcpFb: ['nack', 'nack pli', 'ccm fir'],
            send: { ssrc: 1234, cname: 'gw', streamId: 'demo', trackId: m.kind },
          }
        : undefined;
    },
  });
  t.match(answer, /^a=ice-lite$/m);
  t.match(answer, /^a=setup:passive$/m);
  t.match(answer, /^a=candidate:1 1 udp 2130706431 127\.0\.0\.1 8189 typ host$/m);
  const a = parseRemoteDescription(answer);
  t.same(a.bundle, ['0', '1']);
  t.equal(a.iceUfrag, 'gwUf');
  t.equal(a.iceLite, true);
  t.equal(a.media[0]?.direction, 'sendonly');
  t.equal(a.media[0]?.codecs.length, 1);
  t.equal(a.media[0]?.codecs[0]?.name, 'H264');
  t.same(a.media[0]?.codecs[0]?.rtcpFb, ['nack', 'nack pli', 'ccm fir']);
  t.equal(a.media[1]?.codecs[0]?.name, 'opus');
});

t.test('a section we cannot serve is rejected with port 0 and leaves the BUNDLE', async (t) => {
  const o = parseRemoteDescription(chromeOffer);
  const answer = createAnswer(o, {
    ...local,
    decide: (m) => (m.kind === 'video' ? { codecs: [pickH264(m)!], direction: 'sendonly' } : undefined),
  });
  t.match(answer, /^m=audio 0 /m);
  t.match(answer, /^a=group:BUNDLE 0$/m);
});

t.test('WebRTC requirements are typed errors', async (t) => {
  const code = (text: string) => {
    try {
      parseRemoteDescription(text);
    } catch (e) {
      return (e as SdpError).code;
    }
    return 'ok';
  };
  t.equal(code(''), 'SDP_NO_MEDIA');
  t.equal(code('garbage'), 'SDP_NO_MEDIA');
  t.equal(code(chromeOffer.replace(/^a=group:BUNDLE.*\r?\n/m, '')), 'SDP_NO_BUNDLE');
  t.equal(code(chromeOffer.replace(/^a=rtcp-mux\r?\n/gm, '')), 'SDP_NO_RTCP_MUX');
  t.equal(code(chromeOffer.replace(/^a=ice-pwd:.*\r?\n/gm, '')), 'SDP_NO_ICE_CREDENTIALS');
  t.equal(code(chromeOffer.replace(/^a=fingerprint:.*\r?\n/gm, '')), 'SDP_NO_FINGERPRINT');
});

t.test('directions', async (t) => {
  t.equal(answerDirection('recvonly', 'send'), 'sendonly');
  t.equal(answerDirection('sendrecv', 'send'), 'sendonly');
  t.equal(answerDirection('sendonly', 'send'), 'inactive');
  t.equal(answerDirection('sendonly', 'recv'), 'recvonly');
});

t.test('libdatachannel-style offer: session-level fingerprint, numeric lone mid', async (t) => {
  const offer = [
    'v=0',
    'o=rtc 1 0 IN IP4 127.0.0.1',
    's=-',
    't=0 0',
    'a=group:BUNDLE 0',
    'a=msid-semantic:WMS *',
    'a=fingerprint:sha-256 A4:0E:77:CE:01:63:0E:5D:39:EA:6B:26:98:7E:53:8A:85:48:71:0A:BD:C3:01:C6:0F:7E:A1:F5:A8:72:3E:3F',
    'm=video 34763 UDP/TLS/RTP/SAVPF 102',
    'c=IN IP4 127.0.0.1',
    'a=mid:0',
    'a=recvonly',
    'a=rtcp-mux',
    'a=rtpmap:102 H264/90000',
    'a=fmtp:102 profile-level-id=42e01f;packetization-mode=1',
    'a=setup:actpass',
    'a=ice-ufrag:WVep',
    'a=ice-pwd:aD6kaGc5cx0AZa1sP43y9l',
    'a=candidate:1 1 UDP 2114977791 127.0.0.1 34763 typ host',
    '',
  ].join('\r\n');
  const o = parseRemoteDescription(offer);
  t.same(o.bundle, ['0']);
  t.equal(o.media[0]?.mid, '0');
  t.equal(o.fingerprint.value.slice(0, 5), 'A4:0E');
  t.equal(o.candidates[0]?.ip, '127.0.0.1');
});

t.test('any text either parses or is an SdpError (never another exception)', async (t) => {
  const fc = (await import('fast-check')).default;
  const lines = chromeOffer.split('\r\n');
  fc.assert(
    fc.property(
      fc.oneof(
        fc.string(),
        // Real offers with lines dropped, duplicated or cut: the shapes a buggy client sends.
        fc
          .array(fc.nat({ max: lines.length - 1 }), { maxLength: 40 })
          .map((idx) => idx.map((i) => lines[i]).join('\r\n')),
        fc
          .tuple(fc.nat({ max: chromeOffer.length }), fc.string())
          .map(([cut, tail]) => chromeOffer.slice(0, cut) + tail),
      ),
      (text) => {
        try {
          parseRemoteDescription(text);
          return true;
        } catch (e) {
          return e instanceof SdpError;
        }
      },
    ),
    { numRuns: 300 },
  );
  t.pass('property held');
});
