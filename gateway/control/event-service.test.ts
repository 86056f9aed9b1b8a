import http2 from 'node:http2';
import * as grpc from '@grpc/grpc-js';
import t from 'tap';
import { method, statusOf } from '../../test/harness/grpc-client.ts';
import { startControlFixture, svc } from '../../test/harness/control-fixture.ts';
import type { ControlFixture } from '../../test/harness/control-fixture.ts';
import type { WatchEventsResponseWire } from './index.ts';

/** Opens WatchEvents and resolves once the server's headers say the watch is in place. */
async function watch(
  f: ControlFixture,
  req: object,
): Promise<grpc.ClientReadableStream<WatchEventsResponseWire>> {
  const m = method(svc.events, 'WatchEvents');
  const call = f.client.makeServerStreamRequest(
    m.path,
    m.requestSerialize,
    m.responseDeserialize,
    req,
  ) as grpc.ClientReadableStream<WatchEventsResponseWire>;
  await new Promise<void>((resolve, reject) => {
    call.once('metadata', () => resolve());
    call.once('error', reject);
  });
  return call;
}

function ended(call: grpc.ClientReadableStream<unknown>): Promise<{ code: number; details: string }> {
  return new Promise((resolve) => {
    call.on('data', () => {});
    call.once('error', (err) => resolve(statusOf(err)));
  });
}

function collect(
  call: grpc.ClientReadableStream<WatchEventsResponseWire>,
  n: number,
): Promise<WatchEventsResponseWire[]> {
  return new Promise((resolve, reject) => {
    const got: WatchEventsResponseWire[] = [];
    call.on('data', (m: WatchEventsResponseWire) => {
      got.push(m);
      if (got.length === n) resolve(got);
    });
    call.once('error', reject);
  });
}

t.test('a camera going down and coming back arrives in order, filtered', async (t) => {
  const f = await startControlFixture(t);
  const call = await watch(f, {
    kinds: ['EVENT_KIND_STREAM_OFFLINE', 'EVENT_KIND_STREAM_RETRYING', 'EVENT_KIND_STREAM_ONLINE'],
    streamNames: ['cam-1'],
  });
  t.teardown(() => call.cancel());
  const got = collect(call, 3);
  const before = Date.now();
  f.events.publish({ kind: 'stream_online', streamName: 'cam-2' });
  f.events.publish({ kind: 'stream_offline', streamName: 'cam-1', reason: 'connection reset by camera' });
  f.events.publish({ kind: 'session_opened', streamName: 'cam-1', sessionId: 's1' });
  f.events.publish({ kind: 'stream_retrying', streamName: 'cam-1', reason: 'connection refused' });
  f.events.publish({ kind: 'stream_online', streamName: 'cam-1' });
  const res = await got;
  t.same(
    res.map((r) => [r.event.seq, r.event.kind, r.event.streamName, r.event.reason, r.missed]),
    [
      ['2', 'EVENT_KIND_STREAM_OFFLINE', 'cam-1', 'connection reset by camera', '0'],
      ['4', 'EVENT_KIND_STREAM_RETRYING', 'cam-1', 'connection refused', '0'],
      ['5', 'EVENT_KIND_STREAM_ONLINE', 'cam-1', '', '0'],
    ],
    'seq is node-wide: filtered-out events leave gaps, missed stays 0',
  );
  const ms = Number(res[0]?.event.time.seconds) * 1000 + (res[0]?.event.time.nanos ?? 0) / 1e6;
  t.ok(Math.abs(ms - before) < 5000, 'time is the wall clock');
});

t.test('streams added over gRPC and viewers joining show up; an empty filter matches all', async (t) => {
  const f = await startControlFixture(t);
  const call = await watch(f, {});
  t.teardown(() => call.cancel());
  const got = collect(call, 2);
  await f.streams.add({ name: 'cam-9', sourceUrl: 'rtsp://a/', rtspTransport: 'auto', description: '' });
  f.sessions.upsert({
    id: 'v1',
    streamName: 'cam-9',
    remoteAddress: '',
    state: 'new',
    bytesSent: 0,
    packetsSent: 0,
    packetsLost: 0,
    rttSeconds: undefined,
    startedAt: new Date(),
    protocol: 'whep',
  });
  t.same(
    (await got).map((r) => [r.event.kind, r.event.streamName, r.event.sessionId]),
    [
      ['EVENT_KIND_STREAM_ADDED', 'cam-9', ''],
      ['EVENT_KIND_SESSION_OPENED', 'cam-9', 'v1'],
    ],
  );
});

t.test('a bad filter is INVALID_ARGUMENT naming the entry', async (t) => {
  const f = await startControlFixture(t);
  const m = method(svc.events, 'WatchEvents');
  const open = (req: object) =>
    ended(f.client.makeServerStreamRequest(m.path, m.requestSerialize, m.responseDeserialize, req));
  t.same(await open({ kinds: ['EVENT_KIND_STREAM_ADDED', 'EVENT_KIND_UNSPECIFIED'] }), {
    code: grpc.status.INVALID_ARGUMENT,
    details: 'kinds[1]: "EVENT_KIND_UNSPECIFIED" is not an event kind',
  });
  t.match(await open({ kinds: [42] }), { code: grpc.status.INVALID_ARGUMENT, details: /^kinds\[0\]: 42 / });
  t.match(await open({ streamNames: ['ok', 'not ok'] }), {
    code: grpc.status.INVALID_ARGUMENT,
    details: /^stream_names\[1\]: /,
  });
  t.equal(f.events.subscribers, 0);
});

t.test(
  'client cancel unsubscribes; server close ends watches with UNAVAILABLE and unsubscribes',
  async (t) => {
    const f = await startControlFixture(t);
    const a = await watch(f, {});
    const b = await watch(f, {});
    t.equal(f.events.subscribers, 2);
    const aEnd = ended(a);
    a.cancel();
    t.equal((await aEnd).code, grpc.status.CANCELLED);
    for (let i = 0; i < 50 && f.events.subscribers > 1; i++) await new Promise((r) => setTimeout(r, 10));
    t.equal(f.events.subscribers, 1, 'the cancelled watcher is gone');
    const bEnd = ended(b);
    await f.stop();
    t.same(await bEnd, { code: grpc.status.UNAVAILABLE, details: 'server shutting down' });
    t.equal(f.events.subscribers, 0, 'no subscription outlives the server');
  },
);

/**
 * A gRPC client that really stops reading: node:http2 with a small flow-control window, paused.
 * (grpc-js's client keeps reading into memory when its stream is paused, so it cannot play a
 * slow client.) Frames requests and responses by hand (gRPC over HTTP/2: 1-byte flag, 4-byte
 * length, message).
 */
async function rawWatch(address: string, req: object) {
  const m = method(svc.events, 'WatchEvents');
  const session = http2.connect(`http://${address}`, { settings: { initialWindowSize: 4096 } });
  session.on('error', () => {});
  const stream = session.request({
    ':method': 'POST',
    ':path': m.path,
    'content-type': 'application/grpc',
    te: 'trailers',
  });
  stream.on('error', () => {});
  const body = m.requestSerialize(req);
  const frame = Buffer.alloc(5 + body.length);
  frame.writeUInt32BE(body.length, 1);
  body.copy(frame, 5);
  stream.end(frame);
  await new Promise((resolve) => stream.once('response', resolve));
  let pending = Buffer.alloc(0);
  const messages: WatchEventsResponseWire[] = [];
  const onMessage = new Set<(m: WatchEventsResponseWire) => void>();
  const onData = (chunk: Buffer): void => {
    pending = Buffer.concat([pending, chunk]);
    while (pending.length >= 5 && pending.length >= 5 + pending.readUInt32BE(1)) {
      const len = pending.readUInt32BE(1);
      const msg = m.responseDeserialize(pending.subarray(5, 5 + len)) as WatchEventsResponseWire;
      pending = pending.subarray(5 + len);
      messages.push(msg);
      for (const fn of onMessage) fn(msg);
    }
  };
  return {
    messages,
    onMessage,
    /** Starts reading (until then nothing is consumed and the window stays shut). */
    resume: () => stream.on('data', onData),
    close: () => {
      stream.close();
      session.close();
    },
  };
}

t.test(
  'a slow client loses the oldest events and is told how many; a reading client misses none',
  async (t) => {
    const f = await startControlFixture(t, { watchBuffer: 8 });
    const slow = await rawWatch(f.server.address, {});
    t.teardown(() => slow.close());
    const fast = await watch(f, {});
    t.teardown(() => fast.cancel());
    const fastGot: WatchEventsResponseWire[] = [];
    fast.on('data', (m: WatchEventsResponseWire) => fastGot.push(m));
    // The slow client does not read: its 4 KiB HTTP/2 window fills, the server's write() returns
    // false, and only then does the watcher's own queue grow and overflow.
    const reason = 'x'.repeat(200);
    let published = 0;
    const overflowed = () => f.logger.lines.some((l) => /buffer full/.test(l.msg ?? ''));
    // One event per event-loop turn: a pace a reading client keeps up with (grpc-js completes
    // writes on later turns, so a burst would overflow even a reading client with buffer 8).
    for (let turn = 0; turn < 10_000 && !overflowed(); turn++) {
      f.events.publish({ kind: 'stream_retrying', streamName: 'cam-1', reason });
      published++;
      await new Promise((r) => setImmediate(r));
    }
    t.ok(overflowed(), `the slow watcher's buffer overflowed after ${published} events`);
    t.ok(published > 20, 'after its HTTP/2 window filled, not on a burst');
    for (let i = 0; i < 100; i++) {
      f.events.publish({ kind: 'stream_retrying', streamName: 'cam-1', reason });
      await new Promise((r) => setImmediate(r));
    }
    const last = f.events.publish({ kind: 'stream_online', streamName: 'cam-1' });
    published += 101;
    t.equal(slow.messages.length, 0, 'the slow client has read nothing yet');

    await new Promise<void>((resolve) => {
      slow.onMessage.add((m) => {
        if (Number(m.event.seq) === last.seq) resolve();
      });
      slow.resume();
    });
    const got = slow.messages;
    let prev = 0;
    let gaps = 0;
    let missedTotal = 0;
    for (const m of got) {
      const seq = Number(m.event.seq);
      const missed = Number(m.missed);
      if (seq !== prev + 1 + missed) gaps++;
      missedTotal += missed;
      prev = seq;
    }
    t.equal(gaps, 0, 'every gap in seq is announced by missed on the next event');
    t.equal(got.length + missedTotal, published, 'received + missed = published');
    t.ok(missedTotal > 0, `${missedTotal} missed, ${got.length} delivered`);
    t.ok(got.length < 100, 'what the server held for it was bounded');
    t.equal(got.at(-1)?.event.kind, 'EVENT_KIND_STREAM_ONLINE', 'the newest event survives');
    t.ok(f.logger.lines.some((l) => l.level === 'warn' && /missed events/.test(l.msg ?? '')));

    // Caught up: the next event flows with missed 0.
    const more = new Promise<WatchEventsResponseWire>((resolve) => slow.onMessage.add(resolve));
    f.events.publish({ kind: 'stream_offline', streamName: 'cam-1' });
    t.equal((await more).missed, '0');

    for (let i = 0; i < 200 && fastGot.length < published + 1; i++)
      await new Promise((r) => setTimeout(r, 5));
    t.equal(fastGot.length, published + 1, 'the reading client got every event');
    t.ok(
      fastGot.every((m) => m.missed === '0'),
      'and missed none',
    );
  },
);
