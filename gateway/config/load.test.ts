import t from 'tap';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { loadConfig, ConfigError, ConfigFileError } from './index.ts';

function yamlFile(text: string): string {
  const dir = mkdtempSync(join(tmpdir(), 'edgegw-config-'));
  const p = join(dir, 'gateway.yaml');
  writeFileSync(p, text);
  return p;
}

function errorOf(fn: () => unknown): Error {
  try {
    fn();
  } catch (e) {
    return e as Error;
  }
  throw new Error('expected an error');
}

t.test('defaults give a working first run', async (t) => {
  const { config } = loadConfig({ env: {} });
  t.same(config.http.addr, { host: '0.0.0.0', port: 8080 });
  t.same(config.grpc.addr, { host: '127.0.0.1', port: 50051 });
  t.same(config.webrtc.addr, { host: '0.0.0.0', port: 8189 });
  t.equal(config.dataDir, './data');
  t.equal(config.nats.url, undefined);
  t.equal(config.log.level, 'info');
  t.equal(config.demo.enabled, true);
});

t.test('every documented env var sets its key', async (t) => {
  const { config, fromEnv } = loadConfig({
    env: {
      EDGEGW_NODE_ID: 'cam-box-1',
      EDGEGW_HTTP_ADDR: '127.0.0.1:0',
      EDGEGW_GRPC_ADDR: '[::1]:5000',
      EDGEGW_WEBRTC_ADDR: ':9000',
      EDGEGW_WEBRTC_PUBLIC_IPS: '192.0.2.10, 2001:db8::1',
      EDGEGW_DATA_DIR: '/var/lib/edgegw',
      EDGEGW_NATS_URL: 'nats://127.0.0.1:4222',
      EDGEGW_LOG_LEVEL: 'debug',
      EDGEGW_DEMO: '0',
    },
  });
  t.equal(config.nodeId, 'cam-box-1');
  t.same(config.http.addr, { host: '127.0.0.1', port: 0 });
  t.same(config.grpc.addr, { host: '::1', port: 5000 });
  t.same(config.webrtc.addr, { host: '0.0.0.0', port: 9000 });
  t.same(config.webrtc.publicIps, ['192.0.2.10', '2001:db8::1']);
  t.equal(config.dataDir, '/var/lib/edgegw');
  t.equal(config.nats.url, 'nats://127.0.0.1:4222');
  t.equal(config.log.level, 'debug');
  t.equal(config.demo.enabled, false);
  t.equal(fromEnv.length, 9);
});

t.test('bad port names the key, the variable and the problem', async (t) => {
  const e = errorOf(() => loadConfig({ env: { EDGEGW_HTTP_ADDR: '0.0.0.0:70000' } }));
  t.type(e, ConfigError);
  t.equal((e as ConfigError).code, 'CONFIG_INVALID');
  t.equal((e as ConfigError).key, 'http.addr');
  t.equal(e.message, 'invalid config: http.addr (from EDGEGW_HTTP_ADDR): port 70000 is out of range 0-65535');
  const e2 = errorOf(() => loadConfig({ env: { EDGEGW_GRPC_ADDR: 'localhost' } }));
  t.equal(e2.message, 'invalid config: grpc.addr (from EDGEGW_GRPC_ADDR): expected host:port');
});

t.test('bad URL is reported against nats.url', async (t) => {
  const e = errorOf(() => loadConfig({ env: { EDGEGW_NATS_URL: 'http://example:4222' } }));
  t.match(
    e.message,
    /^invalid config: nats\.url \(from EDGEGW_NATS_URL\): must be a URL like nats:\/\/host:4222$/,
  );
  const e2 = errorOf(() => loadConfig({ env: { EDGEGW_NATS_URL: 'not a url' } }));
  t.equal((e2 as ConfigError).key, 'nats.url');
});

t.test('unknown keys in the file are errors, not silently ignored', async (t) => {
  const file = yamlFile('http:\n  addr: 127.0.0.1:0\n  adr: typo\n');
  const e = errorOf(() => loadConfig({ file, env: {} }));
  t.equal(e.message, `invalid config: http.adr (from ${file}): unknown key`);
  const e2 = errorOf(() => loadConfig({ file: yamlFile('htp: {}\n'), env: {} }));
  t.equal((e2 as ConfigError).key, 'htp');
});

t.test('YAML file values, overridden by env', async (t) => {
  const file = yamlFile(
    'nodeId: yard\nhttp:\n  addr: 127.0.0.1:8081\nlog:\n  level: warn\ndemo:\n  enabled: false\n',
  );
  const a = loadConfig({ file, env: {} });
  t.equal(a.file, file);
  t.same(a.config.http.addr, { host: '127.0.0.1', port: 8081 });
  t.equal(a.config.log.level, 'warn');
  t.equal(a.config.demo.enabled, false);
  const b = loadConfig({ env: { EDGEGW_CONFIG: file, EDGEGW_LOG_LEVEL: 'error' } });
  t.equal(b.config.log.level, 'error');
  t.equal(b.config.nodeId, 'yard');
});

t.test('unreadable or malformed files are ConfigFileErrors', async (t) => {
  const e = errorOf(() => loadConfig({ file: '/nonexistent/edgegw.yaml', env: {} }));
  t.type(e, ConfigFileError);
  t.match(e.message, /not found/);
  const e2 = errorOf(() => loadConfig({ file: yamlFile('http: [unclosed\n'), env: {} }));
  t.match(e2.message, /not valid YAML/);
  const e3 = errorOf(() => loadConfig({ file: yamlFile('- a\n- b\n'), env: {} }));
  t.match(e3.message, /must be a YAML mapping/);
});

t.test('bad values for bool and enum keys', async (t) => {
  t.match(
    errorOf(() => loadConfig({ env: { EDGEGW_DEMO: 'maybe' } })).message,
    /^invalid config: demo\.enabled \(from EDGEGW_DEMO\)/,
  );
  t.match(errorOf(() => loadConfig({ env: { EDGEGW_LOG_LEVEL: 'loud' } })).message, /log\.level/);
  t.match(errorOf(() => loadConfig({ env: { EDGEGW_NODE_ID: 'a b' } })).message, /nodeId.*must be 1-64/);
});

t.test('streams: cameras by name from the YAML file', async (t) => {
  const file = yamlFile(
    'streams:\n  yard:\n    url: rtsp://admin:secret@192.0.2.7:554/stream1\n  gate:\n    url: rtsp://192.0.2.8/h264\n    transport: udp\n    onDemand: true\n',
  );
  const { config } = loadConfig({ file, env: {} });
  t.same(config.streams.yard, {
    url: 'rtsp://admin:secret@192.0.2.7:554/stream1',
    transport: 'tcp',
    onDemand: false,
  });
  t.same(config.streams.gate, { url: 'rtsp://192.0.2.8/h264', transport: 'udp', onDemand: true });
  t.same(loadConfig({ env: {} }).config.streams, {});
  t.match(
    errorOf(() => loadConfig({ file: yamlFile('streams:\n  yard:\n    url: http://x/\n'), env: {} })).message,
    /^invalid config: streams\.yard\.url .*: must be an rtsp:\/\/ or rtsps:\/\/ URL$/,
  );
  t.match(
    errorOf(() => loadConfig({ file: yamlFile('streams:\n  "bad name":\n    url: rtsp://x/\n'), env: {} }))
      .message,
    /streams/,
  );
  t.match(
    errorOf(() =>
      loadConfig({ file: yamlFile('streams:\n  yard:\n    url: rtsp://x/\n    transprt: udp\n'), env: {} }),
    ).message,
    /streams\.yard\.transprt .*unknown key/,
  );
});
