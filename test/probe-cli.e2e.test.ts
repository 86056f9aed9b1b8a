import t from 'tap';
import { spawnSync } from 'node:child_process';
import { REPO_ROOT } from './harness/gateway-process.ts';
import { startRtspCamera } from './harness/rtsp-camera.ts';

/*
 * Issue 5: `edge-gateway probe rtsp://…` — what a camera offers and whether a browser can play it,
 * against the real GStreamer camera (Digest auth), with the password never printed.
 */
function probeCli(...args: string[]) {
  return spawnSync(process.execPath, ['--import', 'tsx', 'gateway/main.ts', 'probe', ...args], {
    cwd: REPO_ROOT,
    encoding: 'utf8',
    timeout: 30_000,
  });
}

t.test(
  'probe prints tracks, size, fps and the browser verdict; exit codes tell playable/not/unreachable',
  async (t) => {
    const cam = await startRtspCamera(t, { user: 'admin', password: 'hunter2', auth: 'digest', fps: 15 });
    const ok = probeCli(cam.mountUrl('/cam', { credentials: true }), '--seconds', '1');
    t.equal(ok.status, 0, ok.stderr);
    t.match(
      ok.stdout,
      /^camera rtsp:\/\/admin:\*\*\*@127\.0\.0\.1:\d+\/cam {2}\(transport tcp, auth digest, server GStreamer[^)]*\)$/m,
    );
    t.match(ok.stdout, /track 0: video H264\/90000 640x360 1[45]\.?\d* fps \d+ kbit\/s {2}browser: yes/);
    t.match(ok.stdout, /audio PCMU\/8000/);
    t.match(ok.stdout, /playable in browsers: yes/);
    t.notMatch(ok.stdout + ok.stderr, /hunter2/, 'the password is never printed');

    const h265 = probeCli(cam.mountUrl('/cam-h265', { credentials: true }), '--seconds', '0', '--json');
    t.equal(h265.status, 3, 'answers but browsers cannot play it');
    const r = JSON.parse(h265.stdout) as { playable: boolean; notes: string[] };
    t.equal(r.playable, false);
    t.ok(
      r.notes.some((n) => /H\.?265|HEVC/i.test(n)),
      `says why: ${r.notes.join(' ')}`,
    );

    const wrong = probeCli(cam.mountUrl('/cam').replace('rtsp://', 'rtsp://admin:wrong@'));
    t.equal(wrong.status, 1);
    t.match(wrong.stderr, /RTSP_AUTH_FAILED/);
    t.notMatch(wrong.stderr, /wrong@/, 'the wrong password is not echoed either');

    const usage = probeCli();
    t.equal(usage.status, 2);
    t.match(usage.stderr, /usage: edge-gateway probe/);
  },
);
