import * as grpc from '@grpc/grpc-js';
import t from 'tap';
import { createTestPki } from '../../test/harness/pki.ts';
import { reflectionSession, unary } from '../../test/harness/grpc-client.ts';
import { TEST_NODE_INFO as INFO, recordingLogger, settle, svc } from '../../test/harness/control-fixture.ts';
import { InsecureListenError, bearerTokenAuthorizer, startControlServer } from './index.ts';
import type { ControlServer, ControlServerOptions, GetInfoResponseWire } from './index.ts';

const nodeSvc = svc.node;
const healthSvc = svc.health;

type Teardown = { teardown(fn: () => unknown): void };

async function serve(
  t: Teardown,
  extra: Partial<ControlServerOptions>,
): Promise<{ server: ControlServer; logger: ReturnType<typeof recordingLogger> }> {
  const logger = recordingLogger();
  const server = await startControlServer({ addr: '127.0.0.1:0', node: () => INFO, logger, ...extra });
  t.teardown(() => server.close(500));
  return { server, logger };
}

function client(t: Teardown, address: string, creds = grpc.credentials.createInsecure()): grpc.Client {
  const c = new grpc.Client(address, creds);
  t.teardown(() => c.close());
  return c;
}

function bearer(token: string): grpc.Metadata {
  const md = new grpc.Metadata();
  md.set('authorization', `Bearer ${token}`);
  return md;
}

// ---------- bearer token ----------

t.test('bearer token: missing or wrong is UNAUTHENTICATED, right is OK', async (t) => {
  const { server } = await serve(t, { auth: { token: 'correct horse battery staple' } });
  const c = client(t, server.address);

  const none = await settle(unary(c, nodeSvc, 'GetInfo', {}));
  t.equal(none.code, grpc.status.UNAUTHENTICATED, 'no metadata');
  t.match(none.details, /missing bearer token/);

  const wrong = await settle(unary(c, nodeSvc, 'GetInfo', {}, bearer('correct horse battery stapler')));
  t.equal(wrong.code, grpc.status.UNAUTHENTICATED, 'wrong token');
  t.equal(wrong.details, 'invalid bearer token');

  const md = new grpc.Metadata();
  md.set('authorization', 'Basic Zm9vOmJhcg==');
  t.equal(
    (await settle(unary(c, nodeSvc, 'GetInfo', {}, md))).code,
    grpc.status.UNAUTHENTICATED,
    'not Bearer',
  );

  const prefix = await settle(unary(c, nodeSvc, 'GetInfo', {}, bearer('correct')));
  t.equal(prefix.code, grpc.status.UNAUTHENTICATED, 'a prefix of the token is wrong');

  const res = await unary<GetInfoResponseWire>(
    c,
    nodeSvc,
    'GetInfo',
    {},
    bearer('correct horse battery staple'),
  );
  t.equal(res.nodeId, 'control-test', 'right token');

  const lower = new grpc.Metadata();
  lower.set('authorization', 'bearer correct horse battery staple');
  t.equal(
    (await unary<GetInfoResponseWire>(c, nodeSvc, 'GetInfo', {}, lower)).nodeId,
    'control-test',
    'scheme is case-insensitive (RFC 7235 §2.1)',
  );
});

t.test('health and reflection stay open without a token, so probes and grpcurl list work', async (t) => {
  const { server } = await serve(t, { auth: { token: 'tok' } });
  const c = client(t, server.address);
  const health = await unary<{ status: string }>(c, healthSvc, 'Check', { service: '' });
  t.equal(health.status, 'SERVING');
  const refl = reflectionSession(c, 'v1');
  const listed = await refl.ask({ listServices: '' });
  refl.end();
  t.ok(listed.listServicesResponse?.service.some((s) => s.name === 'edgegw.v1.NodeService'));
});

t.test('bearerTokenAuthorizer rejects an empty token at construction', async (t) => {
  t.throws(() => bearerTokenAuthorizer(''), RangeError);
});

// ---------- mTLS ----------

t.test('mTLS: a client certificate from the configured CA is served; others are refused', async (t) => {
  const pki = createTestPki();
  t.teardown(() => pki.close());
  const { server, logger } = await serve(t, {
    auth: { tls: { cert: pki.server.cert, key: pki.server.key, clientCa: pki.ca.cert } },
  });
  t.ok(
    logger.lines.some((l) => l.msg === 'gRPC control plane listening' && (l.obj as { mtls?: boolean }).mtls),
  );
  const ca = Buffer.from(pki.ca.cert);

  const good = client(
    t,
    server.address,
    grpc.credentials.createSsl(ca, Buffer.from(pki.client.key), Buffer.from(pki.client.cert)),
  );
  const res = await unary<GetInfoResponseWire>(good, nodeSvc, 'GetInfo', {});
  t.equal(res.nodeId, 'control-test', 'client cert signed by the configured CA');

  const stranger = client(
    t,
    server.address,
    grpc.credentials.createSsl(ca, Buffer.from(pki.otherClient.key), Buffer.from(pki.otherClient.cert)),
  );
  const refused = await settle(unary(stranger, nodeSvc, 'GetInfo', {}));
  t.equal(refused.code, grpc.status.UNAVAILABLE, 'client cert from another CA: handshake refused');

  const anonymous = client(t, server.address, grpc.credentials.createSsl(ca));
  t.equal(
    (await settle(unary(anonymous, nodeSvc, 'GetInfo', {}))).code,
    grpc.status.UNAVAILABLE,
    'no client cert',
  );

  const plaintext = client(t, server.address);
  t.equal(
    (await settle(unary(plaintext, nodeSvc, 'GetInfo', {}))).code,
    grpc.status.UNAVAILABLE,
    'plaintext',
  );
});

t.test('TLS with a token: both must hold', async (t) => {
  const pki = createTestPki();
  t.teardown(() => pki.close());
  const { server } = await serve(t, {
    addr: '0.0.0.0:0',
    auth: { token: 'tok', tls: { cert: pki.server.cert, key: pki.server.key } },
  });
  const port = server.address.slice(server.address.lastIndexOf(':') + 1);
  const c = client(t, `127.0.0.1:${port}`, grpc.credentials.createSsl(Buffer.from(pki.ca.cert)));
  t.equal((await settle(unary(c, nodeSvc, 'GetInfo', {}))).code, grpc.status.UNAUTHENTICATED);
  t.equal(
    (await unary<GetInfoResponseWire>(c, nodeSvc, 'GetInfo', {}, bearer('tok'))).nodeId,
    'control-test',
  );
});

// ---------- secure by default ----------

t.test('off loopback without auth the server refuses to start, with a clear message', async (t) => {
  const logger = recordingLogger();
  const err = await t.rejects(
    startControlServer({ addr: '0.0.0.0:0', node: () => INFO, logger }),
    InsecureListenError,
  );
  t.match(err, {
    code: 'CONTROL_INSECURE_LISTEN',
    addr: '0.0.0.0:0',
    message:
      /refusing to listen for gRPC on 0\.0\.0\.0:0 without authentication.*EDGEGW_GRPC_TOKEN.*EDGEGW_GRPC_INSECURE/,
  });
  // TLS without a client CA encrypts but authenticates nobody: still refused.
  const pki = createTestPki();
  t.teardown(() => pki.close());
  await t.rejects(
    startControlServer({
      addr: '[::]:0',
      node: () => INFO,
      logger,
      auth: { tls: { cert: pki.server.cert, key: pki.server.key } },
    }),
    { code: 'CONTROL_INSECURE_LISTEN' },
  );
});

t.test('off loopback with insecure: true it starts and warns loudly', async (t) => {
  const { server, logger } = await serve(t, { addr: '0.0.0.0:0', auth: { insecure: true } });
  t.match(server.address, /^0\.0\.0\.0:\d+$/);
  t.ok(logger.lines.some((l) => l.level === 'warn' && /^INSECURE: .*no auth/.test(l.msg ?? '')));
});

t.test('off loopback with a token it starts without the warning', async (t) => {
  const { logger } = await serve(t, { addr: '0.0.0.0:0', auth: { token: 'tok' } });
  t.notOk(logger.lines.some((l) => l.level === 'warn'));
});

t.test('loopback without auth stays the no-config default', async (t) => {
  const { logger } = await serve(t, {});
  t.notOk(logger.lines.some((l) => l.level === 'warn'));
});
