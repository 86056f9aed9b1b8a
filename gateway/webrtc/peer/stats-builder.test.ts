import t from 'tap';
import type { Candidate } from '../ice/index.ts';
import { buildStatsReport, type StatsSources } from './stats-builder.ts';
import { statsById, statsOfType } from './stats-report.ts';

const host = (address: string, port: number, type: Candidate['type'] = 'host'): Candidate => ({
  foundation: '1',
  component: 1,
  transport: 'udp',
  priority: 2130706431,
  address,
  port,
  type,
  extensions: [],
});

const local = host('127.0.0.1', 8189);
const remote = host('127.0.0.1', 50000, 'prflx');
const other = host('127.0.0.1', 50001, 'prflx');

function sources(over: Partial<StatsSources> = {}): StatsSources {
  return {
    timestamp: 1_700_000_000_000,
    connectionState: 'connected',
    transport: {
      iceRole: 'controlled',
      iceState: 'completed',
      localUfrag: 'abcd',
      dtlsState: 'connected',
      dtlsRole: 'server',
      dtlsCipher: 'TLS_ECDHE_ECDSA_WITH_AES_128_GCM_SHA256',
      srtpCipher: 'SRTP_AES128_CM_HMAC_SHA1_80',
      bytesSent: 100_000,
      bytesReceived: 2_000,
      packetsSent: 90,
      packetsReceived: 12,
    },
    localCandidates: [local],
    remoteCandidates: [],
    pairs: [
      { local, remote, state: 'succeeded', nominated: true, selected: true, rttMs: undefined },
      { local, remote: other, state: 'succeeded', nominated: false, selected: false, rttMs: 3 },
    ],
    send: [
      {
        ssrc: 1111,
        kind: 'video',
        mid: '0',
        codec: {
          payloadType: 102,
          name: 'H264',
          clockRate: 90000,
          fmtp: { 'profile-level-id': '42c01f', 'packetization-mode': '1' },
        },
        counters: { packets: 80, payloadBytes: 80_000, errors: 1 },
        reception: { fractionLost: 0.25, cumulativeLost: 4, jitterSeconds: 0.002, rttMs: 7, reports: 3 },
        feedback: { nack: 2, pli: 1, fir: 0 },
      },
      {
        ssrc: 2222,
        kind: 'audio',
        mid: '1',
        codec: { payloadType: 111, name: 'opus', clockRate: 48000, channels: 2 },
        counters: { packets: 10, payloadBytes: 1_000, errors: 0 },
        retransmits: 2,
        reception: { fractionLost: 0, cumulativeLost: 0, jitterSeconds: 0, rttMs: undefined, reports: 0 },
        feedback: { nack: 0, pli: 0, fir: 0 },
      },
    ],
    receive: [],
    ...over,
  };
}

t.test('transport links to the selected pair, the pair to its candidates', async (t) => {
  const r = buildStatsReport(sources());
  t.equal(r.timestamp, 1_700_000_000_000);
  t.equal(r.connectionState, 'connected');
  const [transport] = statsOfType(r, 'transport');
  t.match(transport, {
    type: 'transport',
    dtlsState: 'connected',
    tlsVersion: 'FEFD',
    dtlsCipher: 'TLS_ECDHE_ECDSA_WITH_AES_128_GCM_SHA256',
    srtpCipher: 'SRTP_AES128_CM_HMAC_SHA1_80',
    bytesSent: 100_000,
    bytesReceived: 2_000,
    iceRole: 'controlled',
    iceLocalUsernameFragment: 'abcd',
  });
  const pair = statsById(r, transport?.selectedCandidatePairId);
  t.ok(pair, 'selectedCandidatePairId resolves');
  if (pair?.type !== 'candidate-pair') throw new Error('not a pair');
  t.match(pair, { state: 'succeeded', nominated: true, bytesSent: 100_000, packetsReceived: 12 });
  t.match(statsById(r, pair.localCandidateId), {
    type: 'local-candidate',
    address: '127.0.0.1',
    port: 8189,
    protocol: 'udp',
    candidateType: 'host',
  });
  t.match(statsById(r, pair.remoteCandidateId), {
    type: 'remote-candidate',
    port: 50000,
    candidateType: 'prflx',
  });
  // ICE-lite sends no checks: the selected pair's RTT is the RTCP one (video's 7 ms), in seconds.
  t.equal(pair.currentRoundTripTime, 0.007);
  const [, unselected] = statsOfType(r, 'candidate-pair');
  t.match(unselected, { bytesSent: 0, nominated: false, currentRoundTripTime: 0.003 }, 'its own STUN RTT');
  t.equal(statsOfType(r, 'local-candidate').length, 1, 'a candidate seen twice is one entry');
  t.equal(statsOfType(r, 'remote-candidate').length, 2);
  const ids = r.stats.map((s) => s.id);
  t.equal(new Set(ids).size, ids.length, 'ids are unique');
});

t.test('outbound-rtp per sender, remote-inbound-rtp once reported, codecs linked', async (t) => {
  const r = buildStatsReport(sources());
  const out = statsOfType(r, 'outbound-rtp');
  t.equal(out.length, 2);
  const video = out.find((s) => s.kind === 'video')!;
  t.match(video, {
    ssrc: 1111,
    mid: '0',
    packetsSent: 80,
    bytesSent: 80_000,
    headerBytesSent: 960,
    nackCount: 2,
    pliCount: 1,
    firCount: 0,
    sendErrors: 1,
  });
  t.notOk('retransmittedPacketsSent' in video, 'not reported when the sender does not count it');
  t.match(statsById(r, video.codecId), {
    type: 'codec',
    payloadType: 102,
    mimeType: 'video/H264',
    clockRate: 90000,
    sdpFmtpLine: 'packetization-mode=1;profile-level-id=42c01f',
  });
  const remoteIn = statsById(r, video.remoteId);
  t.match(remoteIn, {
    type: 'remote-inbound-rtp',
    localId: video.id,
    ssrc: 1111,
    packetsLost: 4,
    fractionLost: 0.25,
    jitter: 0.002,
    roundTripTime: 0.007,
    reportsReceived: 3,
  });
  const audio = out.find((s) => s.kind === 'audio')!;
  t.equal(audio.remoteId, undefined, 'no receiver report yet: no remote-inbound-rtp');
  t.equal(audio.retransmittedPacketsSent, 2, 'counted by the caller: reported');
  t.equal(statsOfType(r, 'remote-inbound-rtp').length, 1);
  t.match(statsById(r, audio.codecId), { mimeType: 'audio/opus', clockRate: 48000, channels: 2 });
  t.notOk('sdpFmtpLine' in statsById(r, audio.codecId)!, 'no fmtp: no sdpFmtpLine');
});

t.test('inbound-rtp once a packet arrived; before, nothing', async (t) => {
  const counts = {
    ssrc: 77 as number | undefined,
    packetsReceived: 50,
    bytesReceived: 40_000,
    headerBytesReceived: 600,
    packetsLost: 2,
    jitter: 0.001,
    lastPacketReceivedTimestamp: 1_700_000_000_000,
    nackCount: 0,
    pliCount: 3,
    firCount: 0,
  };
  const codec = { payloadType: 111, name: 'opus', clockRate: 48000, channels: 2 };
  const r = buildStatsReport(sources({ send: [], receive: [{ kind: 'audio', mid: '0', codec, counts }] }));
  const [inb] = statsOfType(r, 'inbound-rtp');
  t.match(inb, { ssrc: 77, kind: 'audio', mid: '0', packetsReceived: 50, packetsLost: 2, pliCount: 3 });
  t.match(statsById(r, inb?.codecId), { mimeType: 'audio/opus' });
  const none = buildStatsReport(
    sources({
      send: [],
      receive: [{ kind: 'audio', mid: '0', codec, counts: { ...counts, ssrc: undefined } }],
    }),
  );
  t.equal(statsOfType(none, 'inbound-rtp').length, 0);
  t.equal(statsOfType(none, 'codec').length, 0, 'no codec entry without a stream using it');
});

t.test('before ICE selected anything: no pair id, no RTT, no DTLS details', async (t) => {
  const r = buildStatsReport(
    sources({
      connectionState: 'connecting',
      transport: {
        ...sources().transport,
        dtlsState: 'new',
        dtlsRole: undefined,
        dtlsCipher: undefined,
        srtpCipher: undefined,
      },
      pairs: [],
      send: [],
    }),
  );
  const [tr] = statsOfType(r, 'transport');
  t.equal(tr?.selectedCandidatePairId, undefined);
  t.equal(tr?.tlsVersion, undefined);
  t.equal(tr?.dtlsState, 'new');
  t.same(Object.keys(tr ?? {}).includes('dtlsCipher'), false);
  t.same(JSON.parse(JSON.stringify(r)), r, 'the report is plain JSON');
});
