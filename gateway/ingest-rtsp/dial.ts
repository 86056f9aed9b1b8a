import type { Clock, Timer } from '../webrtc/transport/index.ts';
import type { ByteStream, Dialer } from './byte-stream.ts';
import { RtspError, toRtspError } from './errors.ts';
import { maskUrl } from './rtsp-url.ts';

/**
 * Dials a camera's control connection, bounded by `timeoutMs` on the injected clock: a camera that
 * never answers SYN yields `RTSP_TIMEOUT` (and the dial is aborted), a refused or failed one
 * `RTSP_CONNECT`. Messages carry the masked URL only.
 *
 * @example
 * const stream = await dialWithTimeout(tcpDialer, { host, port, url }, clock, 5000);
 */
export async function dialWithTimeout(
  dialer: Dialer,
  target: { host: string; port: number; url: string },
  clock: Clock,
  timeoutMs: number,
): Promise<ByteStream> {
  const abort = new AbortController();
  let timer: Timer | undefined;
  try {
    return await Promise.race([
      dialer(target.host, target.port, abort.signal),
      new Promise<never>((_, reject) => {
        timer = clock.setTimer(timeoutMs, () => {
          abort.abort();
          reject(
            new RtspError('RTSP_TIMEOUT', `connect to ${maskUrl(target.url)}: no answer in ${timeoutMs} ms`),
          );
        });
      }),
    ]);
  } catch (err) {
    throw toRtspError(err, 'RTSP_CONNECT', `connect to ${target.host}:${target.port} failed`);
  } finally {
    timer?.cancel();
  }
}
