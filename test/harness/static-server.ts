/**
 * A tiny page server on 127.0.0.1 and a port of its own: another origin than the gateway, for pages
 * that post a WHEP offer cross-origin, or for test pages a browser loads.
 */
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import { extname } from 'node:path';
import { LOOPBACK } from './ports.ts';
import type { Teardown } from './process.ts';

export type StaticRoute =
  | string
  | Uint8Array
  | { body: string | Uint8Array; type?: string; status?: number; headers?: Record<string, string> }
  | ((req: IncomingMessage, res: ServerResponse) => void);

export interface StaticServer {
  /** `http://127.0.0.1:PORT` */
  origin: string;
  port: number;
  /** `origin + path` */
  url(path?: string): string;
  /** Requests served so far, as `METHOD path`. */
  requests: string[];
  close(): Promise<void>;
}

const TYPES: Record<string, string> = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.mjs': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.json': 'application/json',
  '.svg': 'image/svg+xml',
  '.txt': 'text/plain; charset=utf-8',
};

/**
 * Serves `routes` (exact path → content; a path without extension is served as HTML); 404 otherwise.
 * @example
 * const pages = await serveStatic(t, { '/': '<script>…fetch(whepUrl, { method: "POST" })…</script>' });
 * await page.goto(pages.url('/'));
 */
export async function serveStatic(
  t: Teardown | undefined,
  routes: Record<string, StaticRoute>,
): Promise<StaticServer> {
  const requests: string[] = [];
  const server = createServer((req, res) => {
    const path = new URL(req.url ?? '/', 'http://x').pathname;
    requests.push(`${req.method ?? 'GET'} ${path}`);
    const route = routes[path];
    if (route === undefined) {
      res.writeHead(404, { 'content-type': 'text/plain' }).end('not found');
      return;
    }
    if (typeof route === 'function') {
      route(req, res);
      return;
    }
    const spec = typeof route === 'string' || route instanceof Uint8Array ? { body: route } : route;
    res.writeHead(spec.status ?? 200, {
      'content-type': spec.type ?? TYPES[extname(path)] ?? TYPES['.html'],
      'cache-control': 'no-store',
      ...spec.headers,
    });
    res.end(spec.body);
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(0, LOOPBACK, () => resolve());
  });
  const address = server.address();
  const port = typeof address === 'object' && address ? address.port : 0;
  let closing: Promise<void> | undefined;
  const close = (): Promise<void> =>
    (closing ??= new Promise<void>((resolve) => {
      server.closeAllConnections();
      server.close(() => resolve());
    }));
  t?.teardown(close);
  const origin = `http://${LOOPBACK}:${port}`;
  return { origin, port, url: (path = '/') => origin + path, requests, close };
}
