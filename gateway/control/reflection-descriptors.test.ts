import descriptor from 'protobufjs/ext/descriptor/index.js';
import type { IFileDescriptorProto } from 'protobufjs/ext/descriptor/index.js';
import t from 'tap';
import { loadControlProtos } from './proto-package.ts';
import { withFileDependencies } from './reflection-descriptors.ts';

function filesOf(def: ReturnType<typeof withFileDependencies>, key: string): IFileDescriptorProto[] {
  const entry = def[key];
  const fdps =
    entry !== undefined && 'fileDescriptorProtos' in entry ? entry.fileDescriptorProtos : undefined;
  if (!Array.isArray(fdps)) throw new Error(`${key} has no descriptors`);
  return fdps.map(
    (b: Buffer) =>
      descriptor.FileDescriptorProto.toObject(descriptor.FileDescriptorProto.decode(b), {
        arrays: true,
      }) as IFileDescriptorProto,
  );
}

t.test(
  'proto-loader leaves dependency lists empty; withFileDependencies fills them from type references',
  async (t) => {
    const { packageDefinition } = loadControlProtos();
    const before = filesOf(packageDefinition, 'edgegw.v1.GetInfoResponse');
    t.same(
      before.map((f) => [f.name, f.dependency]),
      [
        ['edgegw_v1.proto', []],
        ['google_protobuf.proto', []],
        ['grpc_health_v1.proto', []],
      ],
      'the upstream gap this works around (grpc/grpc-node#2595) is still there',
    );

    const fixed = withFileDependencies(packageDefinition);
    const after = filesOf(fixed, 'edgegw.v1.GetInfoResponse');
    t.same(
      after.map((f) => [f.name, f.dependency]),
      [
        ['edgegw_v1.proto', ['google_protobuf.proto']],
        ['google_protobuf.proto', []],
        ['grpc_health_v1.proto', []],
      ],
    );
    t.same(after[0]?.messageType, before[0]?.messageType, 'nothing else in the file changes');
    t.equal(
      fixed['edgegw.v1.NodeService'],
      packageDefinition['edgegw.v1.NodeService'],
      'services are passed through untouched',
    );
    t.not(
      fixed['edgegw.v1.GetInfoResponse'],
      packageDefinition['edgegw.v1.GetInfoResponse'],
      'the input is not mutated',
    );
    t.same(
      filesOf(packageDefinition, 'edgegw.v1.GetInfoResponse')[0]?.dependency,
      [],
      'the input is not mutated',
    );
  },
);
