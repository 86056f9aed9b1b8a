/**
 * Resolves a media or session `a=control:` against the base URL (RFC 2326 §C.1.1).
 *
 * The base is Content-Base, else Content-Location, else the DESCRIBE request URL. `*` means the
 * base itself (aggregate control); an absolute `rtsp://` control is used as is. For a relative one
 * the RFC says "resolve as a relative URL" (RFC 1808), which would turn base `rtsp://cam/live` and
 * control `track1` into `rtsp://cam/track1`; cameras (and ffmpeg, live555, gortsplib) mean
 * `rtsp://cam/live/track1`, so the control is appended to the base with exactly one `/` between.
 *
 * @example
 * resolveControl('stream=0', 'rtsp://127.0.0.1:8554/cam/'); // 'rtsp://127.0.0.1:8554/cam/stream=0'
 * resolveControl('trackID=1', 'rtsp://cam/live.sdp');        // 'rtsp://cam/live.sdp/trackID=1'
 */
export function resolveControl(control: string | undefined, base: string): string {
  const c = (control ?? '').trim();
  if (c === '' || c === '*') return base;
  if (/^rtsps?:\/\//i.test(c)) return c;
  if (c.startsWith('/')) {
    const m = /^(rtsps?:\/\/[^/]+)/i.exec(base);
    return m ? `${m[1]}${c}` : c;
  }
  return base.endsWith('/') ? `${base}${c}` : `${base}/${c}`;
}

/** The base URL of a DESCRIBE reply (RFC 2326 §C.1.1): Content-Base, Content-Location, request URL. */
export function describeBase(
  requestUrl: string,
  contentBase: string | undefined,
  contentLocation: string | undefined,
): string {
  for (const candidate of [contentBase, contentLocation]) {
    const v = candidate?.trim();
    if (v && /^rtsps?:\/\//i.test(v)) return v;
    // A relative Content-Location is relative to the request URL.
    if (v && candidate === contentLocation) return resolveControl(v, requestUrl);
  }
  return requestUrl;
}
