import * as grpc from '@grpc/grpc-js';
import t from 'tap';
import { unary } from '../../test/harness/grpc-client.ts';
import { settle, startControlFixture, svc } from '../../test/harness/control-fixture.ts';
import type { SessionInfo } from './index.ts';

function session(
  id: string,
  streamName: string,
  startedAt: number,
  extra: Partial<SessionInfo> = {},
): SessionInfo {
  return {
    id,
    streamName,
    remoteAddress: '127.0.0.1:40000',
    state: 'connected',
    bytesSent: 1000,
    packetsSent: 10,
    packetsLost: 1,
    rttSeconds: 0.025,
    startedAt: new Date(startedAt),
    protocol: 'whep',
    ...extra,
  };
}

interface SessionWire {
  id: string;
  streamName: string;
  state: string;
  rtt: { seconds: string; nanos: number } | null;
}

t.test(
  'ListSessions: every session oldest first, or one stream only, with its transport figures',
  async (t) => {
    const f = await startControlFixture(t);
    f.sessions.upsert(
      session('b', 'cam-1', 2000, { state: 'connecting', rttSeconds: undefined, remoteAddress: '' }),
    );
    f.sessions.upsert(session('a', 'cam-1', 1000));
    f.sessions.upsert(session('c', 'cam-2', 3000, { bytesSent: 2 ** 40 }));
    const all = await unary<{ sessions: SessionWire[] }>(f.client, svc.sessions, 'ListSessions', {});
    t.same(
      all.sessions.map((s) => s.id),
      ['a', 'b', 'c'],
    );
    t.same(all.sessions[0], {
      id: 'a',
      streamName: 'cam-1',
      remoteAddress: '127.0.0.1:40000',
      state: 'SESSION_STATE_CONNECTED',
      bytesSent: '1000',
      packetsSent: '10',
      packetsLost: '1',
      rtt: { seconds: '0', nanos: 25_000_000 },
      startedAt: { seconds: '1', nanos: 0 },
      protocol: 'whep',
    });
    t.match(
      all.sessions[1],
      { state: 'SESSION_STATE_CONNECTING', rtt: null, remoteAddress: '' },
      'unknown RTT unset',
    );
    t.match(all.sessions[2], { bytesSent: String(2 ** 40) }, 'uint64 beyond 2^32');
    const one = await unary<{ sessions: SessionWire[] }>(f.client, svc.sessions, 'ListSessions', {
      streamName: 'cam-2',
    });
    t.same(
      one.sessions.map((s) => s.id),
      ['c'],
    );
    const bad = await settle(unary(f.client, svc.sessions, 'ListSessions', { streamName: 'no such/name' }));
    t.match(bad, { code: grpc.status.INVALID_ARGUMENT, details: /^stream_name: / });
  },
);

t.test('CloseSession disconnects the viewer and publishes session_closed; errors by field', async (t) => {
  const f = await startControlFixture(t);
  const seen: string[] = [];
  f.events.subscribe({}, (e) => seen.push(`${e.kind}:${e.sessionId}:${e.reason}`));
  f.sessions.upsert(session('s1', 'cam-1', 1000));
  t.same(
    await unary(f.client, svc.sessions, 'CloseSession', { id: 's1', reason: 'kicked by fleet manager' }),
    {},
  );
  t.same(f.disconnected, ['s1'], 'the real session was told to close');
  t.equal(f.sessions.size, 0);
  t.same(seen, ['session_opened:s1:', 'session_closed:s1:kicked by fleet manager']);

  t.same(await settle(unary(f.client, svc.sessions, 'CloseSession', { id: 's1' })), {
    code: grpc.status.NOT_FOUND,
    details: 'session "s1" not found',
  });
  t.same(await settle(unary(f.client, svc.sessions, 'CloseSession', { id: '' })), {
    code: grpc.status.INVALID_ARGUMENT,
    details: 'id: required',
  });
  f.sessions.upsert(session('s2', 'cam-1', 1000));
  const long = await settle(
    unary(f.client, svc.sessions, 'CloseSession', { id: 's2', reason: 'r'.repeat(300) }),
  );
  t.match(long, { code: grpc.status.INVALID_ARGUMENT, details: /^reason: / });
  t.equal(f.sessions.size, 1, 'not closed');
  await unary(f.client, svc.sessions, 'CloseSession', { id: 's2' });
  t.match(seen.at(-1), 'session_closed:s2:closed over gRPC', 'a default reason');
});
