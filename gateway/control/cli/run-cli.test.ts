import { spawn } from 'node:child_process';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import t from 'tap';
import { startControlFixture } from '../../../test/harness/control-fixture.ts';
import { createTestPki } from '../../../test/harness/pki.ts';
import { runCli } from '../index.ts';

const mainTs = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..', '..', 'main.ts');

function capture(env: NodeJS.ProcessEnv = {}, signal?: AbortSignal) {
  let out = '';
  let err = '';
  return {
    io: {
      stdout: { write: (s: string) => (out += s) },
      stderr: { write: (s: string) => (err += s) },
      env,
      signal,
    },
    get out() {
      return out;
    },
    get err() {
      return err;
    },
  };
}

async function cli(argv: string[], env: NodeJS.ProcessEnv = {}) {
  const c = capture(env);
  const code = await runCli(argv, c.io);
  return { code, out: c.out, err: c.err };
}

t.test('streams add, list (table and JSON) and rm against a token-protected gateway', async (t) => {
  const f = await startControlFixture(t, { auth: { token: 'cli-token' } });
  const a = ['--addr', f.server.address, '--token', 'cli-token'];
  const added = await cli([
    'streams',
    'add',
    'cam-1',
    'rtsp://admin:pw@10.0.0.5/s',
    '--transport',
    'tcp',
    ...a,
  ]);
  t.equal(added.code, 0, added.err);
  t.match(
    added.out,
    /^NAME\s+ORIGIN\s+STATE\s+VIEWERS\s+SOURCE\ncam-1\s+runtime\s+unspecified\s+0\s+rtsp:\/\/admin:\*\*\*@10\.0\.0\.5\/s\n$/,
  );
  const listed = await cli(['streams', 'list', '--json', ...a]);
  const json = JSON.parse(listed.out) as {
    streams: { name: string; rtspTransport: string; sourceUrl: string }[];
  };
  t.same(
    json.streams.map((s) => [s.name, s.rtspTransport, s.sourceUrl]),
    [['cam-1', 'RTSP_TRANSPORT_TCP', 'rtsp://admin:***@10.0.0.5/s']],
  );
  t.same(await cli(['streams', 'rm', 'cam-1', ...a]), { code: 0, out: 'removed cam-1\n', err: '' });
  const again = await cli(['streams', 'rm', 'cam-1', ...a]);
  t.same(again, { code: 1, out: '', err: 'edge-gateway: NOT_FOUND: stream "cam-1" not found\n' });
  const dup = await cli(['streams', 'add', 'bad name', 'rtsp://x/', ...a]);
  t.equal(dup.code, 1);
  t.match(dup.err, /^edge-gateway: INVALID_ARGUMENT: name: /);
});

t.test('the token comes from the flag, the env or a file; a wrong one is UNAUTHENTICATED', async (t) => {
  const f = await startControlFixture(t, { auth: { token: 'cli-token' } });
  const env = { EDGEGW_GRPC_ADDR: f.server.address };
  const wrong = await cli(['streams', 'list'], { ...env, EDGEGW_GRPC_TOKEN: 'nope' });
  t.same(wrong, { code: 1, out: '', err: 'edge-gateway: UNAUTHENTICATED: invalid bearer token\n' });
  const missing = await cli(['info'], env);
  t.match(missing, { code: 1, err: /UNAUTHENTICATED: missing bearer token/ });
  t.equal((await cli(['streams', 'list'], { ...env, EDGEGW_GRPC_TOKEN: 'cli-token' })).code, 0);
  const pki = createTestPki(); // any temp dir will do for the token file
  t.teardown(() => pki.close());
  const file = path.join(pki.dir, 'token');
  (await import('node:fs')).writeFileSync(file, 'cli-token\n');
  t.equal((await cli(['streams', 'list', '--token-file', file], env)).code, 0);
});

t.test('info prints node identity and load', async (t) => {
  const f = await startControlFixture(t);
  const r = await cli(['info', '--addr', f.server.address]);
  t.equal(r.code, 0, r.err);
  t.match(r.out, /^node {12}control-test\n/);
  t.match(r.out, /\ngrpc {12}127\.0\.0\.1:\d+\n/);
  t.match(r.out, /\nstreams {9}0 \(0 online\)\n/);
  const j = JSON.parse((await cli(['info', '--json', '--addr', f.server.address])).out) as {
    info: { nodeId: string };
    stats: { viewers: number };
  };
  t.equal(j.info.nodeId, 'control-test');
  t.equal(j.stats.viewers, 0);
});

t.test('sessions list and close', async (t) => {
  const f = await startControlFixture(t);
  f.sessions.upsert({
    id: 'v1',
    streamName: 'demo',
    remoteAddress: '127.0.0.1:5555',
    state: 'connected',
    bytesSent: 99,
    packetsSent: 1,
    packetsLost: 2,
    rttSeconds: 0.0125,
    startedAt: new Date(),
    protocol: 'whep',
  });
  const a = ['--addr', f.server.address];
  const l = await cli(['sessions', 'list', '--stream', 'demo', ...a]);
  t.match(
    l.out,
    /^ID\s+STREAM\s+STATE\s+REMOTE\s+BYTES\s+LOST\s+RTT\nv1\s+demo\s+connected\s+127\.0\.0\.1:5555\s+99\s+2\s+12\.5 ms\n$/,
  );
  t.same(await cli(['sessions', 'close', 'v1', '--reason', 'bye', ...a]), {
    code: 0,
    out: 'closed v1\n',
    err: '',
  });
  t.same(f.disconnected, ['v1']);
  t.match(await cli(['sessions', 'close', 'v1', ...a]), { code: 1, err: /NOT_FOUND/ });
});

t.test('events follows until aborted, with the filter', async (t) => {
  const f = await startControlFixture(t);
  const abort = new AbortController();
  const c = capture({}, abort.signal);
  const done = runCli(
    [
      'events',
      '--kind',
      'stream_offline',
      '--kind',
      'stream_online',
      '--stream',
      'cam-1',
      '--addr',
      f.server.address,
    ],
    c.io,
  );
  for (let i = 0; i < 200 && f.events.subscribers === 0; i++) await new Promise((r) => setTimeout(r, 10));
  f.events.publish({ kind: 'stream_offline', streamName: 'cam-1', reason: 'connection refused' });
  f.events.publish({ kind: 'stream_offline', streamName: 'cam-2' });
  f.events.publish({ kind: 'stream_online', streamName: 'cam-1' });
  for (let i = 0; i < 200 && c.out.split('\n').length < 3; i++) await new Promise((r) => setTimeout(r, 10));
  abort.abort();
  t.equal(await done, 0, c.err);
  const lines = c.out.trimEnd().split('\n');
  t.match(lines, [
    /^\S+Z {2}stream_offline {2}cam-1 {2}reason="connection refused"$/,
    /^\S+Z {2}stream_online {3}cam-1$/,
  ]);
  t.equal(lines.length, 2);
});

t.test('usage errors exit 2 with the usage text', async (t) => {
  for (const argv of [
    ['bogus'],
    ['streams'],
    ['streams', 'add', 'only-name'],
    ['streams', 'list', '--nope'],
    ['streams', 'add', 'a', 'rtsp://x/', '--transport', 'sctp'],
  ]) {
    const r = await cli([...argv, '--addr', '127.0.0.1:1']);
    t.equal(r.code, 2, argv.join(' '));
    t.match(r.err, /usage: edge-gateway <command>/);
  }
  t.match(await cli(['--help']), { code: 0, out: /usage: edge-gateway <command>/ });
});

t.test('an unreachable gateway is exit 1 with UNAVAILABLE', async (t) => {
  const r = await cli(['streams', 'list', '--addr', '127.0.0.1:1']);
  t.equal(r.code, 1);
  t.match(r.err, /^edge-gateway: UNAVAILABLE: /);
});

t.test('mTLS flags: --ca, --cert, --key', async (t) => {
  const pki = createTestPki();
  t.teardown(() => pki.close());
  const f = await startControlFixture(t, {
    auth: { tls: { cert: pki.server.cert, key: pki.server.key, clientCa: pki.ca.cert } },
  });
  const withCert = (cert: string, key: string) =>
    cli([
      'streams',
      'list',
      '--addr',
      f.server.address,
      '--ca',
      pki.ca.certFile,
      '--cert',
      cert,
      '--key',
      key,
    ]);
  const ok = await withCert(pki.client.certFile, pki.client.keyFile);
  t.equal(ok.code, 0, ok.err);
  const stranger = await withCert(pki.otherClient.certFile, pki.otherClient.keyFile);
  t.match(stranger, { code: 1, err: /UNAVAILABLE/ });
  t.match(await cli(['streams', 'list', '--addr', f.server.address, '--cert', pki.client.certFile]), {
    code: 2,
    err: /--cert and --key go together/,
  });
});

t.test('edge-gateway <command> dispatches to the CLI (child process through gateway/main.ts)', async (t) => {
  const f = await startControlFixture(t);
  await f.streams.add({
    name: 'yard',
    sourceUrl: 'rtsp://10.0.0.9/live',
    rtspTransport: 'auto',
    description: '',
  });
  const child = spawn(
    process.execPath,
    ['--import', 'tsx', mainTs, 'streams', 'list', '--addr', f.server.address],
    {
      stdio: ['ignore', 'pipe', 'pipe'],
    },
  );
  let out = '';
  let err = '';
  child.stdout.on('data', (d: Buffer) => (out += d.toString()));
  child.stderr.on('data', (d: Buffer) => (err += d.toString()));
  const code = await new Promise<number | null>((resolve) => child.once('exit', resolve));
  t.equal(code, 0, err);
  t.match(out, /^NAME.*\nyard\s+runtime\s+unspecified\s+0\s+rtsp:\/\/10\.0\.0\.9\/live\n$/);
});

t.test('--json for scripts: sessions list, and events one object per line', async (t) => {
  const f = await startControlFixture(t);
  f.sessions.upsert({
    id: 'v9',
    streamName: 'yard',
    remoteAddress: '127.0.0.1:6000',
    state: 'connected',
    bytesSent: 4096,
    packetsSent: 4,
    packetsLost: 0,
    rttSeconds: undefined,
    startedAt: new Date(),
    protocol: 'whep',
  });
  const a = ['--addr', f.server.address, '--json'];
  const l = await cli(['sessions', 'list', ...a]);
  t.equal(l.code, 0, l.err);
  t.match(JSON.parse(l.out), {
    sessions: [{ id: 'v9', streamName: 'yard', remoteAddress: '127.0.0.1:6000', bytesSent: '4096' }],
  });
  t.same(JSON.parse((await cli(['sessions', 'close', 'v9', ...a])).out), { closed: 'v9' });

  const abort = new AbortController();
  const c = capture({}, abort.signal);
  const done = runCli(['events', ...a], c.io);
  for (let i = 0; i < 200 && f.events.subscribers === 0; i++) await new Promise((r) => setTimeout(r, 10));
  f.events.publish({ kind: 'stream_retrying', streamName: 'yard', reason: '401 from camera' });
  f.events.publish({ kind: 'stream_online', streamName: 'yard' });
  for (let i = 0; i < 200 && c.out.split('\n').length < 3; i++) await new Promise((r) => setTimeout(r, 10));
  abort.abort();
  t.equal(await done, 0, c.err);
  const lines = c.out.trimEnd().split('\n');
  t.equal(lines.length, 2, 'one JSON object per line');
  t.match(
    lines.map((l) => JSON.parse(l) as unknown),
    [
      { event: { kind: 'EVENT_KIND_STREAM_RETRYING', streamName: 'yard', reason: '401 from camera' } },
      { event: { kind: 'EVENT_KIND_STREAM_ONLINE', streamName: 'yard' } },
    ],
  );
});

t.test('--tls --ca with --token: server TLS without client certificates, token checked', async (t) => {
  const pki = createTestPki();
  t.teardown(() => pki.close());
  const f = await startControlFixture(t, {
    auth: { token: 'tls-token', tls: { cert: pki.server.cert, key: pki.server.key } },
  });
  const base = ['streams', 'list', '--addr', f.server.address, '--tls', '--ca', pki.ca.certFile];
  const ok = await cli([...base, '--token', 'tls-token']);
  t.equal(ok.code, 0, ok.err);
  t.match(await cli([...base, '--token', 'wrong']), { code: 1, err: /UNAUTHENTICATED/ });
  t.match(await cli(['streams', 'list', '--addr', f.server.address, '--token', 'tls-token']), {
    code: 1,
    err: /UNAVAILABLE/,
  });
});
