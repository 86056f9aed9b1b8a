import { existsSync, readdirSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import * as protoLoader from '@grpc/proto-loader';
import type { ServiceDefinition } from '@grpc/proto-loader';
import { protoPath as healthProtoPath } from 'grpc-health-check';
import { ProtoLoadError } from './errors.ts';

/** The protobuf package every control-plane service lives in. */
export const CONTROL_PACKAGE = 'edgegw.v1';

/** The health service's fully-qualified name (grpc.health.v1). */
export const HEALTH_SERVICE = 'grpc.health.v1.Health';

/** Path of the package's files inside the proto directory (buf module layout). */
const PACKAGE_SUBDIR = path.join('edgegw', 'v1');

/** A file that must exist in a proto directory for it to count as the real one. */
const MARKER = path.join(PACKAGE_SUBDIR, 'node_service.proto');

/**
 * proto-loader options shared by the server and by tests' clients, so both see
 * the same JS shapes: camelCase fields, int64 as decimal strings, enums as their
 * names, defaults filled in, and a virtual field naming each oneof's set member.
 */
export const PROTO_LOADER_OPTIONS: protoLoader.Options = {
  keepCase: false,
  longs: String,
  enums: String,
  defaults: true,
  oneofs: true,
};

/**
 * Finds the directory holding `edgegw/v1/*.proto`.
 *
 * `tsc -p tsconfig.build.json` copies no `.proto` files, so the directory is
 * looked for in two places relative to this module:
 *   1. `proto/` next to it: `gateway/control/proto` when run from source with tsx,
 *      or `dist/gateway/control/proto` when a build step copied the protos there;
 *   2. `../../../gateway/control/proto`: from `dist/gateway/control/` back to the
 *      source tree, for a build that ships dist/ beside the repository's gateway/.
 * An image that ships only dist/ must copy `gateway/control/proto` to
 * `dist/gateway/control/proto` (or pass `protoDir` explicitly).
 *
 * @param moduleUrl the URL of the module to resolve from (tests pass a fake one).
 * @throws ProtoLoadError naming every directory tried when none holds the protos.
 */
export function resolveProtoDir(moduleUrl: string = import.meta.url): string {
  const here = path.dirname(fileURLToPath(moduleUrl));
  const candidates = [
    path.join(here, 'proto'),
    path.resolve(here, '..', '..', '..', 'gateway', 'control', 'proto'),
  ];
  for (const dir of candidates) {
    if (existsSync(path.join(dir, MARKER))) return dir;
  }
  throw new ProtoLoadError(
    candidates.join(', '),
    `edgegw.v1 protos not found (looked for ${MARKER} in ${candidates.join(' and ')})`,
  );
}

/** The loaded control-plane protos: one package definition covering edgegw.v1 and grpc.health.v1. */
export interface ControlProtos {
  /** The directory the edgegw.v1 files were read from. */
  readonly protoDir: string;
  /** proto-loader's definition of every loaded file (edgegw.v1, grpc.health.v1, well-known types). */
  readonly packageDefinition: protoLoader.PackageDefinition;
  /** Fully-qualified names of the edgegw.v1 services found, sorted. */
  readonly serviceNames: readonly string[];
}

/**
 * Loads every `edgegw/v1/*.proto` in `protoDir` plus the grpc.health.v1 proto
 * that grpc-health-check ships, so that one package definition feeds both the
 * service registrations and server reflection. Files are loaded by their path
 * relative to an include dir (`edgegw/v1/node_service.proto`), so the names that
 * reflection reports match the `import` lines. Well-known types
 * (`google/protobuf/*.proto`) come bundled with protobufjs.
 *
 * @example
 * const { packageDefinition, serviceNames } = loadControlProtos();
 * serviceNames; // ['edgegw.v1.NodeService']
 */
export function loadControlProtos(protoDir: string = resolveProtoDir()): ControlProtos {
  let files: string[];
  try {
    files = readdirSync(path.join(protoDir, PACKAGE_SUBDIR))
      .filter((f) => f.endsWith('.proto'))
      .sort()
      .map((f) => `edgegw/v1/${f}`);
  } catch (cause) {
    throw new ProtoLoadError(protoDir, `cannot read ${path.join(protoDir, PACKAGE_SUBDIR)}`, { cause });
  }
  if (files.length === 0)
    throw new ProtoLoadError(protoDir, `no .proto files in ${path.join(protoDir, PACKAGE_SUBDIR)}`);

  // grpc-health-check's protoPath is <root>/health/v1/health.proto; load it relative to <root>.
  const healthRoot = path.resolve(path.dirname(healthProtoPath), '..', '..');
  const healthFile = path.relative(healthRoot, healthProtoPath).split(path.sep).join('/');

  let packageDefinition: protoLoader.PackageDefinition;
  try {
    packageDefinition = protoLoader.loadSync([...files, healthFile], {
      ...PROTO_LOADER_OPTIONS,
      includeDirs: [protoDir, healthRoot],
    });
  } catch (cause) {
    const detail = cause instanceof Error ? `: ${cause.message}` : '';
    throw new ProtoLoadError(protoDir, `cannot parse edgegw.v1 protos${detail}`, { cause });
  }
  const serviceNames = Object.keys(packageDefinition)
    .filter((name) => name.startsWith(`${CONTROL_PACKAGE}.`) && isService(packageDefinition[name]))
    .sort();
  return { protoDir, packageDefinition, serviceNames };
}

/**
 * The definition of one service, by fully-qualified name.
 *
 * @throws ProtoLoadError when the package has no such service.
 */
export function serviceDefinition(protos: ControlProtos, name: string): ServiceDefinition {
  const def = protos.packageDefinition[name];
  if (!isService(def))
    throw new ProtoLoadError(protos.protoDir, `service ${name} is not defined in the loaded protos`);
  return def;
}

/** Messages and enums carry a `format` field; services are maps of method definitions. */
function isService(def: protoLoader.AnyDefinition | undefined): def is ServiceDefinition {
  return def !== undefined && !('format' in def);
}
