import { serve, type ServerType } from '@hono/node-server';
import type { AddressInfo } from 'node:net';
import type { Hono } from 'hono';

/** A listening HTTP server. */
export interface HttpServer {
  /** The bound address, `host:port` (the real port when 0 was asked). */
  readonly address: string;
  readonly port: number;
  /** Stops accepting, ends idle keep-alive connections, and waits up to `graceMs` for the rest. */
  close(graceMs?: number): Promise<void>;
}

/** Errors while binding the HTTP port (in use, no permission), with the address tried. */
export class HttpListenError extends Error {
  readonly code = 'HTTP_LISTEN';
  constructor(addr: string, options: { cause: unknown }) {
    super(`cannot listen for HTTP on ${addr}: ${(options.cause as Error).message}`, options);
    this.name = 'HttpListenError';
  }
}

/**
 * Serves a Hono app on `host:port` with @hono/node-server.
 *
 * @example
 * const srv = await startHttpServer(app, '127.0.0.1', 0);
 * await fetch(`http://${srv.address}/healthz`);
 */
export function startHttpServer(app: Hono, host: string, port: number): Promise<HttpServer> {
  return new Promise((resolve, reject) => {
    let server: ServerType | undefined = undefined;
    const onError = (err: Error) => reject(new HttpListenError(`${host}:${port}`, { cause: err }));
    server = serve({ fetch: app.fetch, hostname: host, port }, (info: AddressInfo) => {
      const s = server as ServerType;
      s.off('error', onError);
      const addrHost = info.family === 'IPv6' ? `[${info.address}]` : info.address;
      resolve({
        address: `${addrHost}:${info.port}`,
        port: info.port,
        close: (graceMs = 3000) =>
          new Promise<void>((done) => {
            const timer = setTimeout(() => {
              if ('closeAllConnections' in s) s.closeAllConnections();
            }, graceMs);
            timer.unref();
            s.close(() => {
              clearTimeout(timer);
              done();
            });
            if ('closeIdleConnections' in s) s.closeIdleConnections();
          }),
      });
    });
    server.once('error', onError);
  });
}
