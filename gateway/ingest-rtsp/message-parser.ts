import { RtspError } from './errors.ts';
import { RtspHeaders } from './headers.ts';
import type { RtspMessage } from './message.ts';

/** Bounds on what one message may cost (hostile cameras must not grow memory). */
export interface MessageLimits {
  /** Start line plus headers plus the blank line; default 16 KiB. */
  maxHeaderBytes: number;
  /** Number of header lines; default 128. */
  maxHeaders: number;
  /** Content-Length; default 256 KiB (an SDP is a few hundred bytes). */
  maxBodyBytes: number;
}

export const DEFAULT_MESSAGE_LIMITS: MessageLimits = {
  maxHeaderBytes: 16 * 1024,
  maxHeaders: 128,
  maxBodyBytes: 256 * 1024,
};

/** The outcome of one parse attempt at the start of a buffer. */
export type MessageParse =
  | { status: 'message'; message: RtspMessage; consumed: number }
  /**
   * Not complete yet; `scanned` is where the next attempt may resume looking for the blank line;
   * `need` (once the headers are in) is how many bytes from `offset` the whole message takes.
   */
  | { status: 'more'; scanned: number; need?: number }
  | { status: 'error'; error: RtspError };

const LF = 0x0a;
const CR = 0x0d;
const decoder = new TextDecoder('utf-8', { fatal: false });

/** Response status line (RFC 2326 §7.1), tolerant: missing reason phrase, any 1.x/2.x version. */
const STATUS_LINE = /^(RTSP\/\d+\.\d+)[ \t]+(\d{3})(?:[ \t]+(.*))?$/;
/** Request line (§6.1): server-to-client requests exist (§10: ANNOUNCE, GET_PARAMETER, OPTIONS, …). */
const REQUEST_LINE = /^([!#$%&'*+\-.^_`|~0-9A-Za-z]+)[ \t]+(\S+)[ \t]+RTSP\/\d+\.\d+$/;
const HEADER_NAME = /^[!#$%&'*+\-.^_`|~0-9A-Za-z]+$/;

/**
 * Finds the end of the header section: the first empty line. Tolerates bare LF line ends
 * (RFC 2616 §19.3 asks recipients to), so it looks for LF (CR)? LF. Returns the offset just past it.
 */
function headerEnd(buf: Uint8Array, from: number, limit: number): number {
  const end = Math.min(buf.length, limit);
  for (let i = Math.max(from, 0); i < end; i++) {
    if (buf[i] !== LF) continue;
    if (buf[i + 1] === LF) return i + 2;
    if (buf[i + 1] === CR && buf[i + 2] === LF) return i + 3;
  }
  return -1;
}

/**
 * Parses one RTSP message (response or request) at `offset` in `buf`. Sans-IO and total: hostile
 * bytes give `{ status: 'error' }` with an `RtspError` (`RTSP_PARSE` or `RTSP_LIMIT`), never a throw.
 * The body is a view into `buf` (no copy).
 *
 * @example
 * const r = parseMessage(bytes);
 * if (r.status === 'message') console.log(r.message.kind, r.consumed);
 */
export function parseMessage(
  buf: Uint8Array,
  offset = 0,
  limits: MessageLimits = DEFAULT_MESSAGE_LIMITS,
  scanFrom = offset,
): MessageParse {
  const limit = offset + limits.maxHeaderBytes;
  // Start scanning one byte early: the terminator may straddle the previous attempt's end.
  const end = headerEnd(buf, Math.max(offset, scanFrom - 2), limit);
  if (end < 0) {
    // Fail early on a first line that cannot start an RTSP message (an HTTP server, binary junk).
    const firstLf = buf.indexOf(LF, offset);
    if (firstLf >= 0 && firstLf < limit) {
      const line = decoder.decode(buf.subarray(offset, firstLf)).replace(/\r$/, '');
      if (!STATUS_LINE.test(line) && !REQUEST_LINE.test(line)) {
        return err('RTSP_PARSE', `not an RTSP start line: ${JSON.stringify(line.slice(0, 40))}`, offset);
      }
    }
    if (buf.length >= limit) {
      return err('RTSP_LIMIT', `header section exceeds ${limits.maxHeaderBytes} bytes`, limit);
    }
    return { status: 'more', scanned: buf.length };
  }
  const text = decoder.decode(buf.subarray(offset, end));
  const lines = text.split(/\r?\n/);
  // Drop the two trailing empties produced by the blank line.
  while (lines.length > 0 && lines[lines.length - 1] === '') lines.pop();
  const first = lines[0] ?? '';
  const fields: Array<[string, string]> = [];
  let lineOffset = offset + Buffer.byteLength(first) + 1;
  for (let i = 1; i < lines.length; i++) {
    const line = lines[i] as string;
    const at = lineOffset;
    lineOffset += Buffer.byteLength(line) + 1;
    if (line.startsWith(' ') || line.startsWith('\t')) {
      // RFC 2616 §2.2 LWS: a continuation line folds into the previous header.
      const last = fields[fields.length - 1];
      if (!last) return err('RTSP_PARSE', 'continuation line before any header', at);
      last[1] = `${last[1]} ${line.trim()}`;
      continue;
    }
    const colon = line.indexOf(':');
    const name = colon > 0 ? line.slice(0, colon).trim() : '';
    if (!HEADER_NAME.test(name)) return err('RTSP_PARSE', `malformed header line`, at);
    if (fields.length >= limits.maxHeaders)
      return err('RTSP_LIMIT', `more than ${limits.maxHeaders} headers`, at);
    fields.push([name, line.slice(colon + 1).trim()]);
  }
  const headers = new RtspHeaders(fields);

  // RFC 2326 §12.14 / RFC 2616 §4.4: the body length comes from Content-Length only.
  const lengths = headers.getAll('content-length');
  let bodyLength = 0;
  if (lengths.length > 0) {
    const first = lengths[0] as string;
    if (!/^\d{1,10}$/.test(first) || lengths.some((l) => l !== first)) {
      return err(
        'RTSP_PARSE',
        `bad Content-Length ${JSON.stringify(lengths.join(', ').slice(0, 40))}`,
        offset,
      );
    }
    bodyLength = Number(first);
    if (bodyLength > limits.maxBodyBytes) {
      return err('RTSP_LIMIT', `Content-Length ${bodyLength} exceeds ${limits.maxBodyBytes}`, offset);
    }
  }
  // Headers are complete: tell the caller how many bytes to wait for before trying again.
  if (buf.length < end + bodyLength)
    return { status: 'more', scanned: offset, need: end + bodyLength - offset };
  const body = buf.subarray(end, end + bodyLength);
  const consumed = end + bodyLength - offset;

  const status = STATUS_LINE.exec(first);
  if (status) {
    return {
      status: 'message',
      consumed,
      message: {
        kind: 'response',
        version: status[1] as string,
        status: Number(status[2]),
        reason: status[3]?.trim() ?? '',
        headers,
        body,
      },
    };
  }
  const request = REQUEST_LINE.exec(first);
  if (request) {
    return {
      status: 'message',
      consumed,
      message: { kind: 'request', method: request[1] as string, uri: request[2] as string, headers, body },
    };
  }
  return err('RTSP_PARSE', `not an RTSP start line: ${JSON.stringify(first.slice(0, 40))}`, offset);
}

function err(code: 'RTSP_PARSE' | 'RTSP_LIMIT', message: string, offset: number): MessageParse {
  return { status: 'error', error: new RtspError(code, message, { offset }) };
}
