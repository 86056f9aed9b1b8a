import { RtspHeaders } from './headers.ts';

/**
 * An RTSP request (RFC 2326 §6):
 *
 * ```
 * Request = Request-Line            ; Method SP Request-URI SP RTSP-Version CRLF
 *           *( general-header | request-header | entity-header )
 *           CRLF
 *           [ message-body ]
 * ```
 */
export interface RtspRequest {
  kind: 'request';
  method: string;
  uri: string;
  headers: RtspHeaders;
  body: Uint8Array;
}

/**
 * An RTSP response (RFC 2326 §7):
 *
 * ```
 * Response = Status-Line            ; RTSP-Version SP Status-Code SP Reason-Phrase CRLF
 *            *( general-header | response-header | entity-header )
 *            CRLF
 *            [ message-body ]
 * ```
 */
export interface RtspResponse {
  kind: 'response';
  /** e.g. `RTSP/1.0` */
  version: string;
  status: number;
  reason: string;
  headers: RtspHeaders;
  body: Uint8Array;
}

/** What the control stream carries: replies to our requests, and (rarely) requests from the server (§10). */
export type RtspMessage = RtspRequest | RtspResponse;

export const RTSP_VERSION = 'RTSP/1.0';

const EMPTY = new Uint8Array(0);

/**
 * Builds a request; `headers` may be a plain object (undefined values are left out).
 *
 * @example
 * const req = rtspRequest('OPTIONS', 'rtsp://cam/stream', { CSeq: '1', 'User-Agent': 'edge-gateway' });
 */
export function rtspRequest(
  method: string,
  uri: string,
  headers: RtspHeaders | Record<string, string | undefined> = {},
  body: Uint8Array = EMPTY,
): RtspRequest {
  return {
    kind: 'request',
    method,
    uri,
    headers: headers instanceof RtspHeaders ? headers : new RtspHeaders(headers),
    body,
  };
}

/** Builds a response (for tests, fake servers and replies to server-sent requests). */
export function rtspResponse(
  status: number,
  reason: string,
  headers: RtspHeaders | Record<string, string | undefined> = {},
  body: Uint8Array = EMPTY,
): RtspResponse {
  return {
    kind: 'response',
    version: RTSP_VERSION,
    status,
    reason,
    headers: headers instanceof RtspHeaders ? headers : new RtspHeaders(headers),
    body,
  };
}

/** The body as text (SDP, parameters). */
export function bodyText(msg: RtspMessage): string {
  return new TextDecoder().decode(msg.body);
}
