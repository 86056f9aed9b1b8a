import t from 'tap';
import fc from 'fast-check';
import { parseRemoteDescription, pickH265, parseH265Params, type Codec, type MediaSection } from './index.ts';

const h265 = (pt: number, fmtp: Record<string, string>): Codec => ({
  payloadType: pt,
  name: 'H265',
  clockRate: 90000,
  channels: undefined,
  fmtp,
  rtcpFb: ['nack', 'nack pli'],
});
const section = (codecs: Codec[]): MediaSection => ({
  mid: '0',
  kind: 'video',
  protocol: 'UDP/TLS/RTP/SAVPF',
  port: 9,
  direction: 'recvonly',
  codecs,
  extmaps: [],
  rtcpMux: true,
  rtcpRsize: false,
});
const MAIN_41 = { profileSpace: 0, profileId: 1, tierFlag: 0, levelId: 123 };

t.test('RFC 7798 §7.1 defaults: Main profile, Main tier, level 3.1, SRST', async (t) => {
  t.same(parseH265Params({}), { profileSpace: 0, profileId: 1, tierFlag: 0, levelId: 93 });
  t.same(parseH265Params({ 'profile-id': '2', 'level-id': '180', 'tier-flag': '1' }), {
    profileSpace: 0,
    profileId: 2,
    tierFlag: 1,
    levelId: 180,
  });
  t.equal(parseH265Params({ 'tx-mode': 'MRST' }), undefined, 'multi-stream transmission is not ours');
  t.equal(parseH265Params({ 'level-id': 'high' }), undefined, 'malformed');
});

t.test('Chromium/Safari-style offer: the Main entry is answered with the stream as it is', async (t) => {
  // The shape Chrome 136+ and Safari 18 offer (level-id 93 or 180, profile-id 1 and 2 entries).
  const s = section([
    h265(49, { 'level-id': '180', 'profile-id': '1', 'tier-flag': '0', 'tx-mode': 'SRST' }),
    h265(51, { 'level-id': '180', 'profile-id': '2', 'tier-flag': '0', 'tx-mode': 'SRST' }),
  ]);
  const c = pickH265(s, MAIN_41)!;
  t.equal(c.payloadType, 49);
  t.same(c.fmtp, { 'level-id': '123', 'profile-id': '1', 'tier-flag': '0', 'tx-mode': 'SRST' });
  const main10 = pickH265(s, { ...MAIN_41, profileId: 2 })!;
  t.equal(main10.payloadType, 51, 'a Main 10 stream goes on the Main 10 entry');
});

t.test('profile must match exactly; the level is an upper bound, clamped when below', async (t) => {
  const s = section([h265(96, { 'profile-id': '1', 'level-id': '93' })]);
  t.equal(pickH265(s, { ...MAIN_41, profileId: 2 }), undefined, 'Main 10 stream, Main-only viewer');
  const c = pickH265(s, MAIN_41)!;
  t.equal(c.fmtp['level-id'], '93', 'a level 4.1 stream is answered at the offered 3.1');
  t.equal(pickH265(section([h265(96, { 'tx-mode': 'MRST' })]), MAIN_41), undefined);
  t.equal(pickH265(section([]), MAIN_41), undefined);
});

t.test('a higher-level entry wins over an earlier lower one', async (t) => {
  const s = section([h265(96, { 'level-id': '90' }), h265(98, { 'level-id': '150' })]);
  t.equal(pickH265(s, MAIN_41)!.payloadType, 98);
});

t.test('a real offer parsed from SDP text', async (t) => {
  const sdp = [
    'v=0',
    'o=- 1 2 IN IP4 127.0.0.1',
    's=-',
    't=0 0',
    'a=group:BUNDLE 0',
    'm=video 9 UDP/TLS/RTP/SAVPF 96 97',
    'c=IN IP4 0.0.0.0',
    'a=mid:0',
    'a=recvonly',
    'a=rtcp-mux',
    'a=ice-ufrag:abcd',
    'a=ice-pwd:abcdefghijklmnopqrstuvwx',
    'a=fingerprint:sha-256 ' + Array(32).fill('AB').join(':'),
    'a=setup:actpass',
    'a=rtpmap:96 H264/90000',
    'a=fmtp:96 packetization-mode=1;profile-level-id=42e01f',
    'a=rtpmap:97 H265/90000',
    'a=fmtp:97 level-id=93;profile-id=1;tier-flag=0;tx-mode=SRST',
    'a=rtcp-fb:97 nack pli',
    '',
  ].join('\r\n');
  const offer = parseRemoteDescription(sdp);
  const c = pickH265(offer.media[0]!, MAIN_41)!;
  t.equal(c.payloadType, 97);
  t.same(c.rtcpFb, ['nack pli']);
});

t.test('property: the answer never exceeds the chosen entry, and keeps the stream profile', async () => {
  const arb = fc.record({
    profileId: fc.constantFrom('1', '2', undefined),
    levelId: fc.constantFrom('60', '93', '120', '150', '180', undefined),
    tier: fc.constantFrom('0', '1', undefined),
  });
  fc.assert(
    fc.property(
      fc.array(arb, { maxLength: 5 }),
      fc.constantFrom(1, 2),
      fc.integer({ min: 30, max: 186 }),
      (es, profileId, levelId) => {
        const codecs = es.map((e, i) =>
          h265(96 + i, {
            ...(e.profileId ? { 'profile-id': e.profileId } : {}),
            ...(e.levelId ? { 'level-id': e.levelId } : {}),
            ...(e.tier ? { 'tier-flag': e.tier } : {}),
          }),
        );
        const c = pickH265(section(codecs), { profileSpace: 0, profileId, tierFlag: 0, levelId });
        const same = codecs.filter((x) => parseH265Params(x.fmtp)!.profileId === profileId);
        if (same.length === 0) return c === undefined;
        if (!c) return false;
        const entry = parseH265Params(codecs.find((x) => x.payloadType === c.payloadType)!.fmtp)!;
        return (
          entry.profileId === profileId &&
          Number(c.fmtp['level-id']) <= entry.levelId &&
          Number(c.fmtp['level-id']) <= levelId &&
          c.fmtp['profile-id'] === String(profileId)
        );
      },
    ),
  );
});
