import t from 'tap';
import fc from 'fast-check';
import { readFileSync } from 'node:fs';
import {
  createAnswer,
  describeOffered,
  h264Decodes,
  noCommonCodec,
  parseH264ProfileLevelId,
  parseRemoteDescription,
  pickAudio,
  pickH264,
  pickH264ToReceive,
  SdpError,
  type Codec,
  type MediaSection,
} from './index.ts';

const fixture = (name: string) =>
  readFileSync(new URL(`../../../test/fixtures/${name}`, import.meta.url), 'utf8');
const chrome = parseRemoteDescription(fixture('chromium-whep-offer.sdp'));
const firefoxText = fixture('firefox-whep-offer.sdp');
const firefox = parseRemoteDescription(firefoxText);
const DEMO = '42c01f'; // x264 constrained baseline level 3.1, the demo clip

const plid = (v: string | undefined) => parseH264ProfileLevelId(v)!;

t.test('profile-level-id names a profile and an orderable level (RFC 6184 §8.1 Table 5)', async (t) => {
  const cases: [string | undefined, string | undefined, number][] = [
    ['42e01f', 'constrained-baseline', 31],
    ['42c01f', 'constrained-baseline', 31],
    ['42C01F', 'constrained-baseline', 31],
    ['42001f', 'baseline', 31],
    ['4d001f', 'main', 31],
    ['4d801f', 'constrained-baseline', 31],
    ['58c01e', 'constrained-baseline', 30],
    ['58801e', 'baseline', 30],
    ['58001e', 'extended', 30],
    ['640c1f', 'constrained-high', 31],
    ['640028', 'high', 40],
    ['6e0028', 'high-10', 40],
    ['f4001f', 'high-444', 31],
    ['42f00b', 'constrained-baseline', 10.5], // level 1b: level_idc 11 + constraint_set3
    ['4d100b', 'main', 10.5],
    ['64000b', 'high', 11], // constraint_set3 means 1b only in Baseline/Main/Extended
    ['640009', 'high', 10.5],
    [undefined, 'baseline', 10], // absent: Baseline level 1
    ['530028', undefined, 40], // a profile_idc (83, Scalable Baseline) the table does not know
  ];
  for (const [v, profile, level] of cases) {
    const p = parseH264ProfileLevelId(v);
    t.equal(p?.profile, profile, `${v} profile`);
    t.equal(p?.level, level, `${v} level`);
  }
  for (const bad of ['42e01', '42e01f0', 'zzzzzz', '', '0x42e0'])
    t.equal(parseH264ProfileLevelId(bad), undefined, `${JSON.stringify(bad)} refused`);
});

t.test('decodes: profile compatibility, level as an upper bound', async (t) => {
  t.ok(h264Decodes(plid('42e01f'), plid('42c01f')), 'same profile, different constraint bytes');
  t.ok(h264Decodes(plid('42001f'), plid('42e01f')), 'Baseline decodes Constrained Baseline');
  t.ok(h264Decodes(plid('4d001f'), plid('42c01f')), 'Main decodes Constrained Baseline');
  t.ok(h264Decodes(plid('640032'), plid('4d0028')), 'High decodes Main');
  t.ok(h264Decodes(plid('f40032'), plid('640028')), 'High 4:4:4 decodes High');
  t.notOk(
    h264Decodes(plid('42e01f'), plid('42001f')),
    'Constrained Baseline does not decode Baseline (FMO/ASO)',
  );
  t.notOk(h264Decodes(plid('42e01f'), plid('4d001f')), 'Constrained Baseline does not decode Main');
  t.notOk(h264Decodes(plid('4d0033'), plid('640028')), 'Main does not decode High');
  t.notOk(h264Decodes(plid('640c1f'), plid('4d001f')), 'Constrained High takes no B slices');
  t.notOk(h264Decodes(plid('42e01f'), plid('42c028')), 'level 4 exceeds 3.1');
  t.ok(h264Decodes(plid('42e028'), plid('42c01f')), 'level 3.1 within 4');
  t.ok(h264Decodes(plid('42e00b'), plid('42f00b')), '1b within 1.1');
  t.notOk(h264Decodes(plid('42e00a'), plid('42f00b')), '1b exceeds 1');
  t.notOk(h264Decodes(plid('530028'), plid('42c01f')), 'an unknown receiver profile decodes nothing');
});

t.test('Chromium: the Constrained Baseline mode-1 entry, answered as the stream really is', async (t) => {
  const c = pickH264(chrome.media[0]!, DEMO)!;
  t.equal(c.payloadType, 108, 'PT 108 (42e01f, mode 1), not 102 (Baseline) nor 104/114 (mode 0)');
  t.same(c.fmtp, {
    'level-asymmetry-allowed': '1',
    'packetization-mode': '1',
    'profile-level-id': '42c01f',
  });
  t.ok(c.rtcpFb.includes('nack pli'), 'the offered rtcp-fb stays with the codec');
  t.equal(pickH264(chrome.media[0]!, '4d001f')?.payloadType, 116, 'a Main stream takes the Main entry');
  t.equal(pickH264(chrome.media[0]!, '640c1f')?.payloadType, 41, 'Constrained High: only f4001f decodes it');
  // A 1080p camera (level 4) to a browser that announces 3.1: answered at the offered bound, not refused.
  const hi = pickH264(chrome.media[0]!, '42c028');
  t.equal(hi?.fmtp['profile-level-id'], '42c01f', 'level 4 stream answered at the offered level 3.1');
  t.equal(hi?.fmtp['packetization-mode'], '1');
  t.equal(pickH264(chrome.media[0]!, '530028'), undefined, 'a profile no entry decodes is still refused');
});

t.test('Firefox: VP8/VP9 first, two H.264 entries in its own fmtp order → H.264 mode 1', async (t) => {
  const v = firefox.media[0]!;
  t.same(
    v.codecs.filter((c) => c.name === 'H264').map((c) => [c.payloadType, c.fmtp['packetization-mode']]),
    [
      [126, '1'],
      [97, undefined],
    ],
  );
  const c = pickH264(v, DEMO)!;
  t.equal(c.payloadType, 126);
  t.equal(c.fmtp['profile-level-id'], '42c01f');
  t.equal(c.fmtp['packetization-mode'], '1');
  t.equal(pickH264(v)?.payloadType, 126, 'also without knowing the stream');
  t.equal(pickAudio(firefox.media[1]!, ['opus', 'PCMU', 'PCMA'])?.payloadType, 109);
  // Swapping the two H.264 entries, and the parameter order, changes nothing.
  const swapped = firefoxText
    .replace(
      'a=fmtp:126 profile-level-id=42e01f;level-asymmetry-allowed=1;packetization-mode=1',
      'a=fmtp:126 profile-level-id=42e01f;level-asymmetry-allowed=1',
    )
    .replace(
      'a=fmtp:97 profile-level-id=42e01f;level-asymmetry-allowed=1',
      'a=fmtp:97 packetization-mode=1;level-asymmetry-allowed=1;profile-level-id=42E01F',
    );
  t.equal(pickH264(parseRemoteDescription(swapped).media[0]!, DEMO)?.payloadType, 97);
});

t.test("the answer to Firefox: one H.264 payload type with the stream's fmtp, Opus, same mids", async (t) => {
  const answer = createAnswer(firefox, {
    iceUfrag: 'gwUf',
    icePwd: 'gatewaypasswordgatewaypw',
    iceLite: true,
    fingerprint: { algorithm: 'sha-256', value: 'AA:BB' },
    setup: 'passive',
    candidates: [],
    decide: (m) => {
      const c = m.kind === 'video' ? pickH264(m, DEMO) : pickAudio(m, ['opus', 'PCMU']);
      return c ? { codecs: [c], direction: 'sendonly', rtcpFb: ['nack', 'nack pli', 'ccm fir'] } : undefined;
    },
  });
  t.match(answer, /^m=video 9 UDP\/TLS\/RTP\/SAVPF 126\r?$/m);
  t.match(answer, /^a=fmtp:126 level-asymmetry-allowed=1;packetization-mode=1;profile-level-id=42c01f\r?$/m);
  t.match(answer, /^m=audio 9 UDP\/TLS\/RTP\/SAVPF 109\r?$/m);
  t.notMatch(answer, /VP8|VP9|rtpmap:97 /);
  const a = parseRemoteDescription(answer);
  t.same(a.bundle, ['0', '1']);
  t.same(a.media[0]?.codecs[0]?.rtcpFb, ['nack', 'nack pli', 'ccm fir']);
});

t.test('no common codec: the error names what was offered', async (t) => {
  const mode0 = parseRemoteDescription(
    firefoxText.replace(
      'a=fmtp:126 profile-level-id=42e01f;level-asymmetry-allowed=1;packetization-mode=1',
      'a=fmtp:126 profile-level-id=42e01f;level-asymmetry-allowed=1;packetization-mode=0',
    ),
  );
  t.equal(pickH264(mode0.media[0]!, DEMO), undefined, 'mode 0 only: nothing to send FU-A on');
  t.equal(pickH264(mode0.media[0]!), undefined);
  t.equal(
    describeOffered(mode0),
    'video: VP8, VP9, H264 (packetization-mode=0, profile-level-id=42e01f); audio: opus, G722, PCMU, PCMA',
    'rtx/red/ulpfec/telephone-event left out, duplicates folded',
  );
  const err = noCommonCodec(mode0, 'H264 packetization-mode=1');
  t.type(err, SdpError);
  t.equal(err.code, 'SDP_NO_COMMON_CODEC');
  t.match(err.message, /offered: video: VP8, VP9, H264 \(packetization-mode=0/);
});

t.test('WHIP receive side prefers the most decodable profile, mode 1 only', async (t) => {
  t.equal(pickH264ToReceive(chrome.media[0]!)?.payloadType, 108, 'Constrained Baseline over Baseline 102');
  t.equal(pickH264ToReceive(firefox.media[0]!)?.payloadType, 126);
  t.equal(pickH264ToReceive(chrome.media[1]!), undefined, 'audio has none');
});

// Property: over random H.264 offers and streams, the pick is exactly "a mode-1 entry that decodes
// the stream", it exists whenever one does, and its fmtp is the stream's.
const IDCS = [0x42, 0x4d, 0x58, 0x64, 0x6e, 0x7a, 0xf4, 0x53];
const hex = (n: number) => n.toString(16).padStart(2, '0');
const arbPlid = fc
  .tuple(
    fc.constantFrom(...IDCS),
    fc.integer({ min: 0, max: 255 }),
    fc.constantFrom(9, 10, 11, 12, 13, 20, 21, 22, 30, 31, 32, 40, 41, 42, 50, 51),
  )
  .map(([a, b, c]) => hex(a) + hex(b & 0xfc) + hex(c));
const arbEntry = fc.record({
  plid: fc.option(arbPlid, { nil: undefined }),
  pm: fc.constantFrom<string | undefined>('0', '1', undefined),
});

t.test('property: pickH264 takes a decoding mode-1 entry whenever there is one', async (t) => {
  fc.assert(
    fc.property(fc.array(arbEntry, { maxLength: 6 }), arbPlid, (entries, stream) => {
      const codecs: Codec[] = entries.map((e, i) => ({
        payloadType: 96 + i,
        name: 'H264',
        clockRate: 90000,
        channels: undefined,
        fmtp: {
          ...(e.plid ? { 'profile-level-id': e.plid } : {}),
          ...(e.pm ? { 'packetization-mode': e.pm } : {}),
        },
        rtcpFb: [],
      }));
      const section: MediaSection = {
        mid: '0',
        kind: 'video',
        protocol: 'UDP/TLS/RTP/SAVPF',
        port: 9,
        direction: 'recvonly',
        codecs,
        extmaps: [],
        rtcpMux: true,
        rtcpRsize: false,
      };
      const s = plid(stream);
      const ok = codecs.filter(
        (c) => c.fmtp['packetization-mode'] === '1' && h264Decodes(plid(c.fmtp['profile-level-id']), s),
      );
      const got = pickH264(section, stream);
      if (ok.length === 0) {
        // Only the level is too low: answered at the highest offered level of a compatible profile.
        const compatible = codecs.filter(
          (c) =>
            c.fmtp['packetization-mode'] === '1' &&
            h264Decodes({ ...plid(c.fmtp['profile-level-id']), level: Infinity }, s),
        );
        if (compatible.length === 0) return got === undefined;
        const answered = got?.fmtp['profile-level-id'];
        return (
          answered !== undefined &&
          answered.slice(0, 4) === stream.slice(0, 4) &&
          compatible.some((c) => c.payloadType === got!.payloadType) &&
          // the level answered is the level that entry offered (the offerer's upper bound)
          plid(answered).levelIdc ===
            plid(codecs.find((c) => c.payloadType === got!.payloadType)!.fmtp['profile-level-id']).levelIdc
        );
      }
      if (!got) return false;
      const sameProfile = ok.find((c) => plid(c.fmtp['profile-level-id']).profile === s.profile);
      return (
        got.payloadType === (sameProfile ?? ok[0])!.payloadType &&
        got.fmtp['profile-level-id'] === stream &&
        got.fmtp['packetization-mode'] === '1'
      );
    }),
    { numRuns: 2000 },
  );
  t.pass('2000 random offers');
});

t.test(
  'all-digit ICE credentials stay strings, exactly as written (werift offers 4-hex-digit ufrags)',
  async (t) => {
    const digits = firefoxText
      .replace(/a=ice-ufrag:6a1f0c3d/g, 'a=ice-ufrag:3229')
      .replace(/a=ice-pwd:8f3c2a9e71d54b06a2e1c7f09b4d3e55/g, 'a=ice-pwd:0123456789012345678901');
    const o = parseRemoteDescription(digits);
    t.equal(o.iceUfrag, '3229', 'a string, so "3229" === the USERNAME part of a check');
    t.equal(o.icePwd, '0123456789012345678901', 'no float rounding, no lost leading zero');
    // Session-level credentials (RFC 8839 §5.4 allows them there) are read too.
    const sessionLevel = digits
      .replace(/a=ice-ufrag:3229\r\n/g, '')
      .replace(/a=ice-pwd:0123456789012345678901\r\n/g, '')
      .replace(
        'a=ice-options:trickle\r\n',
        'a=ice-options:trickle\r\na=ice-ufrag:0042\r\na=ice-pwd:00000000000000000000000001\r\n',
      );
    const p = parseRemoteDescription(sessionLevel);
    t.equal(p.iceUfrag, '0042');
    t.equal(p.icePwd, '00000000000000000000000001');
  },
);
