/**
 * The gateway as a child process (`node --import tsx gateway/main.ts` from the repository root),
 * on 127.0.0.1 and ports it picks itself, with a temp data dir. Readiness is the pino JSON line whose
 * `msg` is "gateway ready"; its `http`, `grpc` and `webrtc` fields carry the bound `host:port`.
 */
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { HarnessError } from './errors.ts';
import { spawnReady, type ExitInfo, type ReadyProcess, type Stream, type Teardown } from './process.ts';

/** The repository root (two levels above test/harness/). */
export const REPO_ROOT = fileURLToPath(new URL('../../', import.meta.url));

export interface GatewayProcessOptions {
  /** Env vars over the defaults (EDGEGW_*_ADDR=127.0.0.1:0, EDGEGW_DATA_DIR, EDGEGW_LOG_LEVEL=info). */
  env?: Record<string, string | undefined>;
  /** Command-line arguments after the entry (e.g. `['--config', file]`). */
  args?: string[];
  /** Entry file relative to the repository root (default `gateway/main.ts`). */
  entry?: string;
  /** A data dir the caller owns (kept on stop); default: a temp dir removed on stop. */
  dataDir?: string;
  /** Ready timeout (default 30 s: the first tsx start compiles the whole gateway). */
  timeoutMs?: number;
  /** SIGTERM → SIGKILL grace (default 10 s; main.ts forces its own exit after 8 s). */
  graceMs?: number;
}

/** One parsed pino log line. */
export type LogEntry = Record<string, unknown> & { level?: number | string; msg?: string };

export interface GatewayProcess {
  /** `http://127.0.0.1:PORT` */
  http: string;
  /** `127.0.0.1:PORT` (for a grpc-js client address) */
  grpc: string;
  webrtc: { host: string; port: number };
  pid: number;
  dataDir: string;
  /** The ready line, parsed. */
  readyEntry: LogEntry;
  /** stdout lines so far (pino JSON). */
  logs(): string[];
  /** stdout lines parsed as JSON (non-JSON lines skipped). */
  logEntries(): LogEntry[];
  /** stderr lines so far. */
  stderr(): string[];
  /** Resolves with the first log entry (past or future) `predicate` accepts. */
  waitForLog(predicate: (entry: LogEntry) => boolean, timeoutMs?: number): Promise<LogEntry>;
  process: ReadyProcess<LogEntry>;
  /** Sends `signal` (default SIGTERM), SIGKILL after the grace; `ms` = signal → exit. */
  stop(signal?: NodeJS.Signals): Promise<ExitInfo>;
}

function parseEntry(line: string, stream: Stream): LogEntry | undefined {
  if (stream !== 'stdout' || !line.startsWith('{')) return undefined;
  try {
    const value: unknown = JSON.parse(line);
    return typeof value === 'object' && value !== null ? (value as LogEntry) : undefined;
  } catch {
    return undefined;
  }
}

/** `127.0.0.1:8080` / `[::1]:8080` → host and port. */
export function splitHostPort(address: string): { host: string; port: number } {
  const i = address.lastIndexOf(':');
  const host = address.slice(0, i).replace(/^\[(.*)\]$/, '$1');
  const port = Number(address.slice(i + 1));
  if (i <= 0 || !Number.isInteger(port) || port <= 0 || port > 65535) {
    throw new HarnessError('HARNESS_BAD_READY_LINE', `not a host:port: ${JSON.stringify(address)}`);
  }
  return { host, port };
}

const hostPort = (a: { host: string; port: number }): string =>
  a.host.includes(':') ? `[${a.host}]:${a.port}` : `${a.host}:${a.port}`;

/**
 * Starts the gateway and resolves once it logged "gateway ready".
 * @example
 * const gw = await startGatewayProcess(t, { env: { EDGEGW_DEMO: 'true' } });
 * const res = await fetch(`${gw.http}/healthz`);
 * const { code, ms } = await gw.stop(); // graceful shutdown figures
 */
export async function startGatewayProcess(
  t?: Teardown,
  options: GatewayProcessOptions = {},
): Promise<GatewayProcess> {
  const ownDataDir = options.dataDir === undefined;
  const dataDir = options.dataDir ?? (await mkdtemp(join(tmpdir(), 'edgegw-data-')));
  const removeDataDir = (): Promise<void> =>
    ownDataDir ? rm(dataDir, { recursive: true, force: true }) : Promise.resolve();
  let proc: ReadyProcess<LogEntry>;
  try {
    proc = await spawnReady<LogEntry>({
      name: 'gateway',
      command: process.execPath,
      args: ['--import', 'tsx', options.entry ?? 'gateway/main.ts', ...(options.args ?? [])],
      cwd: REPO_ROOT,
      env: {
        EDGEGW_HTTP_ADDR: '127.0.0.1:0',
        EDGEGW_GRPC_ADDR: '127.0.0.1:0',
        EDGEGW_WEBRTC_ADDR: '127.0.0.1:0',
        EDGEGW_DATA_DIR: dataDir,
        EDGEGW_LOG_LEVEL: 'info',
        ...options.env,
      },
      timeoutMs: options.timeoutMs ?? 30_000,
      graceMs: options.graceMs ?? 10_000,
      maxLines: 20_000,
      afterExit: removeDataDir,
      t,
      ready: (line, stream) => {
        const entry = parseEntry(line, stream);
        if (entry?.msg !== 'gateway ready') return undefined;
        for (const key of ['http', 'grpc', 'webrtc']) {
          if (typeof entry[key] !== 'string') {
            throw new HarnessError('HARNESS_BAD_READY_LINE', `"gateway ready" line lacks ${key}: ${line}`);
          }
        }
        return entry;
      },
    });
  } catch (err) {
    await removeDataDir();
    throw err;
  }
  const ready = proc.ready;
  const http = splitHostPort(ready.http as string);
  const grpc = splitHostPort(ready.grpc as string);
  const logEntries = (): LogEntry[] =>
    proc.lines('stdout').flatMap((line): LogEntry[] => {
      const entry = parseEntry(line, 'stdout');
      return entry ? [entry] : [];
    });
  return {
    http: `http://${hostPort(http)}`,
    grpc: hostPort(grpc),
    webrtc: splitHostPort(ready.webrtc as string),
    pid: proc.pid,
    dataDir,
    readyEntry: ready,
    logs: () => proc.lines('stdout'),
    logEntries,
    stderr: () => proc.lines('stderr'),
    waitForLog: (predicate, timeoutMs) =>
      proc.waitForLine((line, stream) => {
        const entry = parseEntry(line, stream);
        return entry && predicate(entry) ? entry : undefined;
      }, timeoutMs),
    process: proc,
    stop: (signal) => proc.stop(signal),
  };
}
