import { readFileSync } from 'node:fs';
import * as grpc from '@grpc/grpc-js';
import type { ServiceDefinition } from '@grpc/proto-loader';
import { loadControlProtos, serviceDefinition } from '../proto-package.ts';
import type { ControlProtos } from '../proto-package.ts';
import { CliUsageError } from './cli-errors.ts';

/** How to reach and authenticate to a gateway. */
export interface ConnectionFlags {
  readonly addr: string;
  readonly token?: string | undefined;
  readonly tokenFile?: string | undefined;
  /** Use TLS (with `ca`, or the system roots). Implied by `ca`, `cert` or `key`. */
  readonly tls?: boolean | undefined;
  /** PEM file: CA that signed the gateway's certificate. */
  readonly ca?: string | undefined;
  /** PEM files: client certificate and key for mTLS. */
  readonly cert?: string | undefined;
  readonly key?: string | undefined;
}

/** A connected client with the edgegw.v1 protos, calling by service and method name. */
export interface CliConnection {
  unary<Res>(service: string, method: string, request: object): Promise<Res>;
  stream<Res>(service: string, method: string, request: object): grpc.ClientReadableStream<Res>;
  close(): void;
}

function readFlagFile(flag: string, file: string): Buffer {
  try {
    return readFileSync(file);
  } catch (err) {
    throw new CliUsageError(`${flag} ${file}: ${(err as NodeJS.ErrnoException).code ?? String(err)}`, {
      cause: err,
    });
  }
}

/** Bearer token from --token, --token-file, EDGEGW_GRPC_TOKEN or EDGEGW_GRPC_TOKEN_FILE. */
export function resolveToken(flags: ConnectionFlags, env: NodeJS.ProcessEnv): string | undefined {
  if (flags.token !== undefined) return flags.token;
  const file = flags.tokenFile ?? env.EDGEGW_GRPC_TOKEN_FILE;
  if (file !== undefined && file !== '') return readFlagFile('--token-file', file).toString('utf8').trim();
  const fromEnv = env.EDGEGW_GRPC_TOKEN;
  return fromEnv === undefined || fromEnv === '' ? undefined : fromEnv;
}

/**
 * Opens a grpc-js client for the CLI: plaintext unless TLS flags are given; the token, if any,
 * goes in `authorization: Bearer` on every call (over plaintext only to loopback is sensible).
 */
export function connect(
  flags: ConnectionFlags,
  env: NodeJS.ProcessEnv,
  protos?: ControlProtos,
): CliConnection {
  if ((flags.cert === undefined) !== (flags.key === undefined))
    throw new CliUsageError('--cert and --key go together (mTLS client certificate)');
  const useTls = flags.tls === true || flags.ca !== undefined || flags.cert !== undefined;
  const creds = useTls
    ? grpc.credentials.createSsl(
        flags.ca === undefined ? null : readFlagFile('--ca', flags.ca),
        flags.key === undefined ? null : readFlagFile('--key', flags.key),
        flags.cert === undefined ? null : readFlagFile('--cert', flags.cert),
      )
    : grpc.credentials.createInsecure();
  const token = resolveToken(flags, env);
  // Per-call metadata (grpc-js refuses call credentials on plaintext channels).
  const perCall = new grpc.Metadata();
  if (token !== undefined) perCall.set('authorization', `Bearer ${token}`);
  const loaded = protos ?? loadControlProtos();
  const client = new grpc.Client(flags.addr, creds);
  const defs = new Map<string, ServiceDefinition>();
  const methodOf = (service: string, name: string) => {
    let def = defs.get(service);
    if (def === undefined) {
      def = serviceDefinition(loaded, `edgegw.v1.${service}`);
      defs.set(service, def);
    }
    const m = def[name];
    if (m === undefined) throw new CliUsageError(`no method ${service}.${name}`);
    return m;
  };
  return {
    unary<Res>(service: string, method: string, request: object): Promise<Res> {
      const m = methodOf(service, method);
      return new Promise((resolve, reject) => {
        client.makeUnaryRequest(
          m.path,
          m.requestSerialize,
          m.responseDeserialize,
          request,
          perCall.clone(),
          (err, res) => (err ? reject(err) : resolve(res as Res)),
        );
      });
    },
    stream<Res>(service: string, method: string, request: object): grpc.ClientReadableStream<Res> {
      const m = methodOf(service, method);
      return client.makeServerStreamRequest(
        m.path,
        m.requestSerialize,
        m.responseDeserialize,
        request,
        perCall.clone(),
      ) as grpc.ClientReadableStream<Res>;
    },
    close: () => client.close(),
  };
}
