import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { NatsChildError } from './errors.ts';

/** A nats-server the gateway runs as its own child process. */
export interface NatsChild {
  readonly url: string;
  readonly pid: number;
  /** SIGTERM, then SIGKILL after `graceMs`; removes its JetStream store. */
  stop(graceMs?: number): Promise<void>;
}

/**
 * Starts `nats-server` on 127.0.0.1 and an ephemeral port (`-p -1`, the port read back from its
 * log), with JetStream in a temporary store, and waits for "Server is ready". It dies with us:
 * the gateway stops it on exit, and it is never reachable off the machine.
 */
export function startNatsChild(binary: string, timeoutMs = 10_000): Promise<NatsChild> {
  const store = mkdtempSync(join(tmpdir(), 'edgegw-nats-'));
  const child: ChildProcess = spawn(binary, ['-a', '127.0.0.1', '-p', '-1', '-js', '-sd', store, '-m', '0'], {
    stdio: ['ignore', 'ignore', 'pipe'],
  });
  return new Promise((resolve, reject) => {
    let log = '';
    let port: number | undefined;
    const fail = (err: NatsChildError) => {
      clearTimeout(timer);
      child.kill('SIGKILL');
      rmSync(store, { recursive: true, force: true });
      reject(err);
    };
    const timer = setTimeout(
      () => fail(new NatsChildError(`nats-server not ready after ${timeoutMs} ms:\n${log}`)),
      timeoutMs,
    );
    timer.unref();
    child.once('error', (err) =>
      fail(new NatsChildError(`cannot run ${binary}: ${err.message}`, { cause: err })),
    );
    child.once('exit', (code) => fail(new NatsChildError(`nats-server exited with ${code}:\n${log}`)));
    child.stderr?.setEncoding('utf8');
    child.stderr?.on('data', (chunk: string) => {
      if (log.length < 16_384) log += chunk;
      const m = /Listening for client connections on [^\s]*:(\d+)/.exec(log);
      if (m) port = Number(m[1]);
      if (port !== undefined && log.includes('Server is ready')) {
        clearTimeout(timer);
        child.removeAllListeners('exit');
        child.stderr?.removeAllListeners('data');
        child.stderr?.resume();
        const exited = new Promise<void>((r) => child.once('exit', () => r()));
        resolve({
          url: `nats://127.0.0.1:${port}`,
          pid: child.pid as number,
          async stop(graceMs = 3000) {
            if (child.exitCode === null && child.signalCode === null) {
              child.kill('SIGTERM');
              const t = setTimeout(() => child.kill('SIGKILL'), graceMs);
              t.unref();
              await exited;
              clearTimeout(t);
            }
            rmSync(store, { recursive: true, force: true });
          },
        });
      }
    });
  });
}
