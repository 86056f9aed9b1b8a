import { createServer } from 'node:net';
import { Writable } from 'node:stream';
import * as grpc from '@grpc/grpc-js';
import * as protoLoader from '@grpc/proto-loader';
import pino from 'pino';
import t from 'tap';
import {
  fileDescriptorSet,
  fileNameAndDeps,
  reflectionSession,
  serverStream,
  service,
  statusOf,
  take,
  unary,
} from '../../test/harness/grpc-client.ts';
import {
  BindError,
  InvalidAddrError,
  PROTO_LOADER_OPTIONS,
  loadControlProtos,
  processNodeInfo,
  startControlServer,
} from './index.ts';
import type { CallAuthorizer, ControlLogger, ControlServer, GetInfoResponseWire, NodeInfo } from './index.ts';

const protos = loadControlProtos();

const nodeSvc = service(protos.packageDefinition, 'edgegw.v1.NodeService');
const healthSvc = service(protos.packageDefinition, 'grpc.health.v1.Health');

// ---------- fixtures ----------

interface LogLine {
  level: 'debug' | 'info' | 'warn' | 'error';
  obj: object;
  msg: string | undefined;
}

function recordingLogger(): ControlLogger & { lines: LogLine[] } {
  const lines: LogLine[] = [];
  const at =
    (level: LogLine['level']) =>
    (obj: object, msg?: string): void => {
      lines.push({ level, obj, msg });
    };
  return { lines, debug: at('debug'), info: at('info'), warn: at('warn'), error: at('error') };
}

const INFO: NodeInfo = {
  version: '9.8.7',
  nodeId: 'node-under-test',
  arch: 'riscv64',
  platform: 'linux',
  uptimeSeconds: 12.5,
  addresses: { http: '0.0.0.0:8080', grpc: '127.0.0.1:50051', webrtc: '0.0.0.0:8189' },
  capabilities: ['whep', 'rtsp_ingest'],
};

async function start(
  t: { teardown(fn: () => unknown): void },
  extra: Partial<Parameters<typeof startControlServer>[0]> = {},
): Promise<{ server: ControlServer; client: grpc.Client; logger: ReturnType<typeof recordingLogger> }> {
  const logger = recordingLogger();
  const server = await startControlServer({ addr: '127.0.0.1:0', node: () => INFO, logger, ...extra });
  const client = new grpc.Client(server.address, grpc.credentials.createInsecure());
  t.teardown(async () => {
    client.close();
    await server.close(1000);
  });
  return { server, client, logger };
}

function portOf(address: string): number {
  return Number(address.slice(address.lastIndexOf(':') + 1));
}

// ---------- NodeService.GetInfo ----------

t.test('GetInfo answers with the provider data', async (t) => {
  const { server, client } = await start(t);
  t.match(server.address, /^127\.0\.0\.1:\d+$/);
  t.not(portOf(server.address), 0, 'an ephemeral port was assigned');
  const res = await unary<GetInfoResponseWire>(client, nodeSvc, 'GetInfo', {});
  t.same(res, {
    version: '9.8.7',
    nodeId: 'node-under-test',
    arch: 'riscv64',
    platform: 'linux',
    uptime: { seconds: '12', nanos: 500_000_000 },
    listenAddresses: [
      { protocol: 'LISTEN_PROTOCOL_HTTP', address: '0.0.0.0:8080' },
      { protocol: 'LISTEN_PROTOCOL_GRPC', address: '127.0.0.1:50051' },
      { protocol: 'LISTEN_PROTOCOL_WEBRTC_UDP', address: '0.0.0.0:8189' },
    ],
    capabilities: ['whep', 'rtsp_ingest'],
  });
});

t.test(
  'GetInfo fills the bound gRPC address when the provider gives none, and calls the provider per request',
  async (t) => {
    let calls = 0;
    const node = processNodeInfo(() => {
      calls++;
      return { version: '0.1.0', nodeId: `n${calls}`, addresses: { http: '0.0.0.0:8080' }, capabilities: [] };
    });
    const { server, client } = await start(t, { node });
    const a = await unary<GetInfoResponseWire>(client, nodeSvc, 'GetInfo', {});
    const b = await unary<GetInfoResponseWire>(client, nodeSvc, 'GetInfo', {});
    t.equal(a.nodeId, 'n1');
    t.equal(b.nodeId, 'n2');
    t.same(a.listenAddresses, [
      { protocol: 'LISTEN_PROTOCOL_HTTP', address: '0.0.0.0:8080' },
      { protocol: 'LISTEN_PROTOCOL_GRPC', address: server.address },
    ]);
    t.equal(a.arch, process.arch);
    t.equal(a.platform, process.platform);
    t.ok(Number(a.uptime.seconds) + a.uptime.nanos / 1e9 > 0, 'uptime from process.uptime()');
  },
);

t.test('an async provider works; a failing one gives INTERNAL and an error log', async (t) => {
  let fail = false;
  const node = async (): Promise<NodeInfo> => {
    await new Promise((r) => setImmediate(r));
    if (fail) throw new Error('disk on fire');
    return INFO;
  };
  const { client, logger } = await start(t, { node });
  t.equal((await unary<GetInfoResponseWire>(client, nodeSvc, 'GetInfo', {})).nodeId, 'node-under-test');
  fail = true;
  const err = await unary(client, nodeSvc, 'GetInfo', {}).then(
    () => t.fail('should fail'),
    (e: unknown) => e,
  );
  t.same(statusOf(err), { code: grpc.status.INTERNAL, details: 'node info unavailable' });
  const line = logger.lines.find((l) => l.level === 'error');
  t.equal(line?.msg, 'node info provider failed');
});

// ---------- grpc.health.v1 ----------

t.test(
  'health Check: SERVING for "" and NodeService, NOT_SERVING after setServing(false), back again',
  async (t) => {
    const { server, client } = await start(t);
    for (const name of ['', 'edgegw.v1.NodeService']) {
      t.same(
        await unary(client, healthSvc, 'Check', { service: name }),
        { status: 'SERVING' },
        `"${name}" serving`,
      );
    }
    server.setServing(false);
    for (const name of ['', 'edgegw.v1.NodeService']) {
      t.same(
        await unary(client, healthSvc, 'Check', { service: name }),
        { status: 'NOT_SERVING' },
        `"${name}" not serving`,
      );
    }
    server.setServing(true);
    t.same(await unary(client, healthSvc, 'Check', { service: '' }), { status: 'SERVING' });
    const err = await unary(client, healthSvc, 'Check', { service: 'edgegw.v1.NoSuchService' }).then(
      () => t.fail('should fail'),
      (e: unknown) => e,
    );
    t.equal(statusOf(err).code, grpc.status.NOT_FOUND, 'unknown service is NOT_FOUND');
  },
);

t.test(
  'health Watch sees the flip; close() ends the stream with UNAVAILABLE well within the grace',
  async (t) => {
    const { server, client } = await start(t);
    const watch = serverStream(client, healthSvc, 'Watch', { service: 'edgegw.v1.NodeService' });
    t.same(await take(watch, 1), [{ status: 'SERVING' }]);
    const flip = take(watch, 2);
    server.setServing(false);
    server.setServing(false); // no duplicate message for a non-change
    server.setServing(true);
    t.same(await flip, [{ status: 'NOT_SERVING' }, { status: 'SERVING' }]);

    const ended = new Promise<{ code: number; details: string }>((resolve) =>
      watch.once('error', (e) => resolve(statusOf(e))),
    );
    const last = take(watch, 1);
    const t0 = performance.now();
    await server.close(10_000);
    const ms = performance.now() - t0;
    t.same(await last, [{ status: 'NOT_SERVING' }], 'the watcher is told NOT_SERVING before the stream ends');
    t.same(await ended, { code: grpc.status.UNAVAILABLE, details: 'server shutting down' });
    t.ok(ms < 2000, `close() took ${ms.toFixed(0)} ms, not the 10 s grace`);
  },
);

// ---------- reflection ----------

for (const version of ['v1', 'v1alpha'] as const) {
  t.test(
    `reflection (grpc.reflection.${version}) lists the services and serves a grpcurl-style describe`,
    async (t) => {
      const { client } = await start(t);
      const session = reflectionSession(client, version);
      t.teardown(() => session.end());
      const list = await session.ask({ listServices: '*' });
      t.same(
        list.listServicesResponse?.service.map((s) => s.name).sort(),
        ['edgegw.v1.NodeService', 'grpc.health.v1.Health'],
        'edgegw.v1 and health are listed',
      );

      // What grpcurl does: file_containing_symbol, keep only that file, then fetch each
      // declared dependency with file_by_filename, transitively. Types must resolve
      // from exactly that set.
      const first = await session.ask({ fileContainingSymbol: 'edgegw.v1.NodeService' });
      const root = first.fileDescriptorResponse?.fileDescriptorProto[0];
      if (root === undefined) throw new Error('no file for edgegw.v1.NodeService');
      const byName = new Map<string, Uint8Array>([[fileNameAndDeps(root).name, root]]);
      const queue = [...fileNameAndDeps(root).deps];
      for (let dep = queue.shift(); dep !== undefined; dep = queue.shift()) {
        if (byName.has(dep)) continue;
        const res = await session.ask({ fileByFilename: dep });
        const bytes = res.fileDescriptorResponse?.fileDescriptorProto[0];
        if (bytes === undefined)
          throw new Error(`file_by_filename ${dep}: ${res.errorResponse?.errorMessage ?? 'nothing'}`);
        byName.set(dep, bytes);
        queue.push(...fileNameAndDeps(bytes).deps);
      }
      t.ok(
        [...byName.keys()].some((n) => n.includes('google')),
        `google.protobuf (Duration) reached through declared dependencies: ${[...byName.keys()].join(', ')}`,
      );

      // Build a client from the reflected descriptors alone and call GetInfo through it.
      const reflected = protoLoader.loadFileDescriptorSetFromBuffer(
        fileDescriptorSet([...byName.values()]),
        PROTO_LOADER_OPTIONS,
      );
      const res = await unary<GetInfoResponseWire>(
        client,
        service(reflected, 'edgegw.v1.NodeService'),
        'GetInfo',
        {},
      );
      t.equal(res.nodeId, 'node-under-test');
      t.same(res.uptime, { seconds: '12', nanos: 500_000_000 });
    },
  );
}

// ---------- the auth seam ----------

t.test('the authorizer sees every call and can refuse one before its handler runs', async (t) => {
  const seen: { method: string; token: string | undefined; peer: string }[] = [];
  let providerCalls = 0;
  const authorize: CallAuthorizer = async ({ method, metadata, peer }) => {
    const token = metadata.get('authorization')[0]?.toString();
    seen.push({ method, token, peer });
    if (method.startsWith('/grpc.health.v1.')) return { allow: true };
    return token === 'Bearer good'
      ? { allow: true }
      : { allow: false, code: 'UNAUTHENTICATED', message: 'bad or missing bearer token' };
  };
  const { client } = await start(t, {
    authorize,
    node: () => {
      providerCalls++;
      return INFO;
    },
  });
  const good = new grpc.Metadata();
  good.set('authorization', 'Bearer good');
  t.equal((await unary<GetInfoResponseWire>(client, nodeSvc, 'GetInfo', {}, good)).nodeId, 'node-under-test');
  const err = await unary(client, nodeSvc, 'GetInfo', {}).then(
    () => t.fail('should be refused'),
    (e: unknown) => e,
  );
  t.same(statusOf(err), { code: grpc.status.UNAUTHENTICATED, details: 'bad or missing bearer token' });
  t.equal(providerCalls, 1, 'the refused call never reached the handler');
  t.same(await unary(client, healthSvc, 'Check', { service: '' }), { status: 'SERVING' }, 'health left open');
  t.same(
    seen.map((s) => [s.method, s.token]),
    [
      ['/edgegw.v1.NodeService/GetInfo', 'Bearer good'],
      ['/edgegw.v1.NodeService/GetInfo', undefined],
      ['/grpc.health.v1.Health/Check', undefined],
    ],
  );
  t.match(seen[0]?.peer, /127\.0\.0\.1:\d+/);
});

t.test('a throwing authorizer fails closed with INTERNAL', async (t) => {
  const { client, logger } = await start(t, {
    authorize: () => {
      throw new Error('authorizer bug');
    },
  });
  const err = await unary(client, nodeSvc, 'GetInfo', {}).then(
    () => t.fail('should be refused'),
    (e: unknown) => e,
  );
  t.same(statusOf(err), { code: grpc.status.INTERNAL, details: 'authorization failed' });
  t.ok(logger.lines.some((l) => l.level === 'error' && l.msg === 'gRPC authorizer failed; call refused'));
});

// ---------- lifecycle and errors ----------

t.test('close() releases the port and is idempotent', async (t) => {
  const logger = recordingLogger();
  const server = await startControlServer({ addr: '127.0.0.1:0', node: () => INFO, logger });
  const port = portOf(server.address);
  const client = new grpc.Client(server.address, grpc.credentials.createInsecure());
  t.same(await unary(client, healthSvc, 'Check', { service: '' }), { status: 'SERVING' });
  client.close();
  await Promise.all([server.close(), server.close()]);
  server.setServing(true); // ignored after close
  await new Promise<void>((resolve, reject) => {
    const probe = createServer();
    probe.once('error', reject);
    probe.listen(port, '127.0.0.1', () => probe.close(() => resolve()));
  });
  t.pass(`port ${port} is free again`);
  // And a new control server can take the very same port.
  const again = await startControlServer({ addr: `127.0.0.1:${port}`, node: () => INFO, logger });
  t.equal(again.address, `127.0.0.1:${port}`);
  await again.close();
});

t.test('an AbortSignal closes the server', async (t) => {
  const ac = new AbortController();
  const logger = recordingLogger();
  const server = await startControlServer({
    addr: '127.0.0.1:0',
    node: () => INFO,
    logger,
    signal: ac.signal,
  });
  ac.abort();
  await server.close(); // the same close, already under way
  t.ok(logger.lines.some((l) => l.msg === 'gRPC control plane closed'));
  const probe = createServer();
  await new Promise<void>((resolve, reject) => {
    probe.once('error', reject);
    probe.listen(portOf(server.address), '127.0.0.1', () => probe.close(() => resolve()));
  });
});

t.test('an invalid addr is an InvalidAddrError naming the value', async (t) => {
  for (const addr of ['127.0.0.1', '127.0.0.1:99999', 'bad host:1', '::1:50051', '']) {
    await t.rejects(
      startControlServer({ addr, node: () => INFO, logger: recordingLogger() }),
      {
        code: 'CONTROL_INVALID_ADDR',
        value: addr,
        message: new RegExp(JSON.stringify(addr).replace(/[.*+?^${}()|[\]\\]/g, '\\$&')),
      },
      addr,
    );
  }
  t.ok(new InvalidAddrError('x', 'y') instanceof Error);
});

t.test('a port already in use is a BindError naming the address', async (t) => {
  const { server } = await start(t);
  const err = await startControlServer({
    addr: server.address,
    node: () => INFO,
    logger: recordingLogger(),
  }).then(
    () => t.fail('should not bind twice'),
    (e: unknown) => e,
  );
  t.ok(err instanceof BindError);
  t.match(err, { code: 'CONTROL_BIND_FAILED', addr: server.address });
});

t.test('a pino logger fits and gets structured lines', async (t) => {
  const chunks: string[] = [];
  const sink = new Writable({
    write(chunk: Buffer, _enc, cb) {
      chunks.push(chunk.toString());
      cb();
    },
  });
  const logger = pino({ level: 'debug' }, sink);
  const server = await startControlServer({ addr: '127.0.0.1:0', node: () => INFO, logger });
  await server.close();
  const lines = chunks
    .join('')
    .trim()
    .split('\n')
    .map((l) => JSON.parse(l) as { msg: string; address?: string });
  t.ok(lines.some((l) => l.msg === 'gRPC control plane listening' && l.address === server.address));
});

t.test('listening off loopback without auth is refused; insecure: true allows it and warns', async (t) => {
  const logger = recordingLogger();
  await t.rejects(startControlServer({ addr: '0.0.0.0:0', node: () => INFO, logger }), {
    code: 'CONTROL_INSECURE_LISTEN',
  });
  const server = await startControlServer({
    addr: '0.0.0.0:0',
    node: () => INFO,
    logger,
    auth: { insecure: true },
  });
  await server.close();
  t.ok(logger.lines.some((l) => l.level === 'warn' && /no auth/.test(l.msg ?? '')));
});
