import { Hono } from 'hono';
import { cors } from 'hono/cors';
import { playerPage } from './pages/player.ts';
import { mountWhep, mountWhip, type WhepBackend } from './whep.ts';

/** What the HTTP layer asks of the rest of the gateway; it imports no other module's internals. */
export interface HttpDeps {
  /** Liveness: the process is up and its event loop answers. */
  live(): boolean;
  /** Readiness: every part is listening and the node accepts viewers; the reasons when not. */
  ready(): { ready: boolean; reasons: string[] };
  /** Prometheus text exposition of the gateway's metrics. */
  metrics(): Promise<string>;
  /** Shown on the root page. */
  readonly version: string;
  readonly nodeId: string;
  /** Viewer sessions for WHEP; without it the WHEP routes are not mounted. */
  readonly whep?: WhepBackend;
  /** Publisher sessions for WHIP; without it the WHIP routes are not mounted. */
  readonly whip?: WhepBackend;
  /** Bearer token WHEP's POST/PATCH/DELETE require (`http.whepToken`); unset: open. */
  readonly whepToken?: string | undefined;
  /** Bearer token WHIP's POST/PATCH/DELETE require (`http.whipToken`); unset: open. */
  readonly whipToken?: string | undefined;
  /** The streams for `GET /api/streams` (name, codecs, size, bitrate, viewers). */
  streams?(): readonly StreamSummary[];
}

/** One stream as `GET /api/streams` lists it. Public interface: players and scripts read it. */
export interface StreamSummary {
  readonly name: string;
  readonly video:
    | {
        codec: string;
        width?: number;
        height?: number;
        fps?: number;
        /** B-frames seen in the camera's stream; `warning` says why it matters. */
        bFrames?: boolean;
        warning?: string;
      }
    | undefined;
  /** `relayed: false` with a `reason` when the source has audio viewers do not get (AAC). */
  readonly audio: { codec: string; clockRate: number; relayed?: boolean; reason?: string } | undefined;
  /** Bits per second over the last seconds. */
  readonly bitrate: number;
  readonly viewers: number;
  /** Source state: starting, online, offline, retrying. */
  readonly state?: string;
  /** Why the source is not online (never contains credentials). */
  readonly reason?: string;
  /** An RTSP camera's own view: connecting, live or retrying (attempt, last error), transport. */
  readonly source?: {
    kind: 'rtsp';
    url: string;
    status: string;
    transport: string;
    attempt?: number;
    retryInMs?: number;
    lastError?: { code: string; message: string };
  };
}

/**
 * The gateway's Hono app: probes for orchestrators (`/healthz`, `/readyz`), `/metrics` for
 * Prometheus, and the root page. WHEP/WHIP, the REST API and the player mount here as they land.
 *
 * @example
 * const app = createHttpApp(deps);
 * const res = await app.request('/healthz'); // 200
 */
export function createHttpApp(deps: HttpDeps): Hono {
  const app = new Hono();
  app.get('/healthz', (c) => (deps.live() ? c.json({ status: 'ok' }) : c.json({ status: 'down' }, 503)));
  app.get('/readyz', (c) => {
    const r = deps.ready();
    return c.json({ status: r.ready ? 'ready' : 'not ready', reasons: r.reasons }, r.ready ? 200 : 503);
  });
  app.get('/metrics', async (c) => {
    const text = await deps.metrics();
    return c.body(text, 200, { 'content-type': 'text/plain; version=0.0.4; charset=utf-8' });
  });
  if (deps.whep) mountWhep(app, deps.whep, { token: deps.whepToken });
  if (deps.whip) mountWhip(app, deps.whip, { token: deps.whipToken });
  app.use('/api/*', cors({ origin: '*' }));
  app.get('/api/streams', (c) => c.json({ streams: deps.streams?.() ?? [] }));
  app.get('/', (c) => c.html(playerPage({ version: deps.version, nodeId: deps.nodeId })));
  return app;
}
