/**
 * The one way the harness runs a peer: find the program (or fail with the install command), spawn it,
 * capture its output line by line, wait for its ready signal with a timeout, and stop it by PID
 * (SIGTERM, then SIGKILL after a grace period). Every helper in test/harness/ is built on this.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { accessSync, constants, readFileSync } from 'node:fs';
import { delimiter, isAbsolute, join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { createInterface } from 'node:readline';
import { setTimeout as sleep } from 'node:timers/promises';
import { HarnessError, ProgramNotFoundError } from './errors.ts';

/** Anything with tap's `t.teardown` (a tap `Test`); helpers register their cleanup there. */
export interface Teardown {
  teardown(fn: () => unknown): void;
}

export type Stream = 'stdout' | 'stderr';

/** How a child ended. `ms` is the time from `stop()` to exit (0 if it exited by itself first). */
export interface ExitInfo {
  code: number | null;
  signal: NodeJS.Signals | null;
  ms: number;
}

/** Returns a value (the "ready" result) when `line` is the ready signal, else `undefined`. */
export type LineMatcher<T> = (line: string, stream: Stream) => T | undefined;

/** Readiness by polling: `probe` returns a value once the peer answers. */
export interface ReadyProbe<T> {
  probe: () => Promise<T | undefined>;
  intervalMs?: number;
}

export interface SpawnReadyOptions<T> {
  /** Short name used in messages (`nats-server`, `gateway`). */
  name: string;
  /** Program name (looked up with {@link which}) or a path. */
  command: string;
  args?: readonly string[];
  /** Merged over `process.env`. */
  env?: Record<string, string | undefined>;
  cwd?: string;
  /** Debian package to name in the not-found message; default: the command's name. */
  aptPackage?: string;
  /** Overrides the whole install hint of the not-found message. */
  installHint?: string;
  /** The ready signal: a line matcher or a probe. */
  ready: LineMatcher<T> | ReadyProbe<T>;
  /** Ready timeout (default 10 s). */
  timeoutMs?: number;
  /** SIGTERM → SIGKILL grace on stop (default 3 s). */
  graceMs?: number;
  /** Lines kept per process (default 5000); older ones are dropped. */
  maxLines?: number;
  /** Runs once after the process has exited, whatever the reason (e.g. remove a temp dir). */
  afterExit?: () => unknown;
  /** Registers `stop()` with `t.teardown`. */
  t?: Teardown | undefined;
}

export interface OutputLine {
  stream: Stream;
  line: string;
}

/** A running child that has signalled readiness. */
export interface ReadyProcess<T> {
  readonly name: string;
  readonly pid: number;
  readonly child: ChildProcess;
  /** What the ready matcher/probe returned. */
  readonly ready: T;
  /** Milliseconds from spawn to ready. */
  readonly readyMs: number;
  /** Resolves when the process exits, however that happens. */
  readonly exited: Promise<ExitInfo>;
  /** Captured lines, optionally of one stream only. */
  lines(stream?: Stream): string[];
  /** The last `n` lines (default 80), tagged `out|`/`err|`, for failure messages. */
  output(n?: number): string;
  /** Resolves with the first line (already captured or future) that `matcher` accepts. */
  waitForLine<U>(matcher: LineMatcher<U>, timeoutMs?: number): Promise<U>;
  /** Sends `signal` (default SIGTERM), SIGKILL after the grace period; idempotent. */
  stop(signal?: NodeJS.Signals): Promise<ExitInfo>;
}

const EXTRA_PATH = ['/usr/local/sbin', '/usr/local/bin', '/usr/sbin', '/usr/bin', '/sbin', '/bin'];

function isExecutable(path: string): boolean {
  try {
    accessSync(path, constants.X_OK);
    return true;
  } catch {
    return false;
  }
}

/**
 * Absolute path of `program` on PATH (plus the sbin directories, where Debian puts nats-server),
 * or `undefined`. A name containing `/` is checked as a path.
 */
export function which(program: string): string | undefined {
  if (program.includes('/')) return isExecutable(program) ? program : undefined;
  const dirs = [...(process.env.PATH ?? '').split(delimiter).filter(isAbsolute), ...EXTRA_PATH];
  for (const dir of dirs) {
    const candidate = join(dir, program);
    if (isExecutable(candidate)) return candidate;
  }
  return undefined;
}

/** The install instruction every not-found error carries. */
export function installHint(aptPackage: string): string {
  return `run ./setup.sh (or apt-get install ${aptPackage})`;
}

/**
 * `which(program)` or throw {@link ProgramNotFoundError} with the install command.
 * @example const bin = requireProgram('nats-server'); // "nats-server not found: run ./setup.sh (or apt-get install nats-server)"
 */
export function requireProgram(program: string, aptPackage = baseName(program), hint?: string): string {
  const found = which(program);
  if (found === undefined) throw new ProgramNotFoundError(program, hint ?? installHint(aptPackage));
  return found;
}

function baseName(program: string): string {
  return program.slice(program.lastIndexOf('/') + 1);
}

// Peers still running when the test process exits are SIGKILLed, so a crashed test leaks none
// (with setpriv, see spawnReady, the kernel does it even when this process is SIGKILLed).
const live = new Set<number>();
let exitHookInstalled = false;

/**
 * SIGKILLs `pid` if it still runs when this process exits (children of {@link spawnReady} are
 * registered already; use this for daemons a script started). Returns the unregister function.
 */
export function killOnExit(pid: number): () => void {
  if (!exitHookInstalled) {
    exitHookInstalled = true;
    process.once('exit', () => {
      for (const p of live) {
        try {
          process.kill(p, 'SIGKILL');
        } catch {
          // already gone
        }
      }
    });
  }
  live.add(pid);
  return () => live.delete(pid);
}

function track(child: ChildProcess): void {
  if (child.pid === undefined) return;
  const forget = killOnExit(child.pid);
  child.once('exit', forget);
}

const echo = (process.env.HARNESS_ECHO ?? '').split(',').filter(Boolean);

function timer(ms: number, fn: () => void): NodeJS.Timeout {
  const handle = setTimeout(fn, ms);
  handle.unref();
  return handle;
}

/**
 * Spawns a peer and resolves once it is ready. On timeout or early exit the child is killed and the
 * promise rejects with a {@link HarnessError} carrying the child's output.
 * Set `HARNESS_ECHO=1` (or a comma list of names) to copy a child's output to stderr live.
 * @example
 * const nats = await spawnReady({ name: 'nats-server', command: 'nats-server', args, t,
 *   ready: (line) => (line.includes('Server is ready') ? true : undefined) });
 */
export async function spawnReady<T>(opts: SpawnReadyOptions<T>): Promise<ReadyProcess<T>> {
  const command = requireProgram(opts.command, opts.aptPackage, opts.installHint);
  const maxLines = opts.maxLines ?? 5000;
  const graceMs = opts.graceMs ?? 3000;
  const timeoutMs = opts.timeoutMs ?? 10_000;
  const started = performance.now();

  const captured: OutputLine[] = [];
  const listeners = new Set<(entry: OutputLine) => void>();
  const echoThis = echo.includes('1') || echo.includes(opts.name);

  // setpriv --pdeathsig: the kernel SIGKILLs the peer if this process dies, even by SIGKILL (a tap
  // timeout); setpriv execs the program, so the PID stays the program's.
  const setpriv = which('setpriv');
  const [file, argv] = setpriv
    ? [setpriv, ['--pdeathsig', 'SIGKILL', '--', command, ...(opts.args ?? [])]]
    : [command, [...(opts.args ?? [])]];
  const child = spawn(file, argv, {
    cwd: opts.cwd,
    env: { ...process.env, ...opts.env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  track(child);

  const closed = new Promise<void>((resolve) => child.once('close', () => resolve()));
  for (const stream of ['stdout', 'stderr'] as const) {
    const rl = createInterface({ input: child[stream], crlfDelay: Infinity });
    rl.on('line', (line) => {
      const entry = { stream, line };
      captured.push(entry);
      if (captured.length > maxLines) captured.shift();
      if (echoThis) process.stderr.write(`[${opts.name} ${stream}] ${line}\n`);
      for (const listener of listeners) listener(entry);
    });
  }

  let stopRequestedAt: number | undefined;
  let spawnError: Error | undefined;
  const exited = new Promise<ExitInfo>((resolve) => {
    child.once('error', (err) => {
      spawnError = err;
      // A child that failed to spawn emits no 'exit'.
      if (child.pid === undefined) resolve({ code: null, signal: null, ms: 0 });
    });
    child.once('exit', (code, signal) => {
      const ms = stopRequestedAt === undefined ? 0 : Math.round(performance.now() - stopRequestedAt);
      resolve({ code, signal, ms });
    });
  });

  let cleaned: Promise<void> | undefined;
  const cleanup = (): Promise<void> =>
    (cleaned ??= (async () => {
      // Let the last output drain, but do not hang on a grandchild that inherited the pipes.
      await within(closed, 500);
      child.stdout?.destroy();
      child.stderr?.destroy();
      await opts.afterExit?.();
    })());
  void exited.then(cleanup);

  const output = (n = 80): string =>
    captured
      .slice(-n)
      .map((e) => `${e.stream === 'stdout' ? 'out' : 'err'}| ${e.line}`)
      .join('\n');

  let stopping: Promise<ExitInfo> | undefined;
  const stop = (signal: NodeJS.Signals = 'SIGTERM'): Promise<ExitInfo> =>
    (stopping ??= (async () => {
      if (child.exitCode === null && child.signalCode === null && child.pid !== undefined) {
        stopRequestedAt = performance.now();
        child.kill(signal);
        const killer = timer(graceMs, () => child.kill('SIGKILL'));
        const info = await exited;
        clearTimeout(killer);
        await cleanup();
        return info;
      }
      const info = await exited;
      await cleanup();
      return info;
    })());

  const waitForLine = <U>(matcher: LineMatcher<U>, waitMs = timeoutMs): Promise<U> =>
    new Promise<U>((resolve, reject) => {
      for (const { line, stream } of captured) {
        const hit = matcher(line, stream);
        if (hit !== undefined) return resolve(hit);
      }
      const done = (): void => {
        listeners.delete(listener);
        clearTimeout(timeout);
      };
      const listener = ({ line, stream }: OutputLine): void => {
        let hit: U | undefined;
        try {
          hit = matcher(line, stream);
        } catch (err) {
          done();
          reject(err instanceof Error ? err : new Error(String(err)));
          return;
        }
        if (hit !== undefined) {
          done();
          resolve(hit);
        }
      };
      listeners.add(listener);
      const timeout = timer(waitMs, () => {
        done();
        reject(
          new HarnessError('HARNESS_READY_TIMEOUT', `${opts.name}: no matching line within ${waitMs} ms`, {
            output: output(),
          }),
        );
      });
      void exited.then(async (info) => {
        if (!listeners.has(listener)) return;
        await within(closed, 500); // last lines may still match
        if (!listeners.has(listener)) return;
        done();
        reject(
          new HarnessError('HARNESS_EXITED_EARLY', `${opts.name} exited (${describeExit(info)}) first`, {
            output: output(),
            cause: spawnError,
          }),
        );
      });
    });

  let ready: T;
  try {
    if (typeof opts.ready === 'function') {
      ready = await waitForLine(opts.ready, timeoutMs);
    } else {
      ready = await pollProbe(opts.ready, timeoutMs, exited, opts.name, output);
    }
  } catch (err) {
    await stop('SIGKILL');
    if (spawnError) {
      throw new HarnessError('HARNESS_SPAWN_FAILED', `${opts.name}: ${spawnError.message}`, {
        cause: spawnError,
        output: output(),
      });
    }
    throw err;
  }

  const handle: ReadyProcess<T> = {
    name: opts.name,
    pid: child.pid ?? -1,
    child,
    ready,
    readyMs: Math.round(performance.now() - started),
    exited,
    lines: (stream) => captured.filter((e) => stream === undefined || e.stream === stream).map((e) => e.line),
    output,
    waitForLine,
    stop,
  };
  opts.t?.teardown(() => stop());
  return handle;
}

async function pollProbe<T>(
  ready: ReadyProbe<T>,
  timeoutMs: number,
  exited: Promise<ExitInfo>,
  name: string,
  output: () => string,
): Promise<T> {
  let exit: ExitInfo | undefined;
  void exited.then((info) => (exit = info));
  const deadline = performance.now() + timeoutMs;
  let lastError: unknown;
  while (performance.now() < deadline) {
    if (exit) {
      throw new HarnessError('HARNESS_EXITED_EARLY', `${name} exited (${describeExit(exit)}) before ready`, {
        output: output(),
      });
    }
    try {
      const value = await ready.probe();
      if (value !== undefined) return value;
    } catch (err) {
      lastError = err;
    }
    await sleep(ready.intervalMs ?? 50);
  }
  throw new HarnessError('HARNESS_READY_TIMEOUT', `${name} did not answer within ${timeoutMs} ms`, {
    output: output(),
    cause: lastError,
  });
}

/** Waits for `promise` at most `ms` (a ref'd timer, cleared as soon as the promise settles). */
async function within(promise: Promise<unknown>, ms: number): Promise<void> {
  let handle: NodeJS.Timeout | undefined;
  await Promise.race([promise, new Promise((resolve) => (handle = setTimeout(resolve, ms)))]);
  clearTimeout(handle);
}

function describeExit(info: ExitInfo): string {
  return info.signal ? `signal ${info.signal}` : `code ${String(info.code)}`;
}

/**
 * Stops a process that is not our child (e.g. a daemon a script started): `signal`, then SIGKILL
 * after `graceMs`; resolves once it is gone (a zombie counts as gone).
 */
export async function killPid(
  pid: number,
  signal: NodeJS.Signals = 'SIGTERM',
  graceMs = 3000,
): Promise<{ ms: number; killed: boolean }> {
  const started = performance.now();
  if (!isAlive(pid)) return { ms: 0, killed: false };
  process.kill(pid, signal);
  let killed = false;
  while (isAlive(pid)) {
    if (!killed && performance.now() - started > graceMs) {
      killed = true;
      try {
        process.kill(pid, 'SIGKILL');
      } catch {
        // already gone
      }
    }
    await sleep(25);
  }
  return { ms: Math.round(performance.now() - started), killed };
}

/** Whether `pid` runs (a zombie waiting for its reaper counts as gone). */
export function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
  } catch {
    return false;
  }
  try {
    // /proc/PID/stat: "pid (comm) S ..." — state after the last ')'. A zombie waits for its reaper.
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    return stat.slice(stat.lastIndexOf(')') + 2, stat.lastIndexOf(')') + 3) !== 'Z';
  } catch {
    return false;
  }
}
