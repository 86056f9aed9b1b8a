import t from 'tap';
import { createSocket } from 'node:dgram';
import { createServer } from 'node:net';
import { HarnessError, ProgramNotFoundError } from './errors.ts';
import { freePort, freeUdpPortRange } from './ports.ts';
import { setTimeout as sleep } from 'node:timers/promises';
import { isAlive, killPid, requireProgram, spawnReady, which, type Teardown } from './process.ts';

const sh = (script: string) => ({ command: 'sh', args: ['-c', script] });
const onLine = (text: string) => (line: string) => (line.includes(text) ? line : undefined);

t.test('a missing program fails with the install command', async (t) => {
  await t.rejects(spawnReady({ name: 'bogus', command: 'edgegw-no-such-program', ready: onLine('x') }), {
    name: 'HarnessError',
    code: 'HARNESS_PROGRAM_NOT_FOUND',
    message: 'edgegw-no-such-program not found: run ./setup.sh (or apt-get install edgegw-no-such-program)',
  });
  const err = await spawnReady({
    name: 'bogus',
    command: 'edgegw-no-such-program',
    aptPackage: 'some-package',
    ready: onLine('x'),
  }).catch((e: unknown) => e);
  t.ok(err instanceof ProgramNotFoundError);
  t.match((err as Error).message, 'run ./setup.sh (or apt-get install some-package)');
  t.throws(() => requireProgram('/nonexistent/bin/tool'), { code: 'HARNESS_PROGRAM_NOT_FOUND' });
  t.equal(which('sh'), '/usr/bin/sh', 'finds programs on PATH');
  t.equal(which('nats-server'), '/usr/sbin/nats-server', 'finds programs in sbin');
});

t.test('ready on a line; output captured per stream; stop by SIGTERM', async (t) => {
  const p = await spawnReady({
    name: 'sh',
    ...sh('echo one; echo two >&2; echo "READY 42"; exec sleep 30'),
    ready: (line, stream) => (/^READY (\d+)$/.exec(line)?.[1] && stream === 'stdout' ? 'yes' : undefined),
    t,
  });
  t.equal(p.ready, 'yes');
  t.ok(p.pid > 0);
  t.same(p.lines('stdout'), ['one', 'READY 42']);
  // stdout and stderr are separate pipes: their relative order is not guaranteed
  t.equal(await p.waitForLine((line, stream) => (stream === 'stderr' ? line : undefined)), 'two');
  t.same(p.lines('stderr'), ['two']);
  t.match(p.output(), /out\| one\n(err\| two\n)?out\| READY 42/);
  t.match(p.output(), /err\| two/);
  const exit = await p.stop();
  t.same({ code: exit.code, signal: exit.signal }, { code: null, signal: 'SIGTERM' });
  t.ok(exit.ms < 1000, `stopped in ${exit.ms} ms`);
});

t.test('a child that ignores SIGTERM is SIGKILLed after the grace period', async (t) => {
  const p = await spawnReady({
    name: 'stubborn',
    ...sh('trap "" TERM; echo up; while :; do sleep 0.05; done'),
    ready: onLine('up'),
    graceMs: 300,
  });
  const exit = await p.stop();
  t.equal(exit.signal, 'SIGKILL');
  t.ok(exit.ms >= 280 && exit.ms < 2000, `killed after ${exit.ms} ms`);
});

t.test('ready timeout kills the child and reports its output', async (t) => {
  let pid = 0;
  const err = await spawnReady({
    name: 'slow',
    ...sh('echo "pid $$"; echo starting; exec sleep 30'),
    ready: (line) => {
      const m = /^pid (\d+)$/.exec(line);
      if (m?.[1]) pid = Number(m[1]);
      return undefined;
    },
    timeoutMs: 200,
  }).catch((e: unknown) => e);
  t.ok(err instanceof HarnessError);
  t.equal((err as HarnessError).code, 'HARNESS_READY_TIMEOUT');
  t.match((err as HarnessError).message, /out\| starting/);
  t.ok(pid > 0);
  t.throws(() => process.kill(pid, 0), { code: 'ESRCH' }, 'the child is gone');
});

t.test('exit before ready rejects with the exit status and output', async (t) => {
  let cleaned = false;
  const err = await spawnReady({
    name: 'crash',
    ...sh('echo "bad config" >&2; exit 3'),
    ready: onLine('never'),
    afterExit: () => {
      cleaned = true;
    },
  }).catch((e: unknown) => e);
  t.match(err, { code: 'HARNESS_EXITED_EARLY' });
  t.match((err as Error).message, /code 3[\s\S]*err\| bad config/);
  t.ok(cleaned, 'afterExit ran');
});

t.test('waitForLine sees past and future lines', async (t) => {
  const p = await spawnReady({
    name: 'ticker',
    ...sh('echo start; sleep 0.2; echo later; exec sleep 30'),
    ready: onLine('start'),
    t,
  });
  t.equal(await p.waitForLine(onLine('start')), 'start', 'already captured');
  t.equal(await p.waitForLine(onLine('later'), 3000), 'later', 'arrives later');
  await t.rejects(p.waitForLine(onLine('never'), 100), { code: 'HARNESS_READY_TIMEOUT' });
});

t.test('probe readiness', async (t) => {
  const port = await freePort();
  // the child listens only after a delay; the probe connects until it succeeds
  const p = await spawnReady({
    name: 'node-listener',
    command: process.execPath,
    args: ['-e', `setTimeout(() => require('net').createServer().listen(${port}, '127.0.0.1'), 150)`],
    ready: {
      probe: () =>
        new Promise<number | undefined>((resolve) => {
          const s = createServer();
          s.once('error', () => resolve(port)); // in use → the child is listening
          s.listen(port, '127.0.0.1', () => s.close(() => resolve(undefined)));
        }),
    },
    t,
  });
  t.equal(p.ready, port);
  t.ok(p.readyMs >= 140, `ready after ${p.readyMs} ms`);
});

t.test('killPid stops a process that is not our child', async (t) => {
  const p = await spawnReady({ name: 'detached', ...sh('echo up; exec sleep 30'), ready: onLine('up') });
  const r = await killPid(p.pid, 'SIGTERM', 1000);
  t.equal(r.killed, false, 'SIGTERM was enough');
  t.equal((await p.exited).signal, 'SIGTERM');
  t.same(await killPid(p.pid), { ms: 0, killed: false }, 'a gone pid is a no-op');
});

t.test('free ports', async (t) => {
  const port = await freePort(['tcp', 'udp']);
  t.ok(port > 1024);
  const udp = createSocket('udp4');
  await new Promise<void>((resolve) => udp.bind(port, '127.0.0.1', resolve));
  udp.close();
  const range = await freeUdpPortRange(8);
  t.equal(range.max - range.min, 7);
  t.ok(range.min >= 20000 && range.max < 32768, 'below the ephemeral range');
});

const crashing = (mode: 'exit' | 'hang', t: Teardown) =>
  spawnReady({
    name: 'crashing-test',
    command: process.execPath,
    args: ['--import', 'tsx', new URL('./fixtures/crash-after-spawn.ts', import.meta.url).pathname, mode],
    ready: (line) => /^PEER (\d+)$/.exec(line)?.[1],
    t,
  });

async function gone(pid: number, ms = 2000): Promise<boolean> {
  for (const start = performance.now(); performance.now() - start < ms; await sleep(20)) {
    if (!isAlive(pid)) return true;
  }
  return false;
}

t.test('a test process that exits without stopping its peers takes them down', async (t) => {
  const parent = await crashing('exit', t);
  await parent.exited;
  const peerPid = Number(parent.ready);
  t.ok(peerPid > 0);
  t.ok(await gone(peerPid), 'the orphan was SIGKILLed by the exit hook');
});

t.test('a test process SIGKILLed (a tap timeout) takes its peers down too', async (t) => {
  const parent = await crashing('hang', t);
  const peerPid = Number(parent.ready);
  t.ok(isAlive(peerPid), 'peer runs while its parent does');
  await parent.stop('SIGKILL');
  t.ok(await gone(peerPid), 'setpriv --pdeathsig: the kernel killed the orphan');
});
