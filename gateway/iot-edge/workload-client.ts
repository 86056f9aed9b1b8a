import { request, type RequestOptions } from 'node:http';
import { WorkloadRequestError, WorkloadResponseError } from './errors.ts';

/** Options of {@link WorkloadClient}. */
export interface WorkloadClientOptions {
  /** IOTEDGE_WORKLOADURI: `unix:///var/run/iotedge/workload.sock` or `http://host:port`. */
  readonly uri: string;
  /** IOTEDGE_APIVERSION, sent as `?api-version=`. */
  readonly apiVersion: string;
  readonly moduleId: string;
  readonly generationId: string;
  /** Per request (default 10 s). */
  readonly timeoutMs?: number;
}

/** Largest workload API answer read (a trust bundle of several CAs fits easily). */
const MAX_BODY = 1 << 20;

/**
 * The IoT Edge workload API (the security daemon's per-module HTTP API, over a unix socket):
 * signs with the module's key, which never leaves the daemon, and hands out the edge CA bundle
 * edgeHub's server certificate chains to.
 *
 * @example
 * const wl = new WorkloadClient({ uri: env.workloadUri, apiVersion: env.apiVersion, moduleId, generationId });
 * const digest = await wl.sign('hub%2Fdevices%2Fd%2Fmodules%2Fm\n1700000000');
 */
export class WorkloadClient {
  readonly #opts: WorkloadClientOptions;
  readonly #target: Pick<RequestOptions, 'socketPath' | 'host' | 'port'>;

  constructor(opts: WorkloadClientOptions) {
    this.#opts = opts;
    const url = new URL(opts.uri);
    this.#target =
      url.protocol === 'unix:'
        ? { socketPath: decodeURIComponent(url.pathname) }
        : { host: url.hostname, port: Number(url.port || 80) };
  }

  /**
   * HMAC-SHA256 of `data` (UTF-8) with the module's primary key:
   * `POST /modules/{moduleId}/genid/{generationId}/sign` with `{keyId, algo, data: base64}`.
   * Resolves with the base64 digest.
   */
  async sign(data: string): Promise<string> {
    const { moduleId, generationId } = this.#opts;
    const path = `/modules/${encodeURIComponent(moduleId)}/genid/${encodeURIComponent(generationId)}/sign`;
    const body = await this.#call('POST', path, {
      keyId: 'primary',
      algo: 'HMACSHA256',
      data: Buffer.from(data, 'utf8').toString('base64'),
    });
    const digest = (body as { digest?: unknown } | null)?.digest;
    if (typeof digest !== 'string' || !/^[A-Za-z0-9+/]+={0,2}$/.test(digest))
      throw new WorkloadResponseError(path, 'no base64 digest in the sign answer');
    return digest;
  }

  /** The edge CA certificates (PEM): `GET /trust-bundle`. */
  async trustBundle(): Promise<string> {
    const body = await this.#call('GET', '/trust-bundle', undefined);
    const pem = (body as { certificate?: unknown } | null)?.certificate;
    if (typeof pem !== 'string' || !pem.includes('-----BEGIN CERTIFICATE-----'))
      throw new WorkloadResponseError('/trust-bundle', 'no PEM certificate in the answer');
    return pem;
  }

  #call(method: 'GET' | 'POST', path: string, json: unknown): Promise<unknown> {
    const payload = json === undefined ? undefined : Buffer.from(JSON.stringify(json));
    const fullPath = `${path}?api-version=${encodeURIComponent(this.#opts.apiVersion)}`;
    return new Promise((resolve, reject) => {
      const req = request(
        {
          ...this.#target,
          method,
          path: fullPath,
          timeout: this.#opts.timeoutMs ?? 10_000,
          headers: {
            host: 'localhost',
            ...(payload ? { 'content-type': 'application/json', 'content-length': payload.length } : {}),
          },
        },
        (res) => {
          const chunks: Buffer[] = [];
          let size = 0;
          res.on('data', (c: Buffer) => {
            size += c.length;
            if (size > MAX_BODY) {
              req.destroy(new WorkloadResponseError(path, `answer larger than ${MAX_BODY} bytes`));
              return;
            }
            chunks.push(c);
          });
          res.on('end', () => {
            const text = Buffer.concat(chunks).toString('utf8');
            const status = res.statusCode ?? 0;
            if (status < 200 || status > 299) {
              reject(new WorkloadRequestError(path, status, `HTTP ${status} ${text.slice(0, 200)}`));
              return;
            }
            try {
              resolve(JSON.parse(text) as unknown);
            } catch (err) {
              reject(new WorkloadResponseError(path, 'answer is not JSON', { cause: err }));
            }
          });
          res.on('error', (err) =>
            reject(new WorkloadRequestError(path, status0(res.statusCode), err.message, { cause: err })),
          );
        },
      );
      req.on('timeout', () => req.destroy(new WorkloadRequestError(path, undefined, 'timed out')));
      req.on('error', (err) => {
        if (err instanceof WorkloadRequestError || err instanceof WorkloadResponseError) reject(err);
        else reject(new WorkloadRequestError(path, undefined, err.message, { cause: err }));
      });
      req.end(payload);
    });
  }
}

function status0(s: number | undefined): number | undefined {
  return s === 0 ? undefined : s;
}
