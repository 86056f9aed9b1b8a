import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import t from 'tap';
import { ConfigError, loadConfig, readGrpcAuth } from './index.ts';

function dir(t: { teardown(fn: () => void): void }): string {
  const d = mkdtempSync(join(tmpdir(), 'edgegw-grpc-auth-'));
  t.teardown(() => rmSync(d, { recursive: true, force: true }));
  return d;
}

function configError(fn: () => unknown): ConfigError {
  try {
    fn();
  } catch (err) {
    if (err instanceof ConfigError) return err;
    throw err;
  }
  throw new Error('expected a ConfigError');
}

t.test('defaults: no token, no TLS, not insecure', async (t) => {
  const { config } = loadConfig({ env: {} });
  t.equal(config.grpc.token, undefined);
  t.same(config.grpc.tls, {});
  t.equal(config.grpc.insecure, false);
  t.same(readGrpcAuth(config.grpc), { insecure: false });
});

t.test('every EDGEGW_GRPC_* variable sets its key', async (t) => {
  const { config, fromEnv } = loadConfig({
    env: {
      EDGEGW_GRPC_TOKEN: 'tok',
      EDGEGW_GRPC_TLS_CERT: '/etc/edgegw/server.crt',
      EDGEGW_GRPC_TLS_KEY: '/etc/edgegw/server.key',
      EDGEGW_GRPC_TLS_CLIENT_CA: '/etc/edgegw/ca.crt',
      EDGEGW_GRPC_INSECURE: 'true',
    },
  });
  t.equal(config.grpc.token, 'tok');
  t.same(config.grpc.tls, {
    cert: '/etc/edgegw/server.crt',
    key: '/etc/edgegw/server.key',
    clientCa: '/etc/edgegw/ca.crt',
  });
  t.equal(config.grpc.insecure, true);
  t.equal(fromEnv.length, 5);
  const f = loadConfig({ env: { EDGEGW_GRPC_TOKEN_FILE: '/run/secrets/token' } });
  t.equal(f.config.grpc.tokenFile, '/run/secrets/token');
});

t.test('inconsistent settings name the key and the variable', async (t) => {
  t.equal(
    configError(() => loadConfig({ env: { EDGEGW_GRPC_TOKEN: 'a', EDGEGW_GRPC_TOKEN_FILE: '/x' } })).message,
    'invalid config: grpc.tokenFile (from EDGEGW_GRPC_TOKEN_FILE): set grpc.token or grpc.tokenFile, not both',
  );
  t.equal(
    configError(() => loadConfig({ env: { EDGEGW_GRPC_TLS_CERT: '/c' } })).message,
    'invalid config: grpc.tls.key: required when grpc.tls.cert is set',
  );
  t.match(
    configError(() => loadConfig({ env: { EDGEGW_GRPC_TLS_CLIENT_CA: '/ca' } })),
    {
      key: 'grpc.tls.cert',
      message: /mTLS needs a server certificate/,
    },
  );
  t.match(
    configError(() => loadConfig({ env: { EDGEGW_GRPC_TOKEN: 'tok\n' } })),
    {
      key: 'grpc.token',
      source: 'EDGEGW_GRPC_TOKEN',
      message: /must not start or end with whitespace/,
    },
  );
  t.match(
    configError(() => loadConfig({ env: { EDGEGW_GRPC_INSECURE: 'maybe' } })),
    { key: 'grpc.insecure' },
  );
});

t.test('readGrpcAuth reads the token file (trimmed) and the PEM files', async (t) => {
  const d = dir(t);
  writeFileSync(join(d, 'token'), '  s3cret-token\n');
  writeFileSync(join(d, 'a.crt'), 'CERT');
  writeFileSync(join(d, 'a.key'), 'KEY');
  writeFileSync(join(d, 'ca.crt'), 'CA');
  const { config } = loadConfig({
    env: {
      EDGEGW_GRPC_TOKEN_FILE: join(d, 'token'),
      EDGEGW_GRPC_TLS_CERT: 'a.crt',
      EDGEGW_GRPC_TLS_KEY: 'a.key',
      EDGEGW_GRPC_TLS_CLIENT_CA: join(d, 'ca.crt'),
    },
  });
  const auth = readGrpcAuth(config.grpc, d);
  t.equal(auth.token, 's3cret-token');
  t.equal(auth.tls?.cert.toString(), 'CERT', 'relative to cwd');
  t.equal(auth.tls?.key.toString(), 'KEY');
  t.equal(auth.tls?.clientCa?.toString(), 'CA');
});

t.test('a missing or empty file is a ConfigError naming the key', async (t) => {
  const d = dir(t);
  const missing = loadConfig({ env: { EDGEGW_GRPC_TOKEN_FILE: join(d, 'nope') } }).config;
  t.match(
    configError(() => readGrpcAuth(missing.grpc)),
    { key: 'grpc.tokenFile', message: /not found/ },
  );
  writeFileSync(join(d, 'empty'), '\n');
  const empty = loadConfig({ env: { EDGEGW_GRPC_TOKEN_FILE: join(d, 'empty') } }).config;
  t.match(
    configError(() => readGrpcAuth(empty.grpc)),
    { key: 'grpc.tokenFile', message: /is empty/ },
  );
  const noKey = loadConfig({
    env: { EDGEGW_GRPC_TLS_CERT: join(d, 'empty'), EDGEGW_GRPC_TLS_KEY: join(d, 'k') },
  }).config;
  t.match(
    configError(() => readGrpcAuth(noKey.grpc)),
    { key: 'grpc.tls.key' },
  );
});
