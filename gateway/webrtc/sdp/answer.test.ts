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
