import t from 'tap';
import { createSocket } from 'node:dgram';
import { existsSync } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import { connect } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { splitHostPort, startGatewayProcess } from './gateway-process.ts';

// The stand-in has main.ts's process contract (env in, pino "gateway ready" line out, SIGTERM stop).
const entry = 'test/harness/fixtures/fake-gateway.ts';

t.test('splitHostPort', async (t) => {
  t.same(splitHostPort('127.0.0.1:8080'), { host: '127.0.0.1', port: 8080 });
  t.same(splitHostPort('[::1]:50051'), { host: '::1', port: 50051 });
  t.throws(() => splitHostPort('127.0.0.1'), { code: 'HARNESS_BAD_READY_LINE' });
  t.throws(() => splitHostPort('127.0.0.1:0'), { code: 'HARNESS_BAD_READY_LINE' });
});

t.test('starts on ephemeral loopback ports, parses the ready line, stops cleanly', async (t) => {
  const gw = await startGatewayProcess(t, { entry, env: { FAKE_GATEWAY_EXTRA: 'override-seen' } });
  t.comment(`stand-in ready in ${gw.process.readyMs} ms`);
  t.match(gw.http, /^http:\/\/127\.0\.0\.1:\d+$/);
  t.match(gw.grpc, /^127\.0\.0\.1:\d+$/);
  t.equal(gw.webrtc.host, '127.0.0.1');
  t.ok(gw.webrtc.port > 0);
  t.equal(gw.readyEntry.extra, 'override-seen', 'caller env reaches the process');

  // the parsed addresses are the ones really bound
  t.equal(await (await fetch(gw.http)).text(), 'fake gateway');
  const { host, port } = splitHostPort(gw.grpc);
  await new Promise<void>((resolve, reject) => connect(port, host, resolve).once('error', reject).unref());
  const udp = createSocket('udp4');
  const echoed = new Promise<string>((resolve) => udp.once('message', (m) => resolve(m.toString())));
  udp.send('ping', gw.webrtc.port, gw.webrtc.host);
  t.equal(await echoed, 'ping', 'UDP port answers');
  udp.close();

  // data dir: a temp dir passed as EDGEGW_DATA_DIR
  const starting = gw.logEntries().find((e) => e.msg === 'starting');
  t.equal(starting?.dataDir, gw.dataDir);
  t.ok(existsSync(gw.dataDir));

  t.match(await gw.waitForLog((e) => e.msg === 'tick', 3000), { n: 1 }, 'waitForLog sees a later line');
  t.ok(gw.logs().some((l) => l.includes('"gateway ready"')));

  const exit = await gw.stop();
  t.same({ code: exit.code, signal: exit.signal }, { code: 0, signal: null }, 'graceful exit');
  t.ok(exit.ms < 2000, `stopped in ${exit.ms} ms`);
  t.equal(gw.logEntries().at(-1)?.msg, 'stopped', 'shutdown logs captured to the end');
  t.notOk(existsSync(gw.dataDir), 'temp data dir removed');
});

t.test('a caller-owned data dir is kept; SIGINT is passed through', async (t) => {
  const dataDir = await mkdtemp(join(tmpdir(), 'edgegw-harness-test-'));
  t.teardown(() => rm(dataDir, { recursive: true, force: true }));
  const gw = await startGatewayProcess(t, { entry, dataDir, env: { EDGEGW_LOG_LEVEL: 'debug' } });
  t.equal(gw.dataDir, dataDir);
  t.equal(gw.logEntries()[0]?.level, 20, 'EDGEGW_LOG_LEVEL override applied');
  await gw.stop('SIGINT');
  t.match(gw.logEntries(), [{}, {}, { msg: 'shutting down', signal: 'SIGINT' }], 'the signal given');
  t.ok(existsSync(dataDir), 'kept');
});

t.test('exit before ready fails with the stderr text', async (t) => {
  await t.rejects(startGatewayProcess(t, { entry, env: { FAKE_GATEWAY_MODE: 'crash' } }), {
    code: 'HARNESS_EXITED_EARLY',
    message: /code 2[\s\S]*err\| edge-gateway: config: http\.addr: invalid/,
  });
});

t.test('a ready line without addresses is an error', async (t) => {
  await t.rejects(startGatewayProcess(t, { entry, env: { FAKE_GATEWAY_MODE: 'bad-ready' } }), {
    code: 'HARNESS_BAD_READY_LINE',
    message: /lacks webrtc/,
  });
});

t.test('a gateway that ignores SIGTERM is killed after the grace', async (t) => {
  const gw = await startGatewayProcess(t, { entry, graceMs: 300, env: { FAKE_GATEWAY_MODE: 'hang' } });
  const exit = await gw.stop();
  t.equal(exit.signal, 'SIGKILL');
  t.ok(gw.logs().some((l) => l.includes('ignoring signal')));
});
