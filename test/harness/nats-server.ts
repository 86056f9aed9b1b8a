/**
 * A real nats-server (JetStream on, monitoring off) on 127.0.0.1 and a port it picks itself.
 */
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { HarnessError } from './errors.ts';
import { LOOPBACK } from './ports.ts';
import { spawnReady, type ExitInfo, type ReadyProcess, type Teardown } from './process.ts';

export interface NatsServer {
  /** `nats://127.0.0.1:PORT` */
  url: string;
  port: number;
  /** JetStream store directory (removed on stop). */
  storeDir: string;
  process: ReadyProcess<number>;
  stop(): Promise<ExitInfo>;
}

export interface NatsServerOptions {
  /** Ready timeout (default 10 s). */
  timeoutMs?: number;
  /** Extra nats-server arguments. */
  args?: string[];
}

/**
 * Starts `nats-server -a 127.0.0.1 -p -1 -js -sd DIR -m 0` (port -1: the server picks a free one and
 * logs it) and resolves on "Server is ready".
 * @example
 * const nats = await startNatsServer(t);
 * const nc = await connect({ servers: nats.url });
 */
export async function startNatsServer(t?: Teardown, options: NatsServerOptions = {}): Promise<NatsServer> {
  const storeDir = await mkdtemp(join(tmpdir(), 'edgegw-nats-'));
  let port: number | undefined;
  let proc: ReadyProcess<number>;
  try {
    proc = await spawnReady<number>({
      name: 'nats-server',
      command: 'nats-server',
      args: ['-a', LOOPBACK, '-p', '-1', '-js', '-sd', storeDir, '-m', '0', ...(options.args ?? [])],
      timeoutMs: options.timeoutMs,
      afterExit: () => rm(storeDir, { recursive: true, force: true }),
      t,
      ready: (line) => {
        const listening = /Listening for client connections on [^\s]+:(\d+)/.exec(line);
        if (listening?.[1]) port = Number(listening[1]);
        if (!line.includes('Server is ready')) return undefined;
        if (port === undefined) {
          throw new HarnessError('HARNESS_BAD_READY_LINE', 'nats-server was ready before it logged its port');
        }
        return port;
      },
    });
  } catch (err) {
    await rm(storeDir, { recursive: true, force: true });
    throw err;
  }
  return {
    url: `nats://${LOOPBACK}:${proc.ready}`,
    port: proc.ready,
    storeDir,
    process: proc,
    stop: () => proc.stop(),
  };
}
