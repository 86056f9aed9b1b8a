/**
 * Stable error codes of the RTSP client. Callers switch on `code`.
 *
 * Codec errors (the framer and the message parser count and drop them, then resynchronise):
 * - `RTSP_PARSE`: a start line, header line or Content-Length the parser cannot read.
 * - `RTSP_LIMIT`: a header section, header count or body larger than the configured bound.
 * - `RTSP_ENCODE`: a request cannot be serialised (CR/LF or a bad token in a method, URI or header).
 *
 * Session errors (a source fails, says why, and retries with backoff):
 * - `RTSP_AUTH_FAILED`: the camera refused the credentials (or none were given) after a 401.
 * - `RTSP_NOT_FOUND`: 404 on the URL (wrong path / stream name).
 * - `RTSP_STATUS`: any other non-2xx reply to a request.
 * - `RTSP_TIMEOUT`: no reply to a request, no connection, or no RTP (silence) in time.
 * - `RTSP_PROTOCOL`: a reply that breaks the protocol (bad CSeq, no Session, unusable Transport,
 *   hostile bytes on the control stream).
 * - `RTSP_SDP`: the DESCRIBE body is not usable SDP or offers no track.
 * - `RTSP_REDIRECT_LIMIT`: too many 3xx redirects (or one without Location).
 * - `RTSP_BAD_URL`: the URL is not `rtsp://host[:port]/…`.
 * - `RTSP_CONNECT`: the TCP connection failed (refused, reset, DNS).
 * - `RTSP_EOF`: the camera closed the connection.
 * - `RTSP_CLOSED`: the client was closed (by `close()` or an AbortSignal).
 * - `RTSP_ILLEGAL_TRANSITION`: a session state machine bug: a transition the diagram does not have.
 */
export type RtspErrorCode =
  | 'RTSP_PARSE'
  | 'RTSP_LIMIT'
  | 'RTSP_ENCODE'
  | 'RTSP_AUTH_FAILED'
  | 'RTSP_NOT_FOUND'
  | 'RTSP_STATUS'
  | 'RTSP_TIMEOUT'
  | 'RTSP_PROTOCOL'
  | 'RTSP_SDP'
  | 'RTSP_REDIRECT_LIMIT'
  | 'RTSP_BAD_URL'
  | 'RTSP_CONNECT'
  | 'RTSP_EOF'
  | 'RTSP_CLOSED'
  | 'RTSP_ILLEGAL_TRANSITION';

/**
 * The one error class the RTSP module throws or reports. `offset` is the byte offset in the parsed
 * message where a codec error applies; `status` is the RTSP status code for reply errors. Messages
 * never contain credentials (URLs go through `maskUrl`).
 */
export class RtspError extends Error {
  readonly code: RtspErrorCode;
  readonly offset: number | undefined;
  readonly status: number | undefined;
  constructor(
    code: RtspErrorCode,
    message: string,
    options?: { offset?: number; status?: number; cause?: unknown },
  ) {
    super(options?.offset === undefined ? message : `${message} (at byte ${options.offset})`, {
      cause: options?.cause,
    });
    this.name = 'RtspError';
    this.code = code;
    this.offset = options?.offset;
    this.status = options?.status;
  }
}

/** Wraps anything thrown into an RtspError with `code` (an RtspError passes through unchanged). */
export function toRtspError(err: unknown, code: RtspErrorCode, message: string): RtspError {
  if (err instanceof RtspError) return err;
  const detail = err instanceof Error ? `: ${err.message}` : '';
  return new RtspError(code, `${message}${detail}`, { cause: err });
}
