import { readFileSync } from 'node:fs';
import { isAbsolute, resolve } from 'node:path';
import { ConfigError } from './errors.ts';
import type { Config } from './schema.ts';

/**
 * The control plane's auth material, read from the files the config names. Structurally the
 * `auth` option of gateway/control's `startControlServer` (config does not import control).
 */
export interface GrpcAuthMaterial {
  readonly token?: string;
  readonly tls?: { readonly cert: Buffer; readonly key: Buffer; readonly clientCa?: Buffer };
  readonly insecure: boolean;
}

function readKey(key: string, file: string, cwd: string): Buffer {
  const p = isAbsolute(file) ? file : resolve(cwd, file);
  try {
    return readFileSync(p);
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code;
    const problem = code === 'ENOENT' ? `file ${p} not found` : `cannot read ${p} (${code ?? String(err)})`;
    throw new ConfigError(key, problem, undefined, { cause: err });
  }
}

/**
 * Reads `grpc.tokenFile` and the `grpc.tls.*` PEM files. Call at start-up, after loadConfig.
 *
 * @throws ConfigError naming the key whose file is missing, unreadable or empty.
 * @example
 * const control = await startControlServer({ ..., auth: readGrpcAuth(config.grpc) });
 */
export function readGrpcAuth(grpc: Config['grpc'], cwd: string = process.cwd()): GrpcAuthMaterial {
  let token = grpc.token;
  if (grpc.tokenFile !== undefined) {
    token = readKey('grpc.tokenFile', grpc.tokenFile, cwd).toString('utf8').trim();
    if (token === '') throw new ConfigError('grpc.tokenFile', `file ${grpc.tokenFile} is empty`);
  }
  const { cert, key, clientCa } = grpc.tls;
  const tls =
    cert !== undefined && key !== undefined
      ? {
          cert: readKey('grpc.tls.cert', cert, cwd),
          key: readKey('grpc.tls.key', key, cwd),
          ...(clientCa !== undefined ? { clientCa: readKey('grpc.tls.clientCa', clientCa, cwd) } : {}),
        }
      : undefined;
  return {
    ...(token !== undefined ? { token } : {}),
    ...(tls !== undefined ? { tls } : {}),
    insecure: grpc.insecure,
  };
}
