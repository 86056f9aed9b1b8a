/**
 * A control server wired to the in-memory registries, a temp data dir and a real grpc-js client,
 * for the gateway/control service tests.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import * as grpc from '@grpc/grpc-js';
import { openRuntimeState } from '../../gateway/config/index.ts';
import {
  runCli,
  createEventHub,
  createSessionTable,
  loadControlProtos,
  openMemoryStreamRegistry,
  startControlServer,
} from '../../gateway/control/index.ts';
import type {
  ControlLogger,
  ControlServer,
  ControlServerOptions,
  EventHub,
  FixedStream,
  MemoryStreamRegistry,
  NodeInfo,
  SessionTable,
} from '../../gateway/control/index.ts';
import { service, statusOf } from './grpc-client.ts';

export interface LogLine {
  level: 'debug' | 'info' | 'warn' | 'error';
  obj: object;
  msg: string | undefined;
}

/** A ControlLogger that keeps every line. */
export function recordingLogger(): ControlLogger & { lines: LogLine[] } {
  const lines: LogLine[] = [];
  const at =
    (level: LogLine['level']) =>
    (obj: object, msg?: string): void => {
      lines.push({ level, obj, msg });
    };
  return { lines, debug: at('debug'), info: at('info'), warn: at('warn'), error: at('error') };
}

export const TEST_NODE_INFO: NodeInfo = {
  version: '1.0.0',
  nodeId: 'control-test',
  arch: 'x64',
  platform: 'linux',
  uptimeSeconds: 1,
  addresses: {},
  capabilities: [],
};

export const protos = loadControlProtos();
export const svc = {
  node: service(protos.packageDefinition, 'edgegw.v1.NodeService'),
  streams: service(protos.packageDefinition, 'edgegw.v1.StreamService'),
  sessions: service(protos.packageDefinition, 'edgegw.v1.SessionService'),
  events: service(protos.packageDefinition, 'edgegw.v1.EventService'),
  health: service(protos.packageDefinition, 'grpc.health.v1.Health'),
};

export interface ControlFixture {
  readonly dataDir: string;
  readonly server: ControlServer;
  readonly client: grpc.Client;
  readonly logger: ReturnType<typeof recordingLogger>;
  readonly streams: MemoryStreamRegistry;
  readonly sessions: SessionTable;
  readonly events: EventHub;
  /** Session ids passed to the table's disconnect callback. */
  readonly disconnected: string[];
  /** Closes client and server, keeps the data dir (for restart tests). */
  stop(): Promise<void>;
}

type Teardown = { teardown(fn: () => unknown): void };

/**
 * @param dataDir reuse a data dir (restart tests); default a new temp dir removed at teardown.
 */
export async function startControlFixture(
  t: Teardown,
  extra: Partial<ControlServerOptions> & { dataDir?: string; fixed?: FixedStream[] } = {},
): Promise<ControlFixture> {
  const dataDir = extra.dataDir ?? mkdtempSync(path.join(tmpdir(), 'edgegw-control-'));
  if (extra.dataDir === undefined) t.teardown(() => rmSync(dataDir, { recursive: true, force: true }));
  const logger = recordingLogger();
  const events = createEventHub();
  const streams = await openMemoryStreamRegistry({
    store: openRuntimeState(dataDir, logger),
    fixed: extra.fixed ?? [],
    events,
  });
  const disconnected: string[] = [];
  const sessions = createSessionTable((id) => void disconnected.push(id), events);
  const server = await startControlServer({
    addr: '127.0.0.1:0',
    node: () => TEST_NODE_INFO,
    logger,
    streams,
    sessions,
    events,
    ...extra,
  });
  const client = new grpc.Client(server.address, grpc.credentials.createInsecure());
  let stopped: Promise<void> | undefined;
  const stop = (): Promise<void> =>
    (stopped ??= (async () => {
      client.close();
      await server.close(500);
    })());
  t.teardown(stop);
  return { dataDir, server, client, logger, streams, sessions, events, disconnected, stop };
}

/** The gRPC status a call ended with: OK (0) when it resolved. */
export async function settle(p: Promise<unknown>): Promise<{ code: number; details: string }> {
  try {
    await p;
  } catch (err) {
    return statusOf(err);
  }
  return { code: grpc.status.OK, details: '' };
}

/** The status and trailing metadata of a call that must fail (rejects when it succeeded). */
export async function failure(
  p: Promise<unknown>,
): Promise<{ code: number; details: string; md: Record<string, unknown> }> {
  try {
    await p;
  } catch (err) {
    const e = err as grpc.ServiceError;
    return { code: e.code, details: e.details, md: e.metadata.getMap() };
  }
  throw new Error('the call succeeded');
}

/** `edge-gateway <argv> --addr <addr>` in this process: exit code and what it printed. */
export async function cliAt(
  addr: string,
  ...argv: string[]
): Promise<{ code: number; out: string; err: string }> {
  let out = '';
  let err = '';
  const code = await runCli([...argv, '--addr', addr], {
    stdout: { write: (s: string) => (out += s) },
    stderr: { write: (s: string) => (err += s) },
    env: {},
  });
  return { code, out, err };
}
