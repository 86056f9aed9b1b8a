import t from 'tap';
import * as grpc from '@grpc/grpc-js';
import { startGatewayInProcess } from './harness/gateway-inproc.ts';
import { postSdp } from './harness/whep-page.ts';
import { weriftOffer, weriftWhepViewer } from './harness/werift.ts';
import { cliAt, svc } from './harness/control-fixture.ts';
import { serverStream, unary } from './harness/grpc-client.ts';

/*
 * Issue 6: SessionService against a real viewer. werift (pure-TypeScript WebRTC) plays the demo
 * over WHEP; ListSessions (gRPC and `edge-gateway sessions list --json`) shows it with its stream,
 * remote address, state and bytes; `edge-gateway sessions close ID` disconnects it: the RTP it
 * receives stops, the session is gone, and WatchEvents tells session_closed.
 */

interface SessionWire {
  id: string;
  streamName: string;
  remoteAddress: string;
  state: string;
  bytesSent: string;
  packetsSent: string;
  protocol: string;
}

t.test('ListSessions and CloseSession (gRPC and CLI) on a werift viewer playing the demo', async (t) => {
  const gw = await startGatewayInProcess(t);
  const client = new grpc.Client(gw.addresses.grpc, grpc.credentials.createInsecure());
  t.teardown(() => client.close());
  const cli = (...argv: string[]) => cliAt(gw.addresses.grpc, ...argv);

  const events: string[] = [];
  const watch = serverStream(client, svc.events, 'WatchEvents', { streamNames: ['demo'] });
  watch.on('data', (m: { event?: { kind: string; sessionId: string; reason: string } }) => {
    if (m.event) events.push(`${m.event.kind}:${m.event.sessionId}:${m.event.reason}`);
  });
  watch.on('error', () => {});
  t.teardown(() => watch.cancel());
  await new Promise((r) => watch.once('metadata', r));

  const pc = weriftWhepViewer(t);
  let rtp = 0;
  pc.onTrack.subscribe((tr) => tr.onReceiveRtp.subscribe(() => rtp++));
  const res = await postSdp(`${gw.http}/whep/demo`, await weriftOffer(pc));
  t.equal(res.status, 201);
  await pc.setRemoteDescription({ type: 'answer', sdp: await res.text() });
  const end = performance.now() + 15_000;
  while (rtp < 60 && performance.now() < end) await new Promise((r) => setTimeout(r, 100));
  t.ok(rtp >= 60, `werift receives the demo (${rtp} RTP packets)`);

  const listed = await unary<{ sessions: SessionWire[] }>(client, svc.sessions, 'ListSessions', {
    streamName: 'demo',
  });
  t.equal(listed.sessions.length, 1);
  const s = listed.sessions[0];
  t.match(s, {
    streamName: 'demo',
    remoteAddress: /^127\.0\.0\.1:\d+$/,
    state: 'SESSION_STATE_CONNECTED',
    protocol: 'whep',
  });
  t.ok(Number(s?.bytesSent) > 0 && Number(s?.packetsSent) >= rtp * 0.8, 'bytes and packets sent');
  const viaCli = await cli('sessions', 'list', '--json');
  t.equal(viaCli.code, 0, viaCli.err);
  t.same(
    (JSON.parse(viaCli.out) as { sessions: SessionWire[] }).sessions.map((x) => x.id),
    [s?.id],
    'the CLI lists the same session',
  );

  const closed = await cli('sessions', 'close', s?.id ?? '', '--reason', 'maintenance');
  t.same(closed, { code: 0, out: `closed ${s?.id}\n`, err: '' });
  await new Promise((r) => setTimeout(r, 500));
  const after = rtp;
  await new Promise((r) => setTimeout(r, 1000));
  t.ok(rtp - after <= 2, `the viewer's media stopped (${rtp - after} packets in the next second)`);
  const left = await unary<{ sessions: SessionWire[] }>(client, svc.sessions, 'ListSessions', {});
  t.same(left.sessions, [], 'the session is gone');
  t.ok(
    events.some((e) => e === `EVENT_KIND_SESSION_CLOSED:${s?.id}:maintenance`),
    `session_closed with the reason: ${events.join(' | ')}`,
  );
  const again = await cli('sessions', 'close', s?.id ?? '');
  t.match(again, { code: 1, err: /NOT_FOUND/ }, 'closing it again is NOT_FOUND');
});
