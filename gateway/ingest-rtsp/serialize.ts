import { RtspError } from './errors.ts';
import type { RtspMessage, RtspRequest, RtspResponse } from './message.ts';
import { RTSP_VERSION } from './message.ts';

const encoder = new TextEncoder();
/** RFC 2616 §2.2 token: what a method or header name may contain. */
const TOKEN = /^[!#$%&'*+\-.^_`|~0-9A-Za-z]+$/;
const CRLF_OR_NUL = /[\r\n\0]/;

function checkText(what: string, value: string, pattern?: RegExp): void {
  // A CR or LF in a value would let it smuggle headers or a whole request (header injection).
  if (CRLF_OR_NUL.test(value) || (pattern && !pattern.test(value))) {
    throw new RtspError('RTSP_ENCODE', `invalid ${what}: ${JSON.stringify(value.slice(0, 40))}`);
  }
}

function serialize(startLine: string, msg: RtspMessage): Uint8Array {
  let head = `${startLine}\r\n`;
  let hasLength = false;
  for (const [name, value] of msg.headers) {
    checkText('header name', name, TOKEN);
    checkText(`value of ${name}`, value);
    if (name.toLowerCase() === 'content-length') {
      hasLength = true;
      if (Number(value) !== msg.body.length) {
        throw new RtspError(
          'RTSP_ENCODE',
          `Content-Length ${value} disagrees with a ${msg.body.length}-byte body`,
        );
      }
    }
    head += `${name}: ${value}\r\n`;
  }
  // RFC 2326 §12.14: a message with a body MUST carry Content-Length.
  if (msg.body.length > 0 && !hasLength) head += `Content-Length: ${msg.body.length}\r\n`;
  head += '\r\n';
  const h = encoder.encode(head);
  if (msg.body.length === 0) return h;
  const out = new Uint8Array(h.length + msg.body.length);
  out.set(h, 0);
  out.set(msg.body, h.length);
  return out;
}

/**
 * Serialises a request (RFC 2326 §6). Throws `RTSP_ENCODE` on a method or header name that is not a
 * token and on CR/LF anywhere in the start line or a header (no header injection through a URL).
 *
 * @example
 * socket.write(serializeRequest(rtspRequest('OPTIONS', url, { CSeq: '1' })));
 */
export function serializeRequest(req: RtspRequest): Uint8Array {
  checkText('method', req.method, TOKEN);
  checkText('request URI', req.uri, /^\S+$/);
  return serialize(`${req.method} ${req.uri} ${RTSP_VERSION}`, req);
}

/** Serialises a response (RFC 2326 §7): for fake servers in tests and replies to server requests. */
export function serializeResponse(res: RtspResponse): Uint8Array {
  if (!Number.isInteger(res.status) || res.status < 100 || res.status > 999) {
    throw new RtspError('RTSP_ENCODE', `invalid status ${res.status}`);
  }
  checkText('reason phrase', res.reason);
  checkText('version', res.version, /^RTSP\/\d+\.\d+$/);
  return serialize(`${res.version} ${res.status} ${res.reason}`, res);
}

/** Serialises either kind of message. */
export function serializeMessage(msg: RtspMessage): Uint8Array {
  return msg.kind === 'request' ? serializeRequest(msg) : serializeResponse(msg);
}
