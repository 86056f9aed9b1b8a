import t from 'tap';
import * as grpc from '@grpc/grpc-js';
import { cleanup, PeerConnection, Video } from 'node-datachannel';
import { startGatewayProcess } from './harness/gateway-process.ts';
import { postSdp } from './harness/whep-page.ts';
import { startRtspCamera } from './harness/rtsp-camera.ts';
import { svc } from './harness/control-fixture.ts';
import { serverStream, unary } from './harness/grpc-client.ts';

/*
 * Issue 6: NodeService.GetStats reports real figures: bytes in from the camera (RTP received by the
 * RTSP client), bytes out to a playing viewer (libdatachannel, which decrypts what it gets), the
 * viewer count, and the process's CPU and memory; totals are since start, so a viewer leaving or a
 * stream being removed never makes them go back.
 */
interface Stats {
  streams: number;
  streamsOnline: number;
  viewers: number;
  bytesIn: string;
  bytesOut: string;
  cpuUser: { seconds: string; nanos: number };
  cpuSystem: { seconds: string; nanos: number };
  memoryRssBytes: string;
  memoryHeapUsedBytes: string;
}

async function until(cond: () => Promise<boolean> | boolean, ms: number): Promise<boolean> {
  const end = performance.now() + ms;
  while (performance.now() < end) {
    if (await cond()) return true;
    await new Promise((r) => setTimeout(r, 100));
  }
  return cond();
}

t.test('GetStats: bytes in from the camera, bytes out to a playing viewer, CPU and memory', async (t) => {
  const cam = await startRtspCamera(t, { gopSeconds: 1 });
  const gw = await startGatewayProcess(t, { env: { EDGEGW_DEMO: '0' } });
  const client = new grpc.Client(gw.grpc, grpc.credentials.createInsecure());
  t.teardown(() => client.close());
  const stats = () => unary<Stats>(client, svc.node, 'GetStats', {});

  const before = await stats();
  t.match(before, { streams: 0, viewers: 0, bytesIn: '0', bytesOut: '0' });
  t.ok(Number(before.memoryRssBytes) > 20e6 && Number(before.memoryHeapUsedBytes) > 0, 'process memory');
  t.ok(Number(before.cpuUser.seconds) + before.cpuUser.nanos / 1e9 > 0, 'process CPU time');

  await unary(client, svc.streams, 'AddStream', {
    name: 'yard',
    sourceUrl: cam.mountUrl('/cam-video'),
    rtspTransport: 'RTSP_TRANSPORT_TCP',
  });
  t.ok(await until(async () => (await stats()).streamsOnline === 1, 10_000), 'the camera is online');
  t.ok(await until(async () => Number((await stats()).bytesIn) > 20_000, 5000), 'bytes arrive');
  const in1 = Number((await stats()).bytesIn);
  await new Promise((r) => setTimeout(r, 1000));
  const in2 = Number((await stats()).bytesIn);
  t.ok(in2 > in1, `bytes in grow while the camera plays (${in1} → ${in2})`);
  const yard = await unary<{ stream: { bytesIn: string } }>(client, svc.streams, 'GetStream', {
    name: 'yard',
  });
  t.ok(Number(yard.stream.bytesIn) >= in2, 'GetStream reports the same counter');

  // Session events of the real viewer, as a fleet manager watching the node sees them.
  const kinds: string[] = [];
  const watch = serverStream(client, svc.events, 'WatchEvents', {
    kinds: ['EVENT_KIND_SESSION_OPENED', 'EVENT_KIND_SESSION_CLOSED'],
  });
  watch.on('data', (m: { event?: { kind: string; streamName: string } }) => {
    if (m.event) kinds.push(`${m.event.kind}:${m.event.streamName}`);
  });
  watch.on('error', () => {});
  t.teardown(() => watch.cancel());
  await new Promise((r) => watch.once('metadata', r));

  // A viewer: libdatachannel over WHEP.
  // libdatachannel, closed by the test before it DELETEs its session: libdatachannel's cleanup()
  // leaves threads behind (or deadlocks) after a remote close, and the harness's ndcPeer expects
  // to close the peer itself at teardown, so this viewer is set up and cleaned up here.
  const pc = new PeerConnection('stats-viewer', { iceServers: [], bindAddress: '127.0.0.1' });
  let pcClosed = false;
  t.teardown(async () => {
    if (!pcClosed) pc.close();
    await new Promise((r) => setTimeout(r, 500));
    cleanup();
  });
  const video = new Video('0', 'RecvOnly');
  video.addH264Codec(102, 'profile-level-id=42e01f;packetization-mode=1;level-asymmetry-allowed=1');
  const track = pc.addTrack(video);
  let received = 0;
  track.onMessage((m) => {
    const pt = (m[1] ?? 0) & 0x7f;
    if (pt < 72 || pt > 79) received += m.length; // RTP, not RTCP
  });
  const offer = await new Promise<string>((resolve) => {
    pc.onGatheringStateChange((s) => {
      if (s === 'complete') resolve(pc.localDescription()?.sdp ?? '');
    });
    pc.setLocalDescription();
  });
  const connected = new Promise<string>((resolve) => {
    pc.onStateChange((s) => (s === 'connected' || s === 'failed') && resolve(s));
  });
  const res = await postSdp(`${gw.http}/whep/yard`, offer);
  t.equal(res.status, 201);
  const location = res.headers.get('location') ?? '';
  pc.setRemoteDescription(await res.text(), 'answer');
  t.equal(await connected, 'connected');
  t.ok(await until(() => received > 50_000, 10_000), `the viewer plays (${received} bytes of RTP)`);

  const playing = await stats();
  t.equal(playing.viewers, 1, 'one viewer');
  const out1 = Number(playing.bytesOut);
  t.ok(out1 > 0, `bytes out ${out1}`);
  // What the viewer decrypted is what we sent, plus the SRTP auth tags (10 bytes a packet).
  t.ok(out1 >= received * 0.8, `bytes out (${out1}) cover what the viewer received (${received})`);
  const sessions = await unary<{
    sessions: {
      id: string;
      streamName: string;
      remoteAddress: string;
      state: string;
      bytesSent: string;
      protocol: string;
    }[];
  }>(client, svc.sessions, 'ListSessions', {});
  t.equal(sessions.sessions.length, 1);
  t.match(sessions.sessions[0], {
    streamName: 'yard',
    remoteAddress: /^127\.0\.0\.1:\d+$/,
    state: 'SESSION_STATE_CONNECTED',
    protocol: 'whep',
  });
  t.ok(Number(sessions.sessions[0]?.bytesSent) > 0, 'ListSessions counts the same bytes');

  // The viewer leaves as a WHEP client does: closes its peer connection, DELETEs its session.
  pc.close();
  pcClosed = true;
  const del = await fetch(`${gw.http}${location}`, { method: 'DELETE' });
  t.ok(del.status === 200 || del.status === 404, `DELETE ${del.status}`);
  t.ok(await until(async () => (await stats()).viewers === 0, 5000), 'the gateway saw the viewer leave');
  const after = await stats();
  t.ok(
    Number(after.bytesOut) >= out1,
    `bytes out since start kept after the viewer left (${after.bytesOut})`,
  );
  const lastSent = Number(sessions.sessions[0]?.bytesSent);
  t.ok(
    Number(after.bytesOut) < lastSent + 40_000,
    `counted once, not again when the session reports closing twice (${lastSent} listed before it left)`,
  );

  t.ok(await until(() => kinds.length >= 2, 3000), 'session events arrived');
  await new Promise((r) => setTimeout(r, 300));
  t.same(
    kinds,
    ['EVENT_KIND_SESSION_OPENED:yard', 'EVENT_KIND_SESSION_CLOSED:yard'],
    'opened, then closed exactly once',
  );

  // The stream is removed: bytes in since start stay too.
  const inBeforeRemove = Number(after.bytesIn);
  await unary(client, svc.streams, 'RemoveStream', { name: 'yard' });
  const removed = await stats();
  t.equal(removed.streams, 0);
  t.ok(
    Number(removed.bytesIn) >= inBeforeRemove,
    `bytes in kept after the stream was removed (${removed.bytesIn})`,
  );
  t.ok(Number(removed.bytesOut) >= Number(after.bytesOut), 'and bytes out');
});
