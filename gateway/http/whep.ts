import type { Context, Hono } from 'hono';
import { cors } from 'hono/cors';
import type { StatsReport } from '../webrtc/peer/index.ts';
import { bearerAuth } from './bearer-auth.ts';

/** An error from the backend that the HTTP layer maps by its stable `code`. */
interface CodedError {
  readonly code: string;
  readonly message: string;
}

/**
 * What WHEP (viewers) and WHIP (publishers) need from the gateway: sessions over its own WebRTC
 * stack. The two protocols share their HTTP shape (offer in, answer out, a session resource).
 */
export interface WhepBackend {
  /**
   * Creates a viewer of `stream` from the browser's offer and returns our answer. Throws errors with
   * codes: `STREAM_NOT_FOUND` (404), `SDP_*` (400: the offer cannot be negotiated), `SESSION_LIMIT` (503).
   */
  createSession(stream: string, offer: string): Promise<{ id: string; answer: string; etag: string }>;
  /** Ends a session; false when there is none with that id (already gone). */
  deleteSession(stream: string, id: string): boolean;
  /**
   * Trickled candidates (RFC 8840 sdpfrag): true (204), or false when there is no such session (404).
   * An ICE restart (a new ice-ufrag/ice-pwd, RFC 9725 §4.3.2) returns our new credentials as an
   * sdpfrag and the new ETag (200). Throws coded errors `ICE_RESTART_MALFORMED` (400), `PEER_STATE` (409).
   */
  patchSession(
    stream: string,
    id: string,
    sdpfrag: string,
  ): boolean | { readonly sdpfrag: string; readonly etag: string };
  /**
   * The session's W3C webrtc-stats shaped snapshot (`GET {location}/stats`); undefined when there is no
   * such session. Without it the route answers 404.
   */
  sessionStats?(stream: string, id: string): StatsReport | undefined;
  /** STUN/TURN servers advertised to clients in `Link` headers (WHEP §4.4); may be empty. */
  iceServers(): readonly { urls: string; username?: string; credential?: string }[];
}

/** Options of one WHEP or WHIP endpoint. */
export interface SdpEndpointOptions {
  /**
   * When set, `POST`, `PATCH` and `DELETE` need `Authorization: Bearer <token>` (WHEP §4.5, RFC 9725
   * §4.5; RFC 6750); `OPTIONS` stays open for CORS preflight. Wrong or missing: 401.
   */
  readonly token?: string | undefined;
}

/*
 * Status codes. An offer that is not a usable session description is 400 with the parser's reason.
 * An offer that is fine but shares no codec with the stream is 400 too (`SDP_NO_COMMON_CODEC`,
 * naming what was offered), not 406: 406 is proactive content negotiation on Accept* headers (RFC 9110
 * §15.5.7), which a WHEP/WHIP client does not send, and neither WHEP nor RFC 9725 assigns a code to a
 * failed SDP negotiation. An unknown stream is 404, a stream with a source already 409 (WHIP), the
 * node at its session limit 503.
 */
const STATUS_BY_CODE: Record<string, 400 | 404 | 409 | 503> = {
  STREAM_NOT_FOUND: 404,
  STREAM_BUSY: 409,
  ICE_RESTART_MALFORMED: 400,
  // A restart raced the session's end (ICE failed or closed meanwhile).
  PEER_STATE: 409,
  SESSION_LIMIT: 503,
};

function statusOf(err: unknown): 400 | 404 | 409 | 422 | 500 | 503 {
  const code = (err as Partial<CodedError>)?.code;
  if (typeof code !== 'string') return 500;
  if (code.startsWith('SDP_')) return 400;
  return STATUS_BY_CODE[code] ?? 500;
}

function linkHeader(servers: ReturnType<WhepBackend['iceServers']>): string | undefined {
  const links = servers.map((s) => {
    let l = `<${s.urls}>; rel="ice-server"`;
    if (s.username)
      l += `; username="${s.username}"; credential="${s.credential ?? ''}"; credential-type="password"`;
    return l;
  });
  return links.length > 0 ? links.join(', ') : undefined;
}

function problem(c: Context, status: 400 | 404 | 409 | 415 | 422 | 500 | 503, detail: string) {
  return c.body(JSON.stringify({ status, detail }), status, { 'content-type': 'application/problem+json' });
}

/** The backend's coded error as problem+json; anything uncoded is a 500 that reveals nothing. */
function errorProblem(c: Context, err: unknown) {
  const status = statusOf(err);
  return problem(c, status, status === 500 ? 'internal error' : (err as CodedError).message);
}

/**
 * WHEP (draft-ietf-wish-whep): `POST /whep/{stream}` with an SDP offer → 201 with the answer, a
 * `Location` for the session and an ETag; `DELETE` on the location ends it; `PATCH` with
 * `application/trickle-ice-sdpfrag` trickles candidates (RFC 8840); `OPTIONS` answers CORS preflight
 * and lists ICE servers in `Link` headers. CORS is open: players live on other origins.
 */
export function mountWhep(app: Hono, backend: WhepBackend, opts: SdpEndpointOptions = {}): void {
  mountSdpResource(app, '/whep', backend, opts);
}

/**
 * WHIP (RFC 9725): `POST /whip/{stream}` with a publisher's SDP offer → 201 with the answer and a
 * session `Location`; `DELETE` ends the publication. Same shape as WHEP, so the same routes serve it.
 */
export function mountWhip(app: Hono, backend: WhepBackend, opts: SdpEndpointOptions = {}): void {
  mountSdpResource(app, '/whip', backend, opts);
}

function mountSdpResource(
  app: Hono,
  prefix: '/whep' | '/whip',
  backend: WhepBackend,
  opts: SdpEndpointOptions,
): void {
  app.use(
    `${prefix}/*`,
    cors({
      origin: '*',
      allowMethods: ['GET', 'POST', 'PATCH', 'DELETE', 'OPTIONS'],
      allowHeaders: ['Content-Type', 'Authorization', 'If-Match'],
      exposeHeaders: ['Location', 'ETag', 'Link', 'Accept-Post', 'Accept-Patch', 'WWW-Authenticate'],
      maxAge: 600,
    }),
  );
  // After CORS, so a 401 still carries Access-Control-Allow-Origin and the player can read it.
  // The stats of a session need the same token as the session itself.
  if (opts.token !== undefined)
    app.use(`${prefix}/*`, bearerAuth(opts.token, ['GET', 'POST', 'PATCH', 'DELETE']));
  app.options(`${prefix}/:stream`, (c) => {
    const link = linkHeader(backend.iceServers());
    c.header('Accept-Post', 'application/sdp');
    if (link) c.header('Link', link);
    return c.body(null, 204);
  });
  app.post(`${prefix}/:stream`, async (c) => {
    const type = (c.req.header('content-type') ?? '').split(';')[0]?.trim().toLowerCase();
    if (type !== 'application/sdp') return problem(c, 415, 'the offer must be sent as application/sdp');
    const stream = c.req.param('stream');
    const offer = await c.req.text();
    try {
      const s = await backend.createSession(stream, offer);
      const link = linkHeader(backend.iceServers());
      c.header('Location', `${prefix}/${encodeURIComponent(stream)}/${s.id}`);
      c.header('ETag', s.etag);
      c.header('Accept-Patch', 'application/trickle-ice-sdpfrag');
      if (link) c.header('Link', link);
      return c.body(s.answer, 201, { 'content-type': 'application/sdp' });
    } catch (err) {
      return errorProblem(c, err);
    }
  });
  app.patch(`${prefix}/:stream/:id`, async (c) => {
    const type = (c.req.header('content-type') ?? '').split(';')[0]?.trim().toLowerCase();
    if (type !== 'application/trickle-ice-sdpfrag') {
      return problem(c, 415, 'PATCH takes application/trickle-ice-sdpfrag');
    }
    try {
      const r = backend.patchSession(c.req.param('stream'), c.req.param('id'), await c.req.text());
      if (r === false) return problem(c, 404, 'no such session');
      if (r === true) return c.body(null, 204);
      // ICE restart (RFC 9725 §4.3.2): 200 with our new ufrag/pwd and candidates, and a new ETag.
      c.header('ETag', r.etag);
      return c.body(r.sdpfrag, 200, { 'content-type': 'application/trickle-ice-sdpfrag' });
    } catch (err) {
      return errorProblem(c, err);
    }
  });
  // The session's getStats() as JSON (webrtc-stats names), for dashboards and tests; never cached.
  app.get(`${prefix}/:stream/:id/stats`, (c) => {
    const report = backend.sessionStats?.(c.req.param('stream'), c.req.param('id'));
    if (!report) return problem(c, 404, 'no such session');
    c.header('Cache-Control', 'no-store');
    return c.json(report);
  });
  app.delete(`${prefix}/:stream/:id`, (c) => {
    const ok = backend.deleteSession(c.req.param('stream'), c.req.param('id'));
    return ok ? c.body(null, 200) : problem(c, 404, 'no such session');
  });
}
