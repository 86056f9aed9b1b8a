/**
 * The gateway in this test process, for tests that reach inside (its WHEP sessions, SRTP contexts):
 * loopback, ephemeral ports, a temp data dir, logs kept in memory. Closed at teardown.
 */
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Writable } from 'node:stream';
import { pino } from 'pino';
import { loadConfig } from '../../gateway/config/index.ts';
import { startGateway, type Gateway } from '../../gateway/gateway.ts';
import type { Teardown } from './process.ts';

export interface InProcessGateway extends Gateway {
  /** `http://127.0.0.1:PORT` */
  readonly http: string;
  /** Parsed log lines so far. */
  logEntries(): Record<string, unknown>[];
}

export async function startGatewayInProcess(
  t: Teardown,
  env: Record<string, string> = {},
): Promise<InProcessGateway> {
  const dataDir = await mkdtemp(join(tmpdir(), 'edgegw-inproc-'));
  const { config } = loadConfig({
    env: {
      EDGEGW_HTTP_ADDR: '127.0.0.1:0',
      EDGEGW_GRPC_ADDR: '127.0.0.1:0',
      EDGEGW_WEBRTC_ADDR: '127.0.0.1:0',
      EDGEGW_DATA_DIR: dataDir,
      EDGEGW_LOG_LEVEL: 'debug',
      ...env,
    },
  });
  const entries: Record<string, unknown>[] = [];
  const sink = new Writable({
    write(chunk, _enc, cb) {
      for (const l of String(chunk).split('\n'))
        if (l) entries.push(JSON.parse(l) as Record<string, unknown>);
      cb();
    },
  });
  const gw = await startGateway(config, { logger: pino({ level: 'debug' }, sink) });
  t.teardown(async () => {
    await gw.close();
    await rm(dataDir, { recursive: true, force: true });
  });
  return Object.assign(Object.create(gw) as Gateway, gw, {
    http: `http://${gw.addresses.http}`,
    logEntries: () => entries,
  });
}
