import t from 'tap';
import { pino } from 'pino';
import { Writable } from 'node:stream';
import { startBus, subjects } from './index.ts';

function captureLogger() {
  const lines: Record<string, unknown>[] = [];
  const stream = new Writable({
    write(chunk, _enc, cb) {
      for (const l of String(chunk).split('\n')) if (l) lines.push(JSON.parse(l) as Record<string, unknown>);
      cb();
    },
  });
  return { logger: pino({ level: 'debug' }, stream), lines };
}

t.test('with no URL and nats-server on PATH, a child server starts and messages round-trip', async (t) => {
  const { logger } = captureLogger();
  const bus = await startBus({ url: undefined, nodeId: 'test-node', logger });
  t.teardown(() => bus.close());
  t.equal(bus.mode, 'child', 'nats-server must be installed (./setup.sh) for this test');
  t.match(bus.url, /^nats:\/\/127\.0\.0\.1:\d+$/);
  const nc = bus.nc!;
  const got = new Promise<string>((resolve) => {
    const sub = nc.subscribe(subjects.events('test-node'), {
      max: 1,
      callback: (_e, m) => resolve(m.string()),
    });
    t.ok(sub);
  });
  await nc.flush();
  bus.publishEvent('test.ping', { n: 1 });
  const ev = JSON.parse(await got) as { type: string; node: string; n: number };
  t.equal(ev.type, 'test.ping');
  t.equal(ev.node, 'test-node');
  t.equal(ev.n, 1);
  const reply = await nc.request(subjects.info('test-node'), '', { timeout: 2000 });
  t.same(JSON.parse(reply.string()), { nodeId: 'test-node' });
  // The child is a real process: it is gone after close.
  const url = bus.url!;
  await bus.close();
  const { connect } = await import('@nats-io/transport-node');
  await t.rejects(connect({ servers: url, reconnect: false, timeout: 1000 }));
});

t.test('with no URL and no nats-server, the bus is off and the log says so once', async (t) => {
  const { logger, lines } = captureLogger();
  const bus = await startBus({ url: undefined, nodeId: 'n', logger, path: '/nonexistent' });
  t.equal(bus.mode, 'off');
  bus.publishEvent('ignored');
  await bus.close();
  const warns = lines.filter((l) => String(l.msg).startsWith('bus off'));
  t.equal(warns.length, 1);
});

t.test('an unreachable URL is a BusConnectError', async (t) => {
  const { logger } = captureLogger();
  await t.rejects(startBus({ url: 'nats://127.0.0.1:1', nodeId: 'n', logger }), { code: 'BUS_CONNECT' });
});
