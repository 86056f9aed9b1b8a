/**
 * A fake IP camera: test/harness/rtsp-camera.py (GStreamer RTSP server) on 127.0.0.1.
 * Mounts /cam (H.264+PCMU), /cam-pcma, /cam-h265 (H.265+PCMU), /cam-video (H.264 only), /cam-aac
 * (H.264+AAC), /cam-bframes (H.264 Main with B-frames), /secure.
 */
import { fileURLToPath } from 'node:url';
import { performance } from 'node:perf_hooks';
import { setTimeout as sleep } from 'node:timers/promises';
import { HarnessError } from './errors.ts';
import { LOOPBACK } from './ports.ts';
import { installHint, spawnReady, type ExitInfo, type ReadyProcess, type Teardown } from './process.ts';

export const RTSP_CAMERA_SCRIPT = fileURLToPath(new URL('./rtsp-camera.py', import.meta.url));
const PYTHON = '/usr/bin/python3';
const GST_PACKAGES =
  'python3-gi gir1.2-gst-rtsp-server-1.0 gstreamer1.0-plugins-base gstreamer1.0-plugins-good ' +
  'gstreamer1.0-plugins-bad gstreamer1.0-plugins-ugly gstreamer1.0-rtsp';

export type RtspMount =
  '/cam' | '/cam-pcma' | '/cam-h265' | '/cam-video' | '/cam-aac' | '/cam-bframes' | '/secure';

/** A receiver report the camera got from a client (GStreamer's rb-* source stats, RFC 3550 §6.4.1). */
export interface CameraReceiverReport {
  /** The media's stream index (track). */
  stream: number;
  fraction: number;
  lost: number;
  exthighestseq: number;
  jitter: number;
  lsr: number;
  dlsr: number;
  /** Round trip GStreamer computed from LSR/DLSR, in 1/65536 s (0 without LSR). */
  rtt: number;
}

export interface RtspCameraOptions {
  /** TCP port; default 0 (the server picks one). `restart()` reuses the bound port either way. */
  port?: number;
  /** With user and password every mount answers 401 until the client authenticates. */
  user?: string;
  password?: string;
  auth?: 'basic' | 'digest';
  width?: number;
  height?: number;
  fps?: number;
  gopSeconds?: number;
  /** Ready timeout per start (default 10 s). */
  timeoutMs?: number;
}

export interface RtspCamera {
  host: string;
  port: number;
  /** `rtsp://127.0.0.1:PORT` (no mount, no credentials). */
  url: string;
  /** The URL of a mount; with `credentials: true`, `user:password@` is embedded. */
  mountUrl(mount?: RtspMount, options?: { credentials?: boolean }): string;
  /** The current process (a new one after `restart()`). */
  readonly process: ReadyProcess<number>;
  /** Stops the camera; resolves when it has exited. */
  stop(): Promise<ExitInfo>;
  /** Stops it (if running) and starts a new one on the same port, as a rebooted camera would. */
  restart(): Promise<void>;
  /** Receiver reports the current camera process received, in order (each change once). */
  receiverReports(): CameraReceiverReport[];
}

/**
 * Starts the GStreamer RTSP camera and resolves on `READY rtsp://127.0.0.1:PORT`.
 * @example
 * const cam = await startRtspCamera(t, { user: 'admin', password: 'secret', auth: 'digest' });
 * client.connect(cam.mountUrl('/cam', { credentials: true }));
 */
export async function startRtspCamera(t?: Teardown, options: RtspCameraOptions = {}): Promise<RtspCamera> {
  const baseArgs: string[] = [RTSP_CAMERA_SCRIPT];
  if (options.user !== undefined || options.password !== undefined) {
    baseArgs.push('--user', options.user ?? '', '--password', options.password ?? '');
    baseArgs.push('--auth', options.auth ?? 'basic');
  }
  if (options.width !== undefined) baseArgs.push('--width', String(options.width));
  if (options.height !== undefined) baseArgs.push('--height', String(options.height));
  if (options.fps !== undefined) baseArgs.push('--fps', String(options.fps));
  if (options.gopSeconds !== undefined) baseArgs.push('--gop-seconds', String(options.gopSeconds));

  const launch = (port: number): Promise<ReadyProcess<number>> =>
    spawnReady<number>({
      name: 'rtsp-camera',
      command: PYTHON,
      args: [...baseArgs, '--port', String(port)],
      installHint: installHint('python3'),
      timeoutMs: options.timeoutMs,
      ready: (line) => {
        const m = /^READY rtsp:\/\/127\.0\.0\.1:(\d+)$/.exec(line);
        return m?.[1] ? Number(m[1]) : undefined;
      },
    }).catch((err: unknown) => {
      // The usual cause: GStreamer's python bindings or plugins are missing.
      if (err instanceof HarnessError && /ModuleNotFoundError|Namespace .* not available/.test(err.output)) {
        throw new HarnessError(
          'HARNESS_PROGRAM_NOT_FOUND',
          `rtsp-camera: GStreamer RTSP server not available: ${installHint(GST_PACKAGES)}`,
          { cause: err, output: err.output },
        );
      }
      throw err;
    });

  let current = await launch(options.port ?? 0);
  const port = current.ready;

  const stop = (): Promise<ExitInfo> => current.stop();
  const restart = async (): Promise<void> => {
    await current.stop();
    // The port is ours until someone else binds it; retry briefly if the kernel still holds it.
    const deadline = performance.now() + 5000;
    for (;;) {
      try {
        current = await launch(port);
        return;
      } catch (err) {
        const inUse = err instanceof HarnessError && err.output.includes('failed to attach');
        if (!inUse || performance.now() > deadline) throw err;
        await sleep(100);
      }
    }
  };
  t?.teardown(() => current.stop());

  const url = `rtsp://${LOOPBACK}:${port}`;
  const credentials = (): string =>
    `${encodeURIComponent(options.user ?? '')}:${encodeURIComponent(options.password ?? '')}@`;
  return {
    host: LOOPBACK,
    port,
    url,
    mountUrl: (mount = '/cam', opts = {}) =>
      `rtsp://${opts.credentials ? credentials() : ''}${LOOPBACK}:${port}${mount}`,
    get process() {
      return current;
    },
    stop,
    restart,
    receiverReports: () =>
      current.lines('stdout').flatMap((line) => {
        if (!line.startsWith('RTCP-RR ')) return [];
        const f = Object.fromEntries(
          line
            .slice(8)
            .split(' ')
            .map((kv) => kv.split('='))
            .map(([k, v]) => [k, Number(v)]),
        ) as Record<keyof CameraReceiverReport, number>;
        return [f];
      }),
  };
}
