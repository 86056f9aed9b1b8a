/**
 * RtspSource and RtspSession on a ManualClock against the in-memory FakeCamera: keepalive timing,
 * TEARDOWN, redirects, backoff, silence, hostile replies, server requests. Deterministic.
 */
import t from 'tap';
import {
  decodeRtcpCompound,
  ntpFromUnixMs,
  ntpMiddle32,
  serializeRtcp,
  type RtcpPacket,
} from '../webrtc/rtcp/index.ts';
import { ManualClock } from '../webrtc/transport/index.ts';
import { FAKE_SDP, FakeCamera } from './fake-camera.ts';
import { testRtp } from './rtp.test-util.ts';
import { rtspResponse } from './message.ts';
import { RtspSource, type RtspSourceOptions, type SourceState } from './rtsp-source.ts';
import { nextSessionState } from './session-state.ts';
import { backoffMs } from './backoff.ts';

const settle = async (): Promise<void> => {
  for (let i = 0; i < 5; i++) await new Promise((r) => setImmediate(r));
};

function setup(cam: FakeCamera, extra: Partial<RtspSourceOptions> = {}) {
  const clock = new ManualClock();
  const source = new RtspSource({ url: 'rtsp://cam.local/live', dialer: cam.dialer, clock, ...extra });
  const states: SourceState[] = [];
  source.on('state', (s) => states.push(s));
  const packets: Array<[number, string, number]> = [];
  source.on('packet', (st, p, kind) => packets.push([st.track.index, kind, p.length]));
  return { clock, source, states, packets };
}

const rtp = (): Uint8Array => Uint8Array.from([0x80, 96, 0, 1, 0, 0, 0, 1, 0, 0, 0, 9, 0x65, 1, 2]);

t.test(
  'keepalive at half the Session timeout; GET_PARAMETER when Public lists it, else OPTIONS',
  async (t) => {
    for (const [pub, method] of [
      ['OPTIONS, DESCRIBE, SETUP, PLAY, TEARDOWN, GET_PARAMETER', 'GET_PARAMETER'],
      ['OPTIONS, DESCRIBE, SETUP, PLAY, TEARDOWN', 'OPTIONS'],
    ] as const) {
      const cam = new FakeCamera({ session: 'abc;timeout=10', public: pub });
      const { clock, source } = setup(cam, { silenceTimeoutMs: 60_000 });
      source.connect();
      await settle();
      t.equal(source.state.status, 'live');
      const before = cam.requests.length;
      clock.advance(4999);
      await settle();
      t.equal(cam.requests.length, before, 'nothing before 5 s');
      clock.advance(1);
      await settle();
      t.equal(cam.requests.length, before + 1);
      const ka = cam.requests[before];
      t.equal(ka?.method, method);
      t.equal(ka?.headers.get('session'), 'abc', 'keepalive carries the Session id');
      t.equal(ka?.uri, 'rtsp://cam.local/live/', 'aggregate control');
      clock.advance(5000);
      await settle();
      t.equal(cam.requests.length, before + 2, 'and again 5 s later');
      await source.close();
      t.equal(cam.methods.at(-1), 'TEARDOWN');
      t.equal(clock.pending, 0, 'no timer left');
    }
  },
);

t.test('every request carries User-Agent and CSeq; SETUP per track with interleaved channels', async (t) => {
  const cam = new FakeCamera();
  const { source } = setup(cam, { userAgent: 'test-agent/1' });
  source.connect();
  await settle();
  t.same(cam.methods, ['OPTIONS', 'DESCRIBE', 'SETUP', 'SETUP', 'PLAY']);
  t.same(
    cam.requests.map((r) => r.headers.get('user-agent')),
    Array(5).fill('test-agent/1'),
  );
  t.same(
    cam.requests.map((r) => r.headers.get('cseq')),
    ['1', '2', '3', '4', '5'],
  );
  t.same(
    cam.requests.filter((r) => r.method === 'SETUP').map((r) => [r.uri, r.headers.get('transport')]),
    [
      ['rtsp://cam.local/live/track1', 'RTP/AVP/TCP;unicast;interleaved=0-1'],
      ['rtsp://cam.local/live/track2', 'RTP/AVP/TCP;unicast;interleaved=2-3'],
    ],
  );
  t.equal(cam.requests[3]?.headers.get('session'), 'fake1234', 'second SETUP joins the session');
  await source.close();
});

t.test('packets routed by the channels the camera chose; foreign channels dropped', async (t) => {
  let n = 0;
  const cam = new FakeCamera({
    handler: (req, c) => {
      if (req.method !== 'SETUP') return 'default';
      const res = c.answer(req);
      res.headers.set('Transport', `RTP/AVP/TCP;unicast;interleaved=${4 + 2 * n}-${5 + 2 * n++}`);
      return res;
    },
  });
  const { source, packets } = setup(cam);
  source.connect();
  await settle();
  t.same(
    source.tracks.map((s) => s.channels),
    [
      [4, 5],
      [6, 7],
    ],
  );
  cam.sendInterleaved(4, rtp());
  cam.sendInterleaved(7, Uint8Array.from([0x81, 201, 0, 1, 0, 0, 0, 1]));
  cam.sendInterleaved(0, rtp()); // not set up
  cam.sendInterleaved(6, rtp());
  await settle();
  t.same(packets, [
    [0, 'rtp', 15],
    [1, 'rtcp', 8],
    [1, 'rtp', 15],
  ]);
  t.equal(source.stats.tracks[0]?.packets, 1);
  t.equal(source.stats.tracks[1]?.rtcpPackets, 1);
  await source.close();
});

t.test('backoff 1 s, 2 s, 4 s … capped at 30 s while the camera refuses; reset once live', async (t) => {
  t.same(
    [1, 2, 3, 4, 5, 6, 7, 20].map((a) => backoffMs(a)),
    [1000, 2000, 4000, 8000, 16000, 30000, 30000, 30000],
  );
  const cam = new FakeCamera();
  cam.refuse = true;
  const { clock, source, states } = setup(cam, { silenceTimeoutMs: 60_000 });
  source.connect();
  await settle();
  const delays: number[] = [];
  for (let i = 0; i < 7; i++) {
    const s = source.state;
    if (s.status !== 'retrying') return t.fail(`expected retrying, got ${s.status}`);
    t.equal(s.code, 'RTSP_CONNECT');
    delays.push(s.retryInMs);
    clock.advance(s.retryInMs - 1);
    await settle();
    t.equal(source.state.status, 'retrying', 'not before the delay');
    clock.advance(1);
    await settle();
  }
  t.same(delays, [1000, 2000, 4000, 8000, 16000, 30000, 30000]);
  cam.refuse = false;
  clock.advance(30_000);
  await settle();
  t.equal(source.state.status, 'live');
  clock.advance(10_000); // stable
  cam.sendInterleaved(0, rtp());
  await settle();
  cam.dropAll();
  await settle();
  t.match(
    source.state,
    { status: 'retrying', code: 'RTSP_EOF', retryInMs: 1000 },
    'stable session resets backoff',
  );
  t.ok(states.some((s) => s.status === 'connecting'));
  await source.close();
  t.equal(clock.pending, 0);
});

t.test('silence: no RTP for the timeout reconnects; RTP keeps it alive', async (t) => {
  const cam = new FakeCamera({ session: 's;timeout=600' });
  const { clock, source } = setup(cam, { silenceTimeoutMs: 3000 });
  source.connect();
  await settle();
  for (let i = 0; i < 5; i++) {
    clock.advance(2000);
    cam.sendInterleaved(0, rtp());
    await settle();
  }
  t.equal(source.state.status, 'live', 'packets every 2 s keep it live');
  clock.advance(3000);
  await settle();
  t.match(source.state, { status: 'retrying', code: 'RTSP_TIMEOUT', reason: /silence/ });
  t.equal(cam.methods.at(-1), 'TEARDOWN', 'the silent session is torn down');
  clock.advance(1000);
  await settle();
  t.equal(source.state.status, 'live', 'reconnected');
  t.equal(cam.streams.length, 2);
  await source.close();
});

t.test('3xx redirects are followed with a new connection, and bounded', async (t) => {
  const cam = new FakeCamera({
    handler: (req) => {
      if (req.method === 'DESCRIBE' && req.uri === 'rtsp://cam.local/live') {
        return rtspResponse(302, 'Found', { CSeq: req.headers.get('cseq'), Location: '/moved/here' });
      }
      return 'default';
    },
  });
  const { source } = setup(cam);
  source.connect();
  await settle();
  t.equal(source.state.status, 'live');
  t.same(cam.requests.map((r) => `${r.method} ${r.uri}`).slice(0, 4), [
    'OPTIONS rtsp://cam.local/live',
    'DESCRIBE rtsp://cam.local/live',
    'OPTIONS rtsp://cam.local/moved/here',
    'DESCRIBE rtsp://cam.local/moved/here',
  ]);
  t.equal(cam.streams.length, 2);
  await source.close();

  const loop = new FakeCamera({
    handler: (req) =>
      req.method === 'OPTIONS'
        ? rtspResponse(301, 'Moved', { CSeq: req.headers.get('cseq'), Location: 'rtsp://cam.local/again' })
        : 'default',
  });
  const s2 = setup(loop, { maxRedirects: 2 });
  s2.source.connect();
  await settle();
  t.match(s2.source.state, { status: 'retrying', code: 'RTSP_REDIRECT_LIMIT' });
  t.equal(loop.streams.length, 3);
  await s2.source.close();
});

t.test('Digest: stale nonce retried once with the new nonce; nc counts', async (t) => {
  let nonce = 0;
  const cam = new FakeCamera({
    handler: (req) => {
      const auth = req.headers.get('authorization');
      const cseq = req.headers.get('cseq');
      const challenge = (stale: boolean) =>
        rtspResponse(401, 'Unauthorized', {
          CSeq: cseq,
          'WWW-Authenticate': `Digest realm="r", nonce="n${++nonce}", qop="auth"${stale ? ', stale=TRUE' : ''}`,
        });
      if (!auth) return challenge(false);
      // The camera expires the first nonce at SETUP.
      if (req.method === 'SETUP' && auth.includes('nonce="n1"')) return challenge(true);
      return 'default';
    },
  });
  const { source } = setup(cam, { url: 'rtsp://u:p@cam.local/live' });
  source.connect();
  await settle();
  t.equal(source.state.status, 'live');
  const setups = cam.requests
    .filter((r) => r.method === 'SETUP')
    .map((r) => r.headers.get('authorization') ?? '');
  t.match(setups[0], /nonce="n1"/);
  t.match(setups[1], /nonce="n2".*nc=00000001/);
  t.match(setups[2], /nonce="n2".*nc=00000002/);
  await source.close();
});

t.test('hostile replies fail the attempt cleanly, not the process', async (t) => {
  for (const raw of [
    'RTSP/1.0 200 OK\r\nCSeq: 2\r\nContent-Length: 999999999\r\n\r\n',
    `RTSP/1.0 200 OK\r\nCSeq: 2\r\n${'X-Junk: aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa\r\n'.repeat(400)}\r\n`,
    'HTTP/1.1 400 Bad Request\r\n\r\n',
  ]) {
    const cam = new FakeCamera({
      handler: (req) => (req.method === 'DESCRIBE' ? new TextEncoder().encode(raw) : 'default'),
    });
    const { source } = setup(cam);
    source.connect();
    await settle();
    t.match(source.state, { status: 'retrying', code: 'RTSP_PROTOCOL' }, raw.slice(0, 30));
    await source.close();
  }
});

t.test('no reply: RTSP_TIMEOUT after the request timeout', async (t) => {
  const cam = new FakeCamera({ handler: (req) => (req.method === 'DESCRIBE' ? undefined : 'default') });
  const { clock, source } = setup(cam, { requestTimeoutMs: 2000 });
  source.connect();
  await settle();
  t.equal(source.state.status, 'connecting');
  clock.advance(2000);
  await settle();
  t.match(source.state, { status: 'retrying', code: 'RTSP_TIMEOUT' });
  await source.close();
});

t.test('replies without CSeq still match; server OPTIONS requests get 200', async (t) => {
  const cam = new FakeCamera({
    handler: (req, c) => {
      const res = c.answer(req);
      if (req.method === 'OPTIONS') res.headers.delete('CSeq');
      return res;
    },
  });
  const { source } = setup(cam);
  source.connect();
  await settle();
  t.equal(source.state.status, 'live');
  cam.sendRaw(new TextEncoder().encode('OPTIONS * RTSP/1.0\r\nCSeq: 77\r\n\r\n'));
  cam.sendInterleaved(0, rtp());
  await settle();
  t.same(
    cam.responses.map((m) => `${m.status} ${m.headers.get('cseq')}`),
    ['200 77'],
  );
  await source.close();
});

t.test('the session state machine refuses transitions the diagram lacks', async (t) => {
  t.equal(nextSessionState('init', 'connect'), 'options');
  t.equal(nextSessionState('playing', 'close'), 'teardown');
  t.equal(nextSessionState('describe', 'close'), 'closed');
  t.equal(nextSessionState('setup', 'fail'), 'closed');
  t.throws(() => nextSessionState('init', 'play-ok'), { code: 'RTSP_ILLEGAL_TRANSITION' });
  t.throws(() => nextSessionState('playing', 'setup-more'), { code: 'RTSP_ILLEGAL_TRANSITION' });
});

t.test('AbortSignal closes the source; a bad URL throws RTSP_BAD_URL at once, masked', async (t) => {
  const cam = new FakeCamera();
  const ac = new AbortController();
  const { source } = setup(cam, { signal: ac.signal });
  source.connect();
  await settle();
  ac.abort();
  await settle();
  t.equal(source.state.status, 'closed');
  t.equal(cam.methods.at(-1), 'TEARDOWN');
  t.throws(() => new RtspSource({ url: 'http://u:topsecret@x/' }), {
    code: 'RTSP_BAD_URL',
    message: /\*\*\*/,
  });
});

t.test(
  'while playing: garbage and broken messages between frames are skipped, RTP keeps flowing',
  async (t) => {
    const cam = new FakeCamera();
    const { source, packets } = setup(cam, { depacketize: false });
    source.connect();
    await settle();
    const enc = new TextEncoder();
    cam.sendInterleaved(0, rtp());
    cam.sendRaw(enc.encode('\x00\x17garbage$\xff'));
    cam.sendInterleaved(2, rtp());
    cam.sendRaw(enc.encode('RTSP/1.0 200 OK\r\nContent-Length: 99999999\r\n\r\n'));
    cam.sendInterleaved(0, rtp());
    await settle();
    t.equal(source.state.status, 'live');
    t.same(
      packets.map((p) => p[0]),
      [0, 1, 0],
    );
    await source.close();
  },
);

t.test('a keepalive answered with hostile bytes fails the session cleanly and reconnects', async (t) => {
  const cam = new FakeCamera({
    session: 's;timeout=4',
    handler: (req) =>
      req.method === 'GET_PARAMETER'
        ? new TextEncoder().encode(
            `RTSP/1.0 200 OK\r\nCSeq: ${req.headers.get('cseq')}\r\nContent-Length: 999999999\r\n\r\n`,
          )
        : 'default',
  });
  const { clock, source } = setup(cam, { silenceTimeoutMs: 60_000 });
  source.connect();
  await settle();
  clock.advance(2000);
  await settle();
  t.match(source.state, { status: 'retrying', code: 'RTSP_PROTOCOL', reason: /unreadable reply/ });
  clock.advance(1000);
  await settle();
  t.equal(source.state.status, 'live');
  await source.close();
});

t.test(
  'report(): AAC not relayed and why; retrying with attempt and last error; counters survive sessions',
  async (t) => {
    const sdp = FAKE_SDP.replace(
      'm=audio 0 RTP/AVP 0',
      'm=audio 0 RTP/AVP 98\r\na=rtpmap:98 MPEG4-GENERIC/16000/1\r\na=fmtp:98 streamtype=5;profile-level-id=15;mode=AAC-hbr;sizelength=13;indexlength=3;indexdeltalength=3;config=1408',
    );
    const cam = new FakeCamera({ sdp });
    const { clock, source } = setup(cam, { silenceTimeoutMs: 60_000 });
    t.match(source.report(), { status: 'idle', transport: 'tcp', tracks: [] });
    source.connect();
    t.match(source.report(), { status: 'connecting', attempt: 1 });
    await settle();
    const live = source.report();
    t.match(live, {
      status: 'live',
      tracks: [
        { media: 'video', codec: 'H264', relayed: true, bFrames: false },
        { media: 'audio', codec: 'MPEG4-GENERIC', clockRate: 16000, relayed: false, reason: /AAC/ },
      ],
    });
    t.notOk(live.tracks[0]?.reason, 'the video has nothing to explain');
    for (const seq of [1, 2, 3, 6]) cam.sendInterleaved(0, testRtp(seq));
    await settle();
    t.match(source.counters.media.get('video'), { packets: 4, bytes: 4 * 13, lostPackets: 2, codec: 'H264' });
    cam.dropAll();
    await settle();
    t.match(source.report(), {
      status: 'retrying',
      attempt: 1,
      retryInMs: 1000,
      lastError: { code: 'RTSP_EOF' },
      tracks: [{ codec: 'H264' }, { codec: 'MPEG4-GENERIC' }],
    });
    t.equal(source.counters.reconnects, 1);
    clock.advance(1000);
    await settle();
    t.equal(source.report().status, 'live');
    cam.sendInterleaved(0, testRtp(500));
    await settle();
    t.match(
      source.counters.media.get('video'),
      { packets: 5, lostPackets: 2 },
      'a new session adds to the same counters',
    );
    await source.close();
  },
);

t.test(
  'TCP: receiver reports ride the interleaved RTCP channel (RFC 2326 §10.12); BYE before TEARDOWN',
  async (t) => {
    const cam = new FakeCamera();
    const { clock, source } = setup(cam, { silenceTimeoutMs: 60_000, rtcp: { random: () => 0.5 } });
    source.connect();
    await settle();
    for (const seq of [10, 11, 12, 14]) cam.sendInterleaved(0, testRtp(seq, seq * 3000, 0xbeef));
    await settle();
    t.same(cam.interleaved, [], 'nothing before the first interval');
    clock.advance(2500 / (Math.E - 1.5) + 1);
    await settle();
    t.same(
      cam.interleaved.map((f) => f.channel),
      [1, 3],
      'one compound per track, each on its RTCP channel',
    );
    const video = decodeRtcpCompound(cam.interleaved[0]?.payload as Uint8Array);
    t.match(video, [
      { type: 'rr', reports: [{ ssrc: 0xbeef, cumulativeLost: 1, highestSeq: 14 }] },
      { type: 'sdes' },
    ]);
    const audio = decodeRtcpCompound(cam.interleaved[1]?.payload as Uint8Array);
    t.match(audio, [{ type: 'rr', reports: [] }, { type: 'sdes' }]);
    const cname = (p: RtcpPacket[]) => (p[1]?.type === 'sdes' ? p[1].chunks[0]?.items[0]?.text : undefined);
    t.ok(cname(video), 'a CNAME in every compound');
    t.equal(cname(video), cname(audio), 'one CNAME for both RTP sessions (RFC 3550 §6.5.1)');
    t.not(
      video[0]?.type === 'rr' && video[0].ssrc,
      audio[0]?.type === 'rr' && audio[0].ssrc,
      'an SSRC per session',
    );
    await source.close();
    t.same(
      decodeRtcpCompound(cam.interleaved.at(-1)?.payload as Uint8Array).map((p) => p.type),
      ['rr', 'sdes', 'bye'],
    );
    t.equal(cam.methods.at(-1), 'TEARDOWN');
    t.equal(clock.pending, 0);
  },
);

t.test('hostile RTCP from the camera is counted and ignored; a good SR still sets LSR', async (t) => {
  const cam = new FakeCamera();
  const { clock, source } = setup(cam, { silenceTimeoutMs: 60_000, rtcp: { random: () => 0.5 } });
  source.connect();
  await settle();
  for (const seq of [1, 2, 3]) cam.sendInterleaved(0, testRtp(seq, seq * 3000, 0xbeef));
  cam.sendInterleaved(1, Uint8Array.from([0x80, 200, 0xff, 0xff, 1, 2])); // length overruns
  cam.sendInterleaved(1, Uint8Array.from([0x40, 0, 0, 0])); // version 1
  cam.sendInterleaved(1, new Uint8Array(0));
  const ntp = ntpFromUnixMs(clock.wallNow());
  cam.sendInterleaved(
    1,
    serializeRtcp([
      {
        type: 'sr',
        ssrc: 0xbeef,
        ntpTimestamp: ntp,
        rtpTimestamp: 9000,
        packetCount: 3,
        octetCount: 3,
        reports: [],
        profileExtension: new Uint8Array(0),
      },
    ]),
  );
  await settle();
  t.equal(source.state.status, 'live');
  t.equal(source.stats.tracks[0]?.rtcpPackets, 4, 'every RTCP frame counted, broken ones included');
  clock.advance(2500 / (Math.E - 1.5) + 1);
  await settle();
  const rr = decodeRtcpCompound(cam.interleaved[0]?.payload as Uint8Array)[0];
  t.match(rr, { type: 'rr', reports: [{ ssrc: 0xbeef, lastSr: ntpMiddle32(ntp) }] });
  await source.close();
});
