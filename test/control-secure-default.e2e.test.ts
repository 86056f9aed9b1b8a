import t from 'tap';
import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { REPO_ROOT } from './harness/gateway-process.ts';

/*
 * Issue 6, secure by default: the gateway process asked to listen for gRPC off loopback with no
 * token and no mTLS does not start. It exits non-zero, before serving anything, with one line that
 * names the address and every way out. (No port is bound: the check comes before listening.)
 */
function runGateway(
  env: Record<string, string>,
): Promise<{ code: number | null; out: string; err: string; ms: number }> {
  const dataDir = mkdtempSync(join(tmpdir(), 'edgegw-secure-'));
  const started = performance.now();
  const child = spawn(process.execPath, ['--import', 'tsx', 'gateway/main.ts'], {
    cwd: REPO_ROOT,
    env: {
      ...process.env,
      EDGEGW_HTTP_ADDR: '127.0.0.1:0',
      EDGEGW_WEBRTC_ADDR: '127.0.0.1:0',
      EDGEGW_DATA_DIR: dataDir,
      EDGEGW_DEMO: '0',
      EDGEGW_NATS_URL: '',
      EDGEGW_GRPC_TOKEN: '',
      EDGEGW_GRPC_INSECURE: '',
      ...env,
    },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let out = '';
  let err = '';
  child.stdout.on('data', (d: Buffer) => (out += d.toString()));
  child.stderr.on('data', (d: Buffer) => (err += d.toString()));
  const kill = setTimeout(() => child.kill('SIGKILL'), 30_000);
  return new Promise((resolve) => {
    child.once('exit', (code) => {
      clearTimeout(kill);
      rmSync(dataDir, { recursive: true, force: true });
      resolve({ code, out, err, ms: performance.now() - started });
    });
  });
}

t.test(
  'off loopback without auth the gateway refuses to start, naming the address and the fixes',
  async (t) => {
    const r = await runGateway({ EDGEGW_GRPC_ADDR: '0.0.0.0:0' });
    t.equal(r.code, 1, 'exit status 1');
    t.match(r.err, /^edge-gateway: refusing to listen for gRPC on 0\.0\.0\.0:0 without authentication/m);
    for (const fix of [
      'EDGEGW_GRPC_TOKEN',
      'EDGEGW_GRPC_TLS_CLIENT_CA',
      '127.0.0.1',
      'EDGEGW_GRPC_INSECURE=1',
    ])
      t.ok(r.err.includes(fix), `says how: ${fix}`);
    t.notMatch(r.out, /"gateway ready"/, 'never became ready');
    t.notMatch(r.out, /HTTP listening|gRPC control plane listening/, 'nothing was served');
    t.comment(`exited in ${Math.round(r.ms)} ms`);

    const v6 = await runGateway({ EDGEGW_GRPC_ADDR: '[::]:0' });
    t.equal(v6.code, 1, 'the IPv6 wildcard too');
    t.match(v6.err, /refusing to listen for gRPC on \[::\]:0 without authentication/);
  },
);
