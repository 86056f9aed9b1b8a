/**
 * A real mosquitto MQTT broker on 127.0.0.1: a TLS listener (standing in for edgeHub's 8883, with a
 * certificate the test made) and a plain listener for the test's own clients. Connections are
 * logged by the broker (`New client connected … as CLIENTID (… u'USERNAME')`), so a test can check
 * what a client presented without a broker plugin.
 */
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { HarnessError } from './errors.ts';
import { freePort, LOOPBACK } from './ports.ts';
import { spawnReady, type ExitInfo, type ReadyProcess, type Teardown } from './process.ts';

export interface MosquittoTls {
  /** PEM files: the server certificate (SAN covering the host clients dial), its key, and the CA. */
  readonly certFile: string;
  readonly keyFile: string;
  readonly caFile: string;
}

export interface MosquittoOptions {
  /** Adds a TLS listener with these files. */
  readonly tls?: MosquittoTls;
  /** Ready timeout (default 10 s). */
  readonly timeoutMs?: number;
}

/** One CONNECT the broker accepted, from its log. */
export interface MosquittoConnection {
  readonly clientId: string;
  readonly username: string | undefined;
}

export interface Mosquitto {
  readonly host: string;
  /** Plain MQTT port (`mqtt://127.0.0.1:PORT`). */
  readonly port: number;
  readonly url: string;
  /** TLS port, when `tls` was given. */
  readonly tlsPort: number | undefined;
  readonly process: ReadyProcess<true>;
  /** Every accepted connection so far, in order. */
  connections(): MosquittoConnection[];
  stop(): Promise<ExitInfo>;
}

const CONNECTED = /New client connected from \S+ as (\S+) \([^)]*?(?:u'([^']*)')?\)\.?$/;

/**
 * Starts `/usr/sbin/mosquitto -c CONF` (fails with `apt-get install mosquitto` when missing) and
 * resolves once it logs that it runs.
 * @example
 * const broker = await startMosquitto(t, { tls: { certFile, keyFile, caFile } });
 * const c = mqtt.connect(broker.url);
 */
export async function startMosquitto(t?: Teardown, options: MosquittoOptions = {}): Promise<Mosquitto> {
  // mosquitto cannot pick its own port and say which: ports come from freePort(), and another
  // process may take one in between, so an "Address already in use" start is retried.
  for (let attempt = 1; ; attempt++) {
    try {
      return await startOnce(t, options);
    } catch (err) {
      const inUse = err instanceof HarnessError && /Address already in use/i.test(err.output);
      if (!inUse || attempt >= 3) throw err;
    }
  }
}

async function startOnce(t: Teardown | undefined, options: MosquittoOptions): Promise<Mosquitto> {
  const dir = await mkdtemp(join(tmpdir(), 'edgegw-mosquitto-'));
  const port = await freePort();
  const tlsPort = options.tls ? await freePort() : undefined;
  const lines = [
    'per_listener_settings false',
    'allow_anonymous true',
    'persistence false',
    'log_dest stderr',
    'log_type error',
    'log_type warning',
    'log_type notice',
    'log_type information',
    'connection_messages true',
    // As root mosquitto would drop to user "mosquitto", who cannot read the test's key files.
    'user root',
    `listener ${port} ${LOOPBACK}`,
  ];
  if (options.tls && tlsPort !== undefined) {
    lines.push(
      `listener ${tlsPort} ${LOOPBACK}`,
      `certfile ${options.tls.certFile}`,
      `keyfile ${options.tls.keyFile}`,
      `cafile ${options.tls.caFile}`,
      'require_certificate false',
    );
  }
  const conf = join(dir, 'mosquitto.conf');
  await writeFile(conf, `${lines.join('\n')}\n`);
  let proc: ReadyProcess<true>;
  try {
    proc = await spawnReady<true>({
      name: 'mosquitto',
      command: 'mosquitto',
      args: ['-c', conf],
      aptPackage: 'mosquitto',
      timeoutMs: options.timeoutMs,
      afterExit: () => rm(dir, { recursive: true, force: true }),
      t,
      ready: (line) => (/mosquitto version \S+ running/.test(line) ? true : undefined),
    });
  } catch (err) {
    await rm(dir, { recursive: true, force: true });
    throw err;
  }
  return {
    host: LOOPBACK,
    port,
    url: `mqtt://${LOOPBACK}:${port}`,
    tlsPort,
    process: proc,
    connections: () =>
      proc
        .lines()
        .map((l) => CONNECTED.exec(l))
        .filter((m): m is RegExpExecArray => m !== null)
        .map((m) => ({ clientId: m[1] as string, username: m[2] })),
    stop: () => proc.stop(),
  };
}
