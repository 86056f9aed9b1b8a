/**
 * podman's Docker-Engine-compatible API on a unix socket, for code that speaks the Docker API
 * (the plugin host). Wraps test/harness/podman/start-docker-api.sh, which starts
 * `podman system service` with a private state dir (vfs storage, runc, host network) and prints
 * `PID=<pid> DOCKER_HOST=unix://<dir>/docker.sock` once `/_ping` answers.
 */
import { execFile } from 'node:child_process';
import { copyFile, mkdir, mkdtemp, readdir, readFile, rm, symlink } from 'node:fs/promises';
import { request } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { HarnessError } from './errors.ts';
import { installHint, killOnExit, killPid, requireProgram, spawnReady, type Teardown } from './process.ts';

export const START_DOCKER_API_SCRIPT = fileURLToPath(
  new URL('./podman/start-docker-api.sh', import.meta.url),
);
const PODMAN_PACKAGES = 'podman runc catatonit uidmap curl';

export interface DockerApiOptions {
  /** Start timeout (default 20 s). */
  timeoutMs?: number;
  /** SIGTERM → SIGKILL grace for the service on stop (default 5 s). */
  graceMs?: number;
}

export interface DockerApi {
  /** `unix:///…/docker.sock`, for `DOCKER_HOST`. */
  dockerHost: string;
  socketPath: string;
  /** PID of `podman system service`. */
  pid: number;
  stateDir: string;
  /** One HTTP request to the API (JSON body in and out where present). */
  request(method: string, path: string, body?: unknown): Promise<DockerApiResponse>;
  /** Runs the podman CLI against this API's storage (e.g. `['import', …]`); resolves with stdout. */
  podman(args: readonly string[]): Promise<string>;
  /** Imports a busybox rootfs (from busybox-static) as `name`, `CMD ["/bin/sh"]`. */
  importBusybox(name?: string): Promise<string>;
  /** Removes all containers, stops the service, deletes the state dir. */
  stop(): Promise<{ ms: number }>;
}

export interface DockerApiResponse {
  status: number;
  headers: Record<string, string | string[] | undefined>;
  body: string;
  /** `JSON.parse(body)`; throws if the body is not JSON. */
  json(): unknown;
}

/**
 * A plain node:http request over the unix socket (no dockerode in the tree).
 * @example const ping = await dockerApiRequest(api.socketPath, 'GET', '/_ping'); // body 'OK'
 */
export function dockerApiRequest(
  socketPath: string,
  method: string,
  path: string,
  body?: unknown,
): Promise<DockerApiResponse> {
  return new Promise((resolve, reject) => {
    const payload = body === undefined ? undefined : Buffer.from(JSON.stringify(body));
    const req = request(
      {
        socketPath,
        method,
        path,
        headers: payload ? { 'content-type': 'application/json', 'content-length': payload.length } : {},
        timeout: 30_000,
      },
      (res) => {
        const chunks: Buffer[] = [];
        res.on('data', (c: Buffer) => chunks.push(c));
        res.on('end', () => {
          const text = Buffer.concat(chunks).toString('utf8');
          resolve({
            status: res.statusCode ?? 0,
            headers: res.headers,
            body: text,
            json: () => JSON.parse(text) as unknown,
          });
        });
        res.on('error', reject);
      },
    );
    req.on('timeout', () => req.destroy(new Error(`docker API ${method} ${path} timed out`)));
    req.on('error', reject);
    req.end(payload);
  });
}

/** PIDs whose command line mentions `dir` (podman, conmon and their helpers for this state dir). */
async function pidsMentioning(dir: string): Promise<number[]> {
  const pids: number[] = [];
  for (const name of await readdir('/proc')) {
    if (!/^\d+$/.test(name) || Number(name) === process.pid) continue;
    const cmdline = await readFile(`/proc/${name}/cmdline`, 'utf8').catch(() => '');
    if (cmdline.includes(dir)) pids.push(Number(name));
  }
  return pids;
}

/** Lazily unmounts whatever is still mounted below `dir` (deepest first). */
async function unmountUnder(dir: string): Promise<void> {
  const mounts = (await readFile('/proc/mounts', 'utf8'))
    .split('\n')
    .map((line) => line.split(' ')[1] ?? '')
    .filter((mountPoint) => mountPoint.startsWith(`${dir}/`))
    .sort((a, b) => b.length - a.length);
  for (const mountPoint of mounts) {
    await promisify(execFile)('umount', ['-l', mountPoint]).catch(() => undefined);
  }
}

/**
 * Starts podman's Docker API in a fresh state dir and resolves when `/_ping` answers.
 * @example
 * const api = await startDockerApi(t);
 * const docker = new Docker({ socketPath: api.socketPath }); // or process.env.DOCKER_HOST = api.dockerHost
 */
export async function startDockerApi(t?: Teardown, options: DockerApiOptions = {}): Promise<DockerApi> {
  requireProgram('podman', PODMAN_PACKAGES);
  requireProgram('runc', PODMAN_PACKAGES);
  requireProgram('curl', 'curl');
  const stateDir = await mkdtemp(join(tmpdir(), 'edgegw-docker-'));
  let started: { pid: number; dockerHost: string };
  try {
    const script = await spawnReady({
      name: 'start-docker-api',
      command: 'bash',
      args: [START_DOCKER_API_SCRIPT, stateDir],
      installHint: installHint('bash'),
      timeoutMs: options.timeoutMs ?? 20_000,
      ready: (line) => {
        const m = /^PID=(\d+) DOCKER_HOST=(unix:\/\/\S+)$/.exec(line);
        return m?.[1] && m[2] ? { pid: Number(m[1]), dockerHost: m[2] } : undefined;
      },
    });
    started = script.ready;
    await script.exited; // the script exits once the service answers; the service lives on
  } catch (err) {
    await rm(stateDir, { recursive: true, force: true });
    throw err;
  }
  const forget = killOnExit(started.pid);
  const socketPath = started.dockerHost.slice('unix://'.length);
  const env = {
    ...process.env,
    CONTAINERS_CONF: join(stateDir, 'containers.conf'),
    CONTAINERS_STORAGE_CONF: join(stateDir, 'storage.conf'),
    XDG_RUNTIME_DIR: join(stateDir, 'xdg'),
  };
  const podman = async (args: readonly string[]): Promise<string> => {
    try {
      const { stdout } = await promisify(execFile)('podman', [...args], { env, maxBuffer: 64 << 20 });
      return stdout;
    } catch (err) {
      const stderr = (err as { stderr?: string }).stderr ?? '';
      throw new HarnessError('HARNESS_EXITED_EARLY', `podman ${args.join(' ')} failed`, {
        cause: err,
        output: stderr,
      });
    }
  };

  let stopping: Promise<{ ms: number }> | undefined;
  const stop = (): Promise<{ ms: number }> =>
    (stopping ??= (async () => {
      const t0 = performance.now();
      try {
        // containers outlive the API service (conmon keeps them): remove what a test left behind
        const list = await dockerApiRequest(socketPath, 'GET', '/containers/json?all=true');
        if (list.status === 200 && (list.json() as unknown[]).length > 0) {
          await podman(['rm', '--all', '--force', '--time', '0']);
        }
      } catch {
        // the service may already be gone; the state dir goes anyway
      }
      await killPid(started.pid, 'SIGTERM', options.graceMs ?? 5000);
      forget();
      // conmon and its `podman container cleanup` exit commands write into the state dir after the
      // service is gone: let them finish (SIGKILL after the grace) before removing it.
      await Promise.all(
        (await pidsMentioning(stateDir)).map((pid) => killPid(pid, 'SIGTERM', options.graceMs ?? 5000)),
      );
      await unmountUnder(stateDir); // a container's /dev/shm mount would make rm fail with EBUSY
      await rm(stateDir, { recursive: true, force: true, maxRetries: 5 });
      return { ms: Math.round(performance.now() - t0) };
    })());
  t?.teardown(stop);

  return {
    dockerHost: started.dockerHost,
    socketPath,
    pid: started.pid,
    stateDir,
    request: (method, path, body) => dockerApiRequest(socketPath, method, path, body),
    podman,
    importBusybox: async (name = 'localhost/busybox:latest') => {
      const busybox = requireProgram('busybox', 'busybox-static');
      const root = join(stateDir, 'busybox-rootfs');
      await mkdir(join(root, 'bin'), { recursive: true });
      await copyFile(busybox, join(root, 'bin', 'busybox'));
      for (const applet of ['sh', 'echo', 'sleep', 'cat', 'env', 'ls', 'wget', 'nc']) {
        await symlink('busybox', join(root, 'bin', applet));
      }
      const tar = join(stateDir, 'busybox.tar');
      await promisify(execFile)('tar', ['-C', root, '-cf', tar, '.']);
      await podman(['import', '--change', 'CMD ["/bin/sh"]', tar, name]);
      await rm(root, { recursive: true, force: true });
      await rm(tar, { force: true });
      return name;
    },
    stop,
  };
}
