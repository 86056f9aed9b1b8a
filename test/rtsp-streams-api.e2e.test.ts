import t from 'tap';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { launchBrowser, serveStatic, waitForVideoFrames } from './harness/browser.ts';
import { REPO_ROOT, startGatewayProcess } from './harness/gateway-process.ts';
import { freePort } from './harness/ports.ts';
import { startRtspCamera } from './harness/rtsp-camera.ts';
import type { StreamSummary } from '../gateway/http/index.ts';

/*
 * Issue 5: what `GET /api/streams` and `edge-gateway probe` say about real cameras (GStreamer):
 * an AAC camera's video plays in Chromium while the API says why its audio is missing; a camera
 * with B-frames is flagged with a warning; PCMU audio is relayed; a camera that is down is
 * `retrying` with its reason; state, codecs, size, measured fps, bitrate and viewers per stream.
 */
type Summary = StreamSummary;

const PLAYER = `<!doctype html><script>
window.play = async (endpoint) => {
  const pc = new RTCPeerConnection();
  window.pc = pc;
  pc.addTransceiver('video', { direction: 'recvonly' });
  pc.addTransceiver('audio', { direction: 'recvonly' });
  await pc.setLocalDescription(await pc.createOffer());
  const res = await fetch(endpoint, { method: 'POST', headers: { 'content-type': 'application/sdp' }, body: pc.localDescription.sdp });
  if (res.status !== 201) throw new Error('WHEP ' + res.status + ' ' + (await res.text()));
  await pc.setRemoteDescription({ type: 'answer', sdp: await res.text() });
};
</script>`;

function probeCli(...args: string[]) {
  return spawnSync(process.execPath, ['--import', 'tsx', 'gateway/main.ts', 'probe', ...args], {
    cwd: REPO_ROOT,
    encoding: 'utf8',
    timeout: 30_000,
  });
}

t.test('GET /api/streams: AAC not relayed (and why), B-frames flagged, state and measured fps', async (t) => {
  const cam = await startRtspCamera(t, { gopSeconds: 1, fps: 15 });
  const dead = await freePort();
  const dir = mkdtempSync(join(tmpdir(), 'edgegw-rtsp-api-'));
  const file = join(dir, 'gateway.yaml');
  writeFileSync(
    file,
    [
      'streams:',
      `  aac: { url: ${cam.mountUrl('/cam-aac')} }`,
      `  bframes: { url: ${cam.mountUrl('/cam-bframes')} }`,
      `  porch: { url: ${cam.mountUrl('/cam')}, transport: udp }`,
      `  down: { url: 'rtsp://admin:hunter2@127.0.0.1:${dead}/nothing' }`,
      '',
    ].join('\n'),
  );
  const gw = await startGatewayProcess(t, { env: { EDGEGW_CONFIG: file, EDGEGW_DEMO: '0' } });
  const streams = async (): Promise<Map<string, Summary>> => {
    const body = (await (await fetch(`${gw.http}/api/streams`)).json()) as { streams: Summary[] };
    return new Map(body.streams.map((s) => [s.name, s]));
  };
  let s = await streams();
  const deadline = performance.now() + 15_000;
  while (
    performance.now() < deadline &&
    !['aac', 'bframes', 'porch'].every((n) => s.get(n)?.video?.fps !== undefined && s.get(n)?.bitrate)
  ) {
    await sleep(250);
    s = await streams();
  }
  t.comment(JSON.stringify([...s.values()], null, 1));

  t.match(s.get('aac'), {
    state: 'online',
    video: { codec: 'H264', width: 640, height: 360, bFrames: false },
    audio: { codec: 'MPEG4-GENERIC', relayed: false, reason: /AAC/ },
    source: { kind: 'rtsp', status: 'live', transport: 'tcp' },
    viewers: 0,
  });
  t.notOk(s.get('aac')?.video?.warning, 'no warning without B-frames');
  const fps = s.get('aac')?.video?.fps ?? 0;
  t.ok(fps > 13 && fps < 17, `frame rate ${fps} (camera: 15)`);
  t.ok((s.get('aac')?.bitrate ?? 0) > 10_000, `bitrate ${s.get('aac')?.bitrate} bit/s`);

  t.match(s.get('bframes'), {
    state: 'online',
    video: { codec: 'H264', width: 640, height: 360, bFrames: true, warning: /B-frames/ },
    audio: undefined,
  });

  t.match(s.get('porch'), {
    state: 'online',
    audio: { codec: 'PCMU', clockRate: 8000, relayed: true },
    video: { bFrames: false },
    source: { status: 'live', transport: 'udp' },
  });
  t.notOk(s.get('porch')?.audio?.reason);

  t.match(s.get('down'), {
    state: 'retrying',
    reason: /RTSP_CONNECT/,
    source: { status: /retrying|connecting/, lastError: { code: 'RTSP_CONNECT' } },
  });
  t.match(s.get('down')?.source?.url, /admin:\*\*\*@/, 'URL masked');
  t.notMatch(JSON.stringify([...s.values()]), /hunter2/, 'no password in the API');

  // The AAC camera's video plays; its audio m-line gets nothing (not mislabelled), viewers count.
  const browser = await launchBrowser(t);
  const site = await serveStatic(t, { '/': PLAYER });
  const page = await browser.newPage(t);
  await page.goto(site.url('/'));
  await page.evaluate(`window.play(${JSON.stringify(`${gw.http}/whep/aac`)})`);
  const { stats } = await waitForVideoFrames(page, { minFramesDecoded: 10, timeoutMs: 10_000 });
  t.ok(
    (stats.framesDecoded ?? 0) >= 10,
    `Chromium decodes the AAC camera's video (${stats.framesDecoded} frames)`,
  );
  t.equal((await streams()).get('aac')?.viewers, 1, 'one viewer');
});

t.test('probe: AAC audio is not playable but the camera is; B-frames make it not playable', async (t) => {
  const cam = await startRtspCamera(t, { fps: 15 });
  const aac = probeCli(cam.mountUrl('/cam-aac'), '--seconds', '1.5', '--json');
  t.equal(aac.status, 0, `the video plays: exit 0 ${aac.stderr}`);
  const a = JSON.parse(aac.stdout) as {
    playable: boolean;
    notes: string[];
    tracks: { codec: string; browser: { playable: boolean; reason?: string }; bFrames?: boolean }[];
  };
  t.match(a.tracks, [
    { codec: 'H264', browser: { playable: true }, bFrames: false },
    { codec: 'MPEG4-GENERIC', browser: { playable: false, reason: /AAC/ } },
  ]);
  t.ok(
    a.notes.some((n) => /MPEG4-GENERIC.*AAC/.test(n)),
    a.notes.join(' | '),
  );

  const b = probeCli(cam.mountUrl('/cam-bframes'), '--seconds', '2');
  t.equal(b.status, 3, 'answers, but browsers would stutter: exit 3');
  t.match(b.stdout, /track 0: video H264\/90000 640x360 .* B-frames/);
  t.match(b.stdout, /note: track 0 \(H264\): B-frames: browsers' WebRTC decoders expect none/);
  t.match(b.stdout, /playable in browsers: NO/);
});
