import t from 'tap';
import fc from 'fast-check';
import { InterleavedFramer } from './interleaved-framer.ts';
import { RtspError } from './errors.ts';
import type { RtspMessage } from './message.ts';

const enc = new TextEncoder();

type Event = { data: [number, number[]] } | { message: string } | { error: string };

function run(chunks: Uint8Array[], acceptChannel?: (c: number) => boolean) {
  const events: Event[] = [];
  let garbage = 0;
  const framer = new InterleavedFramer(
    {
      onData: (channel, payload) => events.push({ data: [channel, [...payload]] }),
      onMessage: (m: RtspMessage) => events.push({ message: m.headers.get('cseq') ?? '' }),
      onError: (e) => events.push({ error: e.code }),
      onGarbage: (n) => (garbage += n),
    },
    { acceptChannel, maxHeaderBytes: 512, maxBodyBytes: 512 },
  );
  for (const c of chunks) framer.push(c);
  return { events, garbage, framer };
}

function frame(channel: number, payload: number[]): Uint8Array {
  return Uint8Array.from([0x24, channel, payload.length >> 8, payload.length & 0xff, ...payload]);
}

const rtp = (n: number): number[] => [0x80, 96, 0, n, 1, 2, 3, 4, 5, 6, 7, 8];
const reply = (cseq: number): Uint8Array =>
  enc.encode(`RTSP/1.0 200 OK\r\nCSeq: ${cseq}\r\nSession: s\r\n\r\n`);

function concat(parts: Uint8Array[]): Uint8Array {
  return Uint8Array.from(parts.flatMap((p) => [...p]));
}

const stream = concat([
  frame(0, rtp(1)),
  frame(1, [0x81, 201, 0, 1, 9, 9, 9, 9]),
  reply(5),
  frame(2, rtp(2)),
  reply(6),
]);
const expected: Event[] = [
  { data: [0, rtp(1)] },
  { data: [1, [0x81, 201, 0, 1, 9, 9, 9, 9]] },
  { message: '5' },
  { data: [2, rtp(2)] },
  { message: '6' },
];

t.test('frames and keepalive replies on one stream', async (t) => {
  t.same(run([stream]).events, expected);
});

t.test('byte by byte and every split', async (t) => {
  t.same(run([...stream].map((b) => Uint8Array.of(b))).events, expected);
  for (let i = 0; i <= stream.length; i++) {
    for (const j of [i, Math.min(stream.length, i + 3), Math.min(stream.length, i + 17)]) {
      const got = run([stream.subarray(0, i), stream.subarray(i, j), stream.subarray(j)]).events;
      if (JSON.stringify(got) !== JSON.stringify(expected)) t.fail(`split at ${i}/${j}`);
    }
  }
});

t.test('resynchronises after garbage: junk, a $ with a foreign channel, a non-RTP $', async (t) => {
  const junk = concat([
    enc.encode('xx\x00\x01junk'),
    frame(0, rtp(1)),
    Uint8Array.from([0x24, 77, 0, 4, 1, 2, 3, 4]), // channel 77 not set up
    frame(1, rtp(3)),
    Uint8Array.from([0x33, 0x24, 0, 0, 5, 0x00, 0, 0, 0, 0]), // '$' with a non-v2 payload inside junk
    reply(8),
    frame(0, rtp(4)),
  ]);
  const { events, garbage } = run([junk], (c) => c < 4);
  t.same(events, [{ data: [0, rtp(1)] }, { data: [1, rtp(3)] }, { message: '8' }, { data: [0, rtp(4)] }]);
  t.equal(garbage, 8 + 8 + 10);
  // Same stream, byte by byte.
  t.same(
    run(
      [...junk].map((b) => Uint8Array.of(b)),
      (c) => c < 4,
    ).events,
    events,
  );
});

t.test(
  'hostile messages: huge Content-Length and endless headers are dropped, then frames flow',
  async (t) => {
    const hostile = concat([
      enc.encode('RTSP/1.0 200 OK\r\nContent-Length: 100000000\r\n\r\n'),
      frame(0, rtp(1)),
      enc.encode('RTSP/1.0 200 OK\r\n' + 'X: yyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyy\r\n'.repeat(40)),
      frame(0, rtp(2)),
      reply(3),
    ]);
    const { events, framer } = run([hostile], (c) => c < 2);
    t.same(
      events.filter((e) => 'error' in e),
      [{ error: 'RTSP_LIMIT' }, { error: 'RTSP_LIMIT' }],
    );
    t.same(
      events.filter((e) => !('error' in e)),
      [{ data: [0, rtp(1)] }, { data: [0, rtp(2)] }, { message: '3' }],
    );
    t.equal(framer.buffered, 0);
    t.ok(framer.stats.resyncs >= 2);
  },
);

t.test('memory is bounded while garbage streams in', async (t) => {
  const { framer } = run([]);
  for (let i = 0; i < 1000; i++)
    framer.push(Uint8Array.from({ length: 1000 }, (_, k) => ((k * 7 + i) % 251) | 1));
  t.ok(framer.buffered < 70_000, `buffered ${framer.buffered}`);
});

t.test('property: any split of framed traffic delivers the same events', async () => {
  const arbItem = fc.oneof(
    fc
      .tuple(fc.integer({ min: 0, max: 3 }), fc.uint8Array({ minLength: 12, maxLength: 300 }))
      .map(([c, p]) => {
        p[0] = 0x80 | (p[0] as number & 0x3f);
        return frame(c, [...p]);
      }),
    fc.integer({ min: 1, max: 99999 }).map(reply),
  );
  fc.assert(
    fc.property(
      fc.array(arbItem, { minLength: 1, maxLength: 10 }),
      fc.array(fc.nat(), { maxLength: 5 }),
      (items, cuts) => {
        const all = concat(items);
        const at = [...new Set(cuts.map((c) => c % (all.length + 1)))].sort((a, b) => a - b);
        const chunks: Uint8Array[] = [];
        let prev = 0;
        for (const c of at) {
          chunks.push(all.subarray(prev, c));
          prev = c;
        }
        chunks.push(all.subarray(prev));
        const whole = run([all]);
        const split = run(chunks);
        return (
          whole.events.length === items.length &&
          whole.garbage === 0 &&
          JSON.stringify(whole.events) === JSON.stringify(split.events)
        );
      },
    ),
  );
});

t.test(
  'property: arbitrary bytes never throw past the framer; only RtspErrors are reported; bounded',
  async () => {
    fc.assert(
      fc.property(fc.array(fc.uint8Array({ maxLength: 2000 }), { maxLength: 20 }), (chunks) => {
        let typed = true;
        const framer = new InterleavedFramer(
          {
            onData: () => {},
            onMessage: () => {},
            onError: (e) => (typed &&= e instanceof RtspError),
          },
          { maxHeaderBytes: 1024, maxBodyBytes: 1024 },
        );
        for (const c of chunks) framer.push(c);
        return typed && framer.buffered <= 4 + 65535 + 2000;
      }),
    );
  },
);

t.test('property: after junk without a $, the next reply and frame are found again', async () => {
  fc.assert(
    fc.property(
      fc.uint8Array({ maxLength: 400 }).map((j) => j.map((b) => (b === 0x24 ? 0x25 : b))),
      fc.nat(),
      (junk, cut) => {
        const all = concat([junk, enc.encode('\r\n'), reply(42), frame(1, rtp(9))]);
        const at = cut % (all.length + 1);
        const { events } = run([all.subarray(0, at), all.subarray(at)], (c) => c < 2);
        const tail = events.filter((e) => !('error' in e)).slice(-2);
        return JSON.stringify(tail) === JSON.stringify([{ message: '42' }, { data: [1, rtp(9)] }]);
      },
    ),
  );
});
