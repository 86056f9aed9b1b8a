import { RtspError } from './errors.ts';
import type { RtspResponse } from './message.ts';
import { maskUrl } from './rtsp-url.ts';

/** RFC 2326 §11.3: the 3xx codes a client follows with the reply's Location. */
const REDIRECTS = new Set([301, 302, 303, 305, 307]);

/** The error for a non-2xx reply (URL masked): 404 is `RTSP_NOT_FOUND`, others `RTSP_STATUS`. */
export function statusError(method: string, url: string, res: RtspResponse): RtspError {
  const what = `${method} ${maskUrl(url)}: ${res.status} ${res.reason}`;
  if (res.status === 404) return new RtspError('RTSP_NOT_FOUND', what, { status: 404 });
  return new RtspError('RTSP_STATUS', what, { status: res.status });
}

/**
 * The Location of a 3xx reply (RFC 2326 §11.3), resolved against `url`'s origin; undefined when
 * the reply is not a redirect. A redirect without Location throws `RTSP_REDIRECT_LIMIT`.
 *
 * @example
 * redirectTarget('rtsp://cam/a', 'DESCRIBE', res302); // 'rtsp://cam/b'
 */
export function redirectTarget(url: string, method: string, res: RtspResponse): string | undefined {
  if (!REDIRECTS.has(res.status)) return undefined;
  const location = res.headers.get('location')?.trim();
  if (!location) {
    throw new RtspError('RTSP_REDIRECT_LIMIT', `${method} ${maskUrl(url)}: ${res.status} without Location`, {
      status: res.status,
    });
  }
  if (/^rtsps?:\/\//i.test(location)) return location;
  const origin = /^(rtsp:\/\/[^/]+)/i.exec(url)?.[1] ?? '';
  return location.startsWith('/') ? `${origin}${location}` : `${origin}/${location}`;
}
