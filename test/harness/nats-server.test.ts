import t from 'tap';
import { existsSync } from 'node:fs';
import { connect } from '@nats-io/transport-node';
import { startNatsServer } from './nats-server.ts';

t.test('nats-server starts on loopback and a message round-trips', async (t) => {
  const nats = await startNatsServer(t);
  t.match(nats.url, /^nats:\/\/127\.0\.0\.1:\d+$/);
  t.ok(nats.port > 0 && nats.port < 65536, 'a real port');
  t.ok(existsSync(nats.storeDir), 'JetStream store dir exists while running');
  t.comment(`nats-server ready in ${nats.process.readyMs} ms`);

  const nc = await connect({ servers: nats.url });
  t.teardown(() => nc.close());

  // request/reply through the server: proves it routes, not just accepts a TCP connection
  const sub = nc.subscribe('harness.echo');
  void (async () => {
    for await (const m of sub) m.respond(new TextEncoder().encode(`echo:${m.string()}`));
  })();
  const reply = await nc.request('harness.echo', new TextEncoder().encode('hi'), { timeout: 2000 });
  t.equal(reply.string(), 'echo:hi');

  // JetStream is on (-js): the server answers the JS API info request
  const info = await nc.request('$JS.API.INFO', undefined, { timeout: 2000 });
  t.match(info.string(), /"type":"io\.nats\.jetstream\.api\.v1\.account_info_response"/);

  await nc.close();
  const exit = await nats.stop();
  // nats-server shuts down on SIGTERM and exits 1 by design (0 on SIGINT); no SIGKILL was needed
  t.same({ code: exit.code, signal: exit.signal }, { code: 1, signal: null }, 'exited by itself on SIGTERM');
  t.ok(exit.ms < 3000, 'within the grace period');
  t.comment(`nats-server stopped in ${exit.ms} ms`);
  t.notOk(existsSync(nats.storeDir), 'store dir removed on stop');
  t.same(await nats.stop(), exit, 'stop is idempotent');
});

t.test('two servers get distinct ports', async (t) => {
  const [a, b] = await Promise.all([startNatsServer(t), startNatsServer(t)]);
  t.not(a.port, b.port);
});
