import type * as protoLoader from '@grpc/proto-loader';
import descriptor from 'protobufjs/ext/descriptor/index.js';
import type { IDescriptorProto, IFileDescriptorProto } from 'protobufjs/ext/descriptor/index.js';

/**
 * Fills the `dependency` list of the file descriptors that server reflection
 * hands out.
 *
 * proto-loader builds its descriptors from protobufjs, which merges each package
 * into one synthetic file (`edgegw_v1.proto`, `google_protobuf.proto`, …) and
 * leaves every file's `dependency` list empty (grpc/grpc-node#2595). A strict
 * reflection client such as grpcurl downloads `file_containing_symbol`, then
 * follows `dependency` with `file_by_filename`; with the list empty it never
 * fetches google/protobuf and fails on `.google.protobuf.Duration`
 * ("unresolvable reference"). This rewrites each file's list to the files that
 * define the types it references (fields, extensions, method input/output), so
 * `grpcurl describe` and `grpcurl … edgegw.v1.NodeService/GetInfo` work.
 *
 * Only the copy given to ReflectionService changes; services keep using the
 * original definition.
 */
export function withFileDependencies(def: protoLoader.PackageDefinition): protoLoader.PackageDefinition {
  const files = new Map<string, IFileDescriptorProto>();
  for (const entry of Object.values(def)) {
    for (const bytes of fileDescriptorProtos(entry)) {
      const file = decodeFile(bytes);
      if (file.name !== undefined && !files.has(file.name)) files.set(file.name, file);
    }
  }

  // Symbol index: fully-qualified name with a leading dot (".edgegw.v1.GetInfoResponse") -> file name.
  const symbols = new Map<string, string>();
  for (const [name, file] of files) {
    const scope = file.package ? `.${file.package}` : '';
    for (const m of file.messageType ?? []) indexMessage(m, scope, name, symbols);
    for (const e of file.enumType ?? []) symbols.set(`${scope}.${e.name ?? ''}`, name);
  }

  const encoded = new Map<string, Uint8Array>();
  for (const [name, file] of files) {
    const deps = new Set<string>();
    const scope = file.package ? `.${file.package}` : '';
    const refer = (typeName: string | undefined, from: string): void => {
      if (!typeName) return;
      const target = resolve(typeName, from, symbols);
      if (target !== undefined && target !== name) deps.add(target);
    };
    for (const m of file.messageType ?? []) visitMessage(m, scope, refer);
    for (const x of file.extension ?? []) {
      refer(x.typeName, scope);
      refer(x.extendee, scope);
    }
    for (const s of file.service ?? []) {
      for (const method of s.method ?? []) {
        refer(method.inputType, scope);
        refer(method.outputType, scope);
      }
    }
    const patched = { ...file, dependency: [...deps].sort() };
    encoded.set(
      name,
      descriptor.FileDescriptorProto.encode(descriptor.FileDescriptorProto.fromObject(patched)).finish(),
    );
  }

  const out: protoLoader.PackageDefinition = {};
  for (const [key, entry] of Object.entries(def)) {
    const fdps = fileDescriptorProtos(entry);
    if (fdps.length === 0) {
      out[key] = entry;
      continue;
    }
    const replaced = fdps.map((bytes) => {
      const name = decodeFile(bytes).name;
      return Buffer.from((name !== undefined ? encoded.get(name) : undefined) ?? bytes);
    });
    out[key] = { ...entry, fileDescriptorProtos: replaced } as protoLoader.AnyDefinition;
  }
  return out;
}

/** Messages and enums carry their files' descriptors; services do not. */
function fileDescriptorProtos(entry: protoLoader.AnyDefinition): Buffer[] {
  return 'fileDescriptorProtos' in entry && Array.isArray(entry.fileDescriptorProtos)
    ? entry.fileDescriptorProtos
    : [];
}

function decodeFile(bytes: Uint8Array): IFileDescriptorProto {
  const msg = descriptor.FileDescriptorProto.decode(bytes);
  return descriptor.FileDescriptorProto.toObject(msg, { arrays: true }) as IFileDescriptorProto;
}

function indexMessage(m: IDescriptorProto, scope: string, file: string, symbols: Map<string, string>): void {
  const full = `${scope}.${m.name ?? ''}`;
  symbols.set(full, file);
  for (const n of m.nestedType ?? []) indexMessage(n, full, file, symbols);
  for (const e of m.enumType ?? []) symbols.set(`${full}.${e.name ?? ''}`, file);
}

function visitMessage(
  m: IDescriptorProto,
  scope: string,
  refer: (typeName: string | undefined, from: string) => void,
): void {
  const full = `${scope}.${m.name ?? ''}`;
  for (const f of m.field ?? []) refer(f.typeName, full);
  for (const x of m.extension ?? []) {
    refer(x.typeName, full);
    refer(x.extendee, full);
  }
  for (const n of m.nestedType ?? []) visitMessage(n, full, refer);
}

/**
 * A type name as descriptors write it: absolute (".pkg.Type") or relative to
 * the scope it appears in, searched outward like protoc does.
 */
function resolve(typeName: string, from: string, symbols: Map<string, string>): string | undefined {
  if (typeName.startsWith('.')) return symbols.get(typeName);
  for (let scope = from; ; scope = scope.slice(0, scope.lastIndexOf('.'))) {
    const hit = symbols.get(`${scope}.${typeName}`);
    if (hit !== undefined || scope === '') return hit;
  }
}
