/**
 * A real grpc-js client for tests, typed without codegen: unary and server-stream calls on a
 * proto-loader service definition, and a grpc.reflection session like grpcurl's.
 */
import { createRequire } from 'node:module';
import path from 'node:path';
import * as grpc from '@grpc/grpc-js';
import * as protoLoader from '@grpc/proto-loader';
import type { ServiceDefinition } from '@grpc/proto-loader';
import { PROTO_LOADER_OPTIONS } from '../../gateway/control/index.ts';

export function service(def: protoLoader.PackageDefinition, name: string): ServiceDefinition {
  const s = def[name];
  if (s === undefined || 'format' in s) throw new Error(`no service ${name}`);
  return s;
}

export function method(def: ServiceDefinition, name: string): protoLoader.MethodDefinition<object, object> {
  const m = def[name];
  if (m === undefined) throw new Error(`no method ${name}`);
  return m;
}

export function unary<Res>(
  client: grpc.Client,
  svc: ServiceDefinition,
  name: string,
  req: object,
  md = new grpc.Metadata(),
): Promise<Res> {
  const m = method(svc, name);
  return new Promise((resolve, reject) => {
    client.makeUnaryRequest(m.path, m.requestSerialize, m.responseDeserialize, req, md, (err, res) =>
      err ? reject(err) : resolve(res as Res),
    );
  });
}

export function serverStream(
  client: grpc.Client,
  svc: ServiceDefinition,
  name: string,
  req: object,
): grpc.ClientReadableStream<object> {
  const m = method(svc, name);
  return client.makeServerStreamRequest(m.path, m.requestSerialize, m.responseDeserialize, req);
}

/** Resolves with the next `n` messages of a stream. */
export function take<T>(stream: NodeJS.EventEmitter, n: number): Promise<T[]> {
  return new Promise((resolve, reject) => {
    const got: T[] = [];
    const onData = (m: T): void => {
      got.push(m);
      if (got.length === n) {
        stream.off('data', onData);
        stream.off('error', reject);
        resolve(got);
      }
    };
    stream.on('data', onData);
    stream.once('error', reject);
  });
}

export function statusOf(err: unknown): { code: number; details: string } {
  if (typeof err === 'object' && err !== null && 'code' in err && 'details' in err) {
    return { code: Number(err.code), details: String(err.details) };
  }
  throw new Error(`not a gRPC status: ${String(err)}`);
}

const reflectionRoot = path.resolve(
  path.dirname(createRequire(import.meta.url).resolve('@grpc/reflection')),
  '..',
  'proto',
);

/** Encodes a FileDescriptorSet (field 1: repeated bytes file) from encoded FileDescriptorProtos. */
export function fileDescriptorSet(files: readonly Uint8Array[]): Buffer {
  const parts: Buffer[] = [];
  for (const f of files) {
    const len: number[] = [];
    let n = f.length;
    do {
      len.push((n & 0x7f) | (n > 0x7f ? 0x80 : 0));
      n >>>= 7;
    } while (n > 0);
    parts.push(Buffer.from([0x0a, ...len]), Buffer.from(f));
  }
  return Buffer.concat(parts);
}

export interface ReflectionResponse {
  messageResponse: string;
  listServicesResponse?: { service: { name: string }[] };
  fileDescriptorResponse?: { fileDescriptorProto: Buffer[] };
  errorResponse?: { errorCode: number; errorMessage: string };
}

/** Reads name (1) and dependency (3) of an encoded FileDescriptorProto: just enough to follow imports. */
export function fileNameAndDeps(bytes: Uint8Array): { name: string; deps: string[] } {
  let name = '';
  const deps: string[] = [];
  let i = 0;
  const varint = (): number => {
    let v = 0;
    let shift = 0;
    for (;;) {
      const b = bytes[i++] ?? 0;
      v += (b & 0x7f) * 2 ** shift;
      if (b < 0x80) return v;
      shift += 7;
    }
  };
  while (i < bytes.length) {
    const key = varint();
    const wire = key & 7;
    if (wire === 0) varint();
    else if (wire === 1) i += 8;
    else if (wire === 5) i += 4;
    else if (wire === 2) {
      const len = varint();
      const field = key >>> 3;
      const text = Buffer.from(bytes.subarray(i, i + len)).toString();
      if (field === 1) name = text;
      if (field === 3) deps.push(text);
      i += len;
    } else throw new Error(`unexpected wire type ${wire}`);
  }
  return { name, deps };
}

/** A reflection session over one bidi stream: one request, one response, in order. */
export function reflectionSession(client: grpc.Client, version: 'v1' | 'v1alpha') {
  const def = protoLoader.loadSync(`grpc/reflection/${version}/reflection.proto`, {
    ...PROTO_LOADER_OPTIONS,
    includeDirs: [reflectionRoot],
  });
  const m = method(service(def, `grpc.reflection.${version}.ServerReflection`), 'ServerReflectionInfo');
  const call = client.makeBidiStreamRequest(m.path, m.requestSerialize, m.responseDeserialize);
  call.on('error', () => {}); // a pending ask() rejects through take(); later errors (server closing) are expected
  return {
    async ask(req: object): Promise<ReflectionResponse> {
      const reply = take<ReflectionResponse>(call, 1);
      call.write(req);
      const [res] = await reply;
      if (res === undefined) throw new Error('no reflection reply');
      return res;
    },
    end(): void {
      call.end();
    },
  };
}
