import { RtspError } from './errors.ts';

/** Credentials for Basic/Digest auth (RFC 2617). */
export interface RtspCredentials {
  username: string;
  password: string;
}

/** A camera URL split into what goes on the wire and what must never be logged. */
export interface RtspUrl {
  /** The URL without userinfo: what requests carry (credentials never go into the request line). */
  url: string;
  host: string;
  port: number;
  /** From the URL's userinfo (percent-decoded), when present. */
  credentials: RtspCredentials | undefined;
}

/** RFC 2326 §3.2: the default port of the rtsp scheme. */
export const RTSP_DEFAULT_PORT = 554;

/**
 * Parses `rtsp://[user[:password]@]host[:port]/path`. Throws `RTSP_BAD_URL` (with the URL masked).
 *
 * @example
 * parseRtspUrl('rtsp://admin:s%40cret@10.0.0.5/stream1');
 * // { url: 'rtsp://10.0.0.5/stream1', host: '10.0.0.5', port: 554, credentials: { username: 'admin', password: 's@cret' } }
 */
export function parseRtspUrl(input: string): RtspUrl {
  let u: URL;
  try {
    u = new URL(input);
  } catch (err) {
    throw new RtspError('RTSP_BAD_URL', `not a URL: ${maskUrl(input)}`, { cause: err });
  }
  if (u.protocol !== 'rtsp:' || u.hostname === '') {
    throw new RtspError('RTSP_BAD_URL', `not an rtsp://host/… URL: ${maskUrl(input)}`);
  }
  const port = u.port === '' ? RTSP_DEFAULT_PORT : Number(u.port);
  const credentials =
    u.username !== '' || u.password !== ''
      ? { username: safeDecode(u.username), password: safeDecode(u.password) }
      : undefined;
  u.username = '';
  u.password = '';
  const host = u.hostname.startsWith('[') ? u.hostname.slice(1, -1) : u.hostname;
  return { url: u.toString(), host, port, credentials };
}

function safeDecode(s: string): string {
  try {
    return decodeURIComponent(s);
  } catch {
    return s;
  }
}

/**
 * The URL with its password replaced by `***` (`rtsp://user:***@host/…`): every log line, error
 * message and API response about a camera goes through this. Never throws, also on garbage.
 *
 * @example
 * maskUrl('rtsp://admin:secret@cam/stream'); // 'rtsp://admin:***@cam/stream'
 */
export function maskUrl(input: string): string {
  // Works on the text so that even an unparsable URL never leaks what sits before the last '@'
  // of its authority.
  const m = /^([a-z][a-z0-9+.-]*:\/\/)([^/?#]*)@/i.exec(input);
  if (!m) return input;
  const userinfo = m[2] as string;
  const colon = userinfo.indexOf(':');
  const user = colon < 0 ? userinfo : userinfo.slice(0, colon);
  return `${m[1]}${user}:***@${input.slice(m[0].length)}`;
}
