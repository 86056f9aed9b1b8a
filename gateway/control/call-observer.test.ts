import * as grpc from '@grpc/grpc-js';
import t from 'tap';
import { method, unary } from '../../test/harness/grpc-client.ts';
import { settle, startControlFixture, svc } from '../../test/harness/control-fixture.ts';
import { splitMethodPath } from './index.ts';
import type { CallRecord } from './index.ts';

t.test('every call is reported once with service, method, status and duration — refusals too', async (t) => {
  const records: CallRecord[] = [];
  const f = await startControlFixture(t, { auth: { token: 'tok' }, observeCalls: (r) => records.push(r) });
  const md = new grpc.Metadata();
  md.set('authorization', 'Bearer tok');
  await settle(unary(f.client, svc.node, 'GetInfo', {}));
  await unary(f.client, svc.node, 'GetInfo', {}, md);
  await settle(unary(f.client, svc.streams, 'GetStream', { name: 'ghost' }, md));
  await unary(f.client, svc.health, 'Check', { service: '' });

  const m = method(svc.events, 'WatchEvents');
  const call = f.client.makeServerStreamRequest(m.path, m.requestSerialize, m.responseDeserialize, {}, md);
  call.on('error', () => {});
  await new Promise((r) => call.once('metadata', r));
  call.cancel();
  for (let i = 0; i < 100 && records.length < 5; i++) await new Promise((r) => setTimeout(r, 10));

  t.same(
    records.map((r) => [r.service, r.method, r.codeName]),
    [
      ['edgegw.v1.NodeService', 'GetInfo', 'UNAUTHENTICATED'],
      ['edgegw.v1.NodeService', 'GetInfo', 'OK'],
      ['edgegw.v1.StreamService', 'GetStream', 'NOT_FOUND'],
      ['grpc.health.v1.Health', 'Check', 'OK'],
      ['edgegw.v1.EventService', 'WatchEvents', 'CANCELLED'],
    ],
  );
  t.ok(records.every((r) => r.durationMs >= 0 && r.durationMs < 5000 && /^127\.0\.0\.1:\d+$/.test(r.peer)));
  t.equal(records[2]?.code, grpc.status.NOT_FOUND);
  t.match(records[2]?.details, /not found/, 'the status message of an error');
  t.equal(records[1]?.details, '', 'none for OK');
  const now = performance.timeOrigin + performance.now();
  t.ok(
    records.every((r) => r.startTimeMs > now - 10_000 && r.startTimeMs <= now),
    'start times on the epoch clock',
  );
  t.ok(
    records.every((r) => r.traceParent === '' && r.traceState === ''),
    'no trace context sent, none reported',
  );

  const traced = new grpc.Metadata();
  traced.set('authorization', 'Bearer tok');
  traced.set('traceparent', '00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01');
  traced.set('tracestate', 'vendor=1');
  await unary(f.client, svc.node, 'GetInfo', {}, traced);
  for (let i = 0; i < 100 && records.length < 6; i++) await new Promise((r) => setTimeout(r, 10));
  t.match(records[5], {
    traceParent: '00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01',
    traceState: 'vendor=1',
  });
});

t.test('a throwing observer does not break calls', async (t) => {
  const f = await startControlFixture(t, {
    observeCalls: () => {
      throw new Error('observer bug');
    },
  });
  t.equal((await settle(unary(f.client, svc.streams, 'ListStreams', {}))).code, grpc.status.OK);
});

t.test('splitMethodPath', async (t) => {
  t.same(splitMethodPath('/edgegw.v1.StreamService/AddStream'), ['edgegw.v1.StreamService', 'AddStream']);
});
