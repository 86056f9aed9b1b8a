import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import t from 'tap';
import { ProtoLoadError } from './errors.ts';
import { loadControlProtos, resolveProtoDir, serviceDefinition } from './proto-package.ts';

const here = path.dirname(fileURLToPath(import.meta.url));

function tree(t: { teardown(fn: () => void): void }): string {
  const dir = mkdtempSync(path.join(tmpdir(), 'edgegw-proto-'));
  t.teardown(() => rmSync(dir, { recursive: true, force: true }));
  return dir;
}

function writeProto(dir: string, file: string, text: string): void {
  mkdirSync(path.join(dir, 'edgegw', 'v1'), { recursive: true });
  writeFileSync(path.join(dir, 'edgegw', 'v1', file), text);
}

t.test('from source (tsx) the proto dir is proto/ next to the module', async (t) => {
  t.equal(resolveProtoDir(), path.join(here, 'proto'));
});

t.test('from dist/gateway/control/*.js without copied protos it falls back to the source tree', async (t) => {
  // A layout of our own: the real dist/ may or may not hold copied protos (npm run build copies them).
  const root = tree(t);
  writeProto(path.join(root, 'gateway', 'control', 'proto'), 'node_service.proto', 'syntax = "proto3";');
  const fromDist = pathToFileURL(path.join(root, 'dist', 'gateway', 'control', 'proto-package.js')).href;
  t.equal(resolveProtoDir(fromDist), path.join(root, 'gateway', 'control', 'proto'));
});

t.test('protos copied next to a dist module win over the source tree', async (t) => {
  const root = tree(t);
  const mod = path.join(root, 'dist', 'gateway', 'control');
  writeProto(path.join(mod, 'proto'), 'node_service.proto', 'syntax = "proto3";');
  writeProto(path.join(root, 'gateway', 'control', 'proto'), 'node_service.proto', 'syntax = "proto3";');
  t.equal(resolveProtoDir(pathToFileURL(path.join(mod, 'x.js')).href), path.join(mod, 'proto'));
});

t.test('no protos anywhere is a ProtoLoadError naming both places', async (t) => {
  const root = tree(t);
  const err = t.throws(
    () => resolveProtoDir(pathToFileURL(path.join(root, 'a', 'b', 'c', 'x.js')).href),
    ProtoLoadError,
  );
  t.match(err, { code: 'CONTROL_PROTO_LOAD', message: /node_service\.proto/ });
  t.match(err, {
    protoDir: new RegExp(
      `${path.join(root, 'a', 'b', 'c', 'proto')}.*${path.join(root, 'gateway', 'control', 'proto')}`,
    ),
  });
});

t.test('the shipped protos load: edgegw.v1 services, health, well-known types', async (t) => {
  const protos = loadControlProtos();
  t.same(protos.serviceNames, [
    'edgegw.v1.EventService',
    'edgegw.v1.NodeService',
    'edgegw.v1.SessionService',
    'edgegw.v1.StreamService',
  ]);
  t.ok(serviceDefinition(protos, 'grpc.health.v1.Health').Check, 'health loaded into the same definition');
  t.ok(protos.packageDefinition['google.protobuf.Duration'], 'Duration resolved without an include dir');
  t.ok(protos.packageDefinition['edgegw.v1.ListenProtocol'], 'shared file loaded');
  t.equal(serviceDefinition(protos, 'edgegw.v1.NodeService').GetInfo?.path, '/edgegw.v1.NodeService/GetInfo');
  t.throws(
    () => serviceDefinition(protos, 'edgegw.v1.GetInfoRequest'),
    ProtoLoadError,
    'a message is not a service',
  );
});

t.test('a broken or empty proto dir is a ProtoLoadError', async (t) => {
  const broken = tree(t);
  writeProto(broken, 'node_service.proto', 'syntax = "proto3"; package edgegw.v1; message {');
  t.throws(() => loadControlProtos(broken), {
    code: 'CONTROL_PROTO_LOAD',
    protoDir: broken,
    message: /cannot parse/,
  });
  const empty = tree(t);
  mkdirSync(path.join(empty, 'edgegw', 'v1'), { recursive: true });
  t.throws(() => loadControlProtos(empty), { code: 'CONTROL_PROTO_LOAD', message: /no \.proto files/ });
  t.throws(() => loadControlProtos(path.join(empty, 'missing')), {
    code: 'CONTROL_PROTO_LOAD',
    message: /cannot read/,
  });
});
