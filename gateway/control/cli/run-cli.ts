import { parseArgs } from 'node:util';
import * as grpc from '@grpc/grpc-js';
import type { ProbeSourceResponseWire, StreamWire } from '../stream-wire.ts';
import type { WatchEventsResponseWire } from '../event-service.ts';
import type { GetInfoResponseWire } from '../node-info.ts';
import type { GetStatsResponseWire } from '../node-stats.ts';
import { connect, type CliConnection } from './cli-connection.ts';
import { CliUsageError } from './cli-errors.ts';
import { enumLabel, formatTable, seconds } from './table.ts';

/** The subcommands `edge-gateway` dispatches to the CLI (anything else runs the gateway). */
export const CLI_COMMANDS: ReadonlySet<string> = new Set(['info', 'streams', 'sessions', 'events']);

export const CLI_USAGE = `usage: edge-gateway <command> [flags]

Commands (over gRPC to a running gateway):
  info                                   node identity, addresses and load
  streams list                           every stream
  streams add NAME URL [--transport auto|tcp|udp] [--description TEXT]
  streams rm NAME
  streams probe URL [--transport auto|tcp|udp] [--seconds N] [--timeout N]
                                         what a camera offers and whether browsers can play it,
                                         probed by the gateway (exit 3: answers but not playable)
  sessions list [--stream NAME]          viewer sessions
  sessions close ID [--reason TEXT]      disconnect a viewer
  events [--kind KIND]... [--stream NAME]...
                                         follow events until Ctrl-C (KIND: stream_online, stream_offline,
                                         stream_retrying, stream_added, stream_updated, stream_removed,
                                         session_opened, session_closed)
Flags:
  --addr HOST:PORT    gateway gRPC address (default EDGEGW_GRPC_ADDR or 127.0.0.1:50051)
  --token TOKEN       bearer token (default EDGEGW_GRPC_TOKEN); --token-file FILE (EDGEGW_GRPC_TOKEN_FILE)
  --tls               use TLS with the system CAs; --ca FILE to trust a CA; --cert FILE --key FILE for mTLS
  --json              machine-readable output (one JSON object per line for events)
Exit status: 0 ok, 1 the gateway answered with an error or could not be reached, 2 bad command line,
3 a probed source answers but browsers cannot play it.`;

/** Where the CLI writes, what it reads, and what stops `events`. */
export interface CliIo {
  readonly stdout: { write(s: string): unknown };
  readonly stderr: { write(s: string): unknown };
  readonly env: NodeJS.ProcessEnv;
  /** Ends `events` (Ctrl-C). */
  readonly signal?: AbortSignal;
}

const FLAGS = {
  addr: { type: 'string' },
  token: { type: 'string' },
  'token-file': { type: 'string' },
  tls: { type: 'boolean' },
  ca: { type: 'string' },
  cert: { type: 'string' },
  key: { type: 'string' },
  json: { type: 'boolean' },
  transport: { type: 'string' },
  description: { type: 'string' },
  stream: { type: 'string', multiple: true },
  kind: { type: 'string', multiple: true },
  reason: { type: 'string' },
  seconds: { type: 'string' },
  timeout: { type: 'string' },
  help: { type: 'boolean', short: 'h' },
} as const;

type Values = ReturnType<typeof parseArgs<{ options: typeof FLAGS; allowPositionals: true }>>['values'];

function isServiceError(err: unknown): err is grpc.ServiceError {
  return typeof err === 'object' && err !== null && 'code' in err && 'details' in err && 'metadata' in err;
}

const TRANSPORTS: Record<string, string> = {
  auto: 'RTSP_TRANSPORT_AUTO',
  tcp: 'RTSP_TRANSPORT_TCP',
  udp: 'RTSP_TRANSPORT_UDP',
};

/**
 * Runs one CLI command. Never throws: errors go to stderr as one line, and the exit code says
 * what happened (0 ok, 1 gRPC error, 2 usage).
 *
 * @example
 * process.exitCode = await runCli(['streams', 'list', '--json'], { stdout: process.stdout, stderr: process.stderr, env: process.env });
 */
export async function runCli(argv: readonly string[], io: CliIo): Promise<number> {
  let values: Values;
  let positionals: string[];
  try {
    ({ values, positionals } = parseArgs({
      args: [...argv],
      options: FLAGS,
      allowPositionals: true,
      strict: true,
    }));
  } catch (err) {
    io.stderr.write(`edge-gateway: ${(err as Error).message}\n${CLI_USAGE}\n`);
    return 2;
  }
  if (values.help === true) {
    io.stdout.write(CLI_USAGE + '\n');
    return 0;
  }
  let conn: CliConnection | undefined;
  try {
    const [command, ...rest] = positionals;
    if (command === undefined || !CLI_COMMANDS.has(command))
      throw new CliUsageError(`unknown command ${command ?? ''}`);
    conn = connect(
      {
        addr: values.addr ?? (io.env.EDGEGW_GRPC_ADDR || '127.0.0.1:50051'),
        token: values.token,
        tokenFile: values['token-file'],
        tls: values.tls,
        ca: values.ca,
        cert: values.cert,
        key: values.key,
      },
      io.env,
    );
    const out = (human: string, json: unknown): void => {
      io.stdout.write(values.json === true ? JSON.stringify(json) + '\n' : human);
    };
    switch (command) {
      case 'info':
        await info(conn, out);
        break;
      case 'streams':
        return (await streams(conn, rest, values, out)) ?? 0;
      case 'sessions':
        await sessions(conn, rest, values, out);
        break;
      case 'events':
        await events(conn, rest, values, out, io.signal);
        break;
    }
    return 0;
  } catch (err) {
    if (err instanceof CliUsageError) {
      io.stderr.write(`edge-gateway: ${err.message}\n${CLI_USAGE}\n`);
      return 2;
    }
    if (isServiceError(err)) {
      io.stderr.write(`edge-gateway: ${grpc.status[err.code] ?? err.code}: ${err.details}\n`);
      return 1;
    }
    io.stderr.write(`edge-gateway: ${err instanceof Error ? err.message : String(err)}\n`);
    return 1;
  } finally {
    conn?.close();
  }
}

type Out = (human: string, json: unknown) => void;

function args(rest: readonly string[], n: number, usage: string): string[] {
  if (rest.length !== n) throw new CliUsageError(`expected: ${usage}`);
  return [...rest];
}

async function info(conn: CliConnection, out: Out): Promise<void> {
  const [node, stats] = await Promise.all([
    conn.unary<GetInfoResponseWire>('NodeService', 'GetInfo', {}),
    conn.unary<GetStatsResponseWire>('NodeService', 'GetStats', {}),
  ]);
  const rows = [
    ['node', node.nodeId],
    ['version', node.version],
    ['platform', `${node.platform}/${node.arch}`],
    ['uptime', `${Math.floor(seconds(node.uptime))} s`],
    ...node.listenAddresses.map((a) => [enumLabel(a.protocol, 'LISTEN_PROTOCOL_'), a.address]),
    ['streams', `${stats.streams} (${stats.streamsOnline} online)`],
    ['viewers', String(stats.viewers)],
    ['bytes in/out', `${stats.bytesIn} / ${stats.bytesOut}`],
    ['cpu user/system', `${seconds(stats.cpuUser).toFixed(2)} s / ${seconds(stats.cpuSystem).toFixed(2)} s`],
    ['memory rss', `${(Number(stats.memoryRssBytes) / 2 ** 20).toFixed(1)} MiB`],
    ['capabilities', node.capabilities.join(', ')],
  ];
  out(rows.map(([k, v]) => `${(k ?? '').padEnd(16)}${v ?? ''}\n`).join(''), { info: node, stats });
}

function streamRow(s: StreamWire): string[] {
  return [
    s.name,
    enumLabel(s.origin, 'STREAM_ORIGIN_'),
    enumLabel(s.state, 'STREAM_STATE_'),
    String(s.viewers),
    s.sourceUrl,
  ];
}
const STREAM_HEADER = ['NAME', 'ORIGIN', 'STATE', 'VIEWERS', 'SOURCE'];

/** A CLI flag in seconds as a google.protobuf.Duration; `undefined` when absent. */
function durationFlag(
  value: string | undefined,
  flag: string,
  max: number,
): { seconds: number; nanos: number } | undefined {
  if (value === undefined) return undefined;
  const n = Number(value);
  if (value.trim() === '' || !Number.isFinite(n) || n < 0 || n > max)
    throw new CliUsageError(`--${flag} is a number of seconds from 0 to ${max}`);
  const whole = Math.floor(n);
  return { seconds: whole, nanos: Math.round((n - whole) * 1e9) };
}

/** A ProbeSourceResponse for people: one line per track, the verdict, the notes. */
function probeText(r: ProbeSourceResponseWire): string {
  const lines = [
    `source ${r.sourceUrl}  (transport ${enumLabel(r.rtspTransport, 'RTSP_TRANSPORT_')}${r.auth ? `, auth ${r.auth}` : ''}, ${seconds(r.elapsed).toFixed(2)} s)`,
  ];
  for (const tr of r.tracks) {
    const size = tr.width && tr.height ? ` ${tr.width}x${tr.height}` : '';
    const fps = tr.frameRate ? ` ${Number(tr.frameRate.toFixed(2))} fps` : '';
    const rate = tr.bitrateKbps ? ` ${tr.bitrateKbps} kbit/s` : '';
    const verdict = tr.browserPlayable ? 'yes' : `no (${tr.browserReason})`;
    lines.push(
      `  track ${tr.index}: ${tr.media} ${tr.codec}/${tr.clockRate}${size}${fps}${rate}${tr.bFrames ? ' B-frames' : ''}  browser: ${verdict}`,
    );
  }
  lines.push(`playable in browsers: ${r.playable ? 'yes' : 'NO'}`);
  for (const n of r.notes) lines.push(`  note: ${n}`);
  return lines.join('\n') + '\n';
}

async function streams(
  conn: CliConnection,
  rest: readonly string[],
  v: Values,
  out: Out,
): Promise<number | undefined> {
  const [sub, ...more] = rest;
  if (sub === 'list' || sub === 'ls') {
    args(more, 0, 'streams list');
    const res = await conn.unary<{ streams: StreamWire[] }>('StreamService', 'ListStreams', {});
    out(formatTable(STREAM_HEADER, res.streams.map(streamRow)), res);
  } else if (sub === 'add') {
    const [name, url] = args(more, 2, 'streams add NAME URL [--transport auto|tcp|udp] [--description TEXT]');
    const transport = transportFlag(v);
    const res = await conn.unary<{ stream: StreamWire }>('StreamService', 'AddStream', {
      name,
      sourceUrl: url,
      rtspTransport: transport,
      description: v.description ?? '',
    });
    out(formatTable(STREAM_HEADER, [streamRow(res.stream)]), res);
  } else if (sub === 'rm' || sub === 'remove') {
    const [name] = args(more, 1, 'streams rm NAME');
    await conn.unary('StreamService', 'RemoveStream', { name });
    out(`removed ${name}\n`, { removed: name });
  } else if (sub === 'probe') {
    const [url] = args(more, 1, 'streams probe URL [--transport auto|tcp|udp] [--seconds N] [--timeout N]');
    const sample = durationFlag(v.seconds, 'seconds', 59);
    const timeout = durationFlag(v.timeout, 'timeout', 60);
    const res = await conn.unary<ProbeSourceResponseWire>('StreamService', 'ProbeSource', {
      sourceUrl: url,
      rtspTransport: transportFlag(v),
      // The sample must fit in the timeout: with only --seconds, leave 5 s for connecting.
      timeout:
        timeout ??
        (sample === undefined ? undefined : { seconds: Math.min(60, sample.seconds + 5), nanos: 0 }),
      sample,
    });
    out(probeText(res), res);
    return res.playable ? 0 : 3;
  } else {
    throw new CliUsageError('streams: expected list, add, rm or probe');
  }
  return undefined;
}

function transportFlag(v: Values): string {
  const transport = v.transport === undefined ? 'RTSP_TRANSPORT_AUTO' : TRANSPORTS[v.transport];
  if (transport === undefined) throw new CliUsageError('--transport must be auto, tcp or udp');
  return transport;
}

interface SessionWire {
  id: string;
  streamName: string;
  remoteAddress: string;
  state: string;
  bytesSent: string;
  packetsLost: string;
  rtt: { seconds: string; nanos: number } | null;
}

async function sessions(conn: CliConnection, rest: readonly string[], v: Values, out: Out): Promise<void> {
  const [sub, ...more] = rest;
  if (sub === 'list' || sub === 'ls') {
    args(more, 0, 'sessions list [--stream NAME]');
    if ((v.stream?.length ?? 0) > 1) throw new CliUsageError('sessions list takes one --stream');
    const res = await conn.unary<{ sessions: SessionWire[] }>('SessionService', 'ListSessions', {
      streamName: v.stream?.[0] ?? '',
    });
    const rows = res.sessions.map((s) => [
      s.id,
      s.streamName,
      enumLabel(s.state, 'SESSION_STATE_'),
      s.remoteAddress || '-',
      s.bytesSent,
      s.packetsLost,
      s.rtt === null ? '-' : `${(seconds(s.rtt) * 1000).toFixed(1)} ms`,
    ]);
    out(formatTable(['ID', 'STREAM', 'STATE', 'REMOTE', 'BYTES', 'LOST', 'RTT'], rows), res);
  } else if (sub === 'close') {
    const [id] = args(more, 1, 'sessions close ID [--reason TEXT]');
    await conn.unary('SessionService', 'CloseSession', { id, reason: v.reason ?? '' });
    out(`closed ${id}\n`, { closed: id });
  } else {
    throw new CliUsageError('sessions: expected list or close');
  }
}

async function events(
  conn: CliConnection,
  rest: readonly string[],
  v: Values,
  out: Out,
  signal: AbortSignal | undefined,
): Promise<void> {
  args(rest, 0, 'events [--kind KIND]... [--stream NAME]...');
  const call = conn.stream<WatchEventsResponseWire>('EventService', 'WatchEvents', {
    kinds: (v.kind ?? []).map((k) => `EVENT_KIND_${k.toUpperCase()}`),
    streamNames: v.stream ?? [],
  });
  await new Promise<void>((resolve, reject) => {
    const stop = (): void => call.cancel();
    if (signal?.aborted === true) stop();
    signal?.addEventListener('abort', stop, { once: true });
    call.on('data', (m: WatchEventsResponseWire) => {
      const e = m.event;
      const when = new Date(seconds(e.time) * 1000).toISOString();
      const missed = Number(m.missed) > 0 ? `(missed ${m.missed} events)\n` : '';
      const extra = [
        e.sessionId && `session=${e.sessionId}`,
        e.reason && `reason=${JSON.stringify(e.reason)}`,
      ]
        .filter(Boolean)
        .join(' ');
      out(
        `${missed}${when}  ${enumLabel(e.kind, 'EVENT_KIND_').padEnd(16)}${e.streamName}${extra ? '  ' + extra : ''}\n`,
        m,
      );
    });
    call.on('error', (err: grpc.ServiceError) => {
      signal?.removeEventListener('abort', stop);
      if (err.code === grpc.status.CANCELLED && signal?.aborted === true) resolve();
      else reject(err);
    });
    call.on('end', () => resolve());
  });
}

/**
 * {@link runCli} on the real process: stdout/stderr/env, and SIGINT/SIGTERM end `events`.
 *
 * @example
 * // gateway/main.ts
 * if (sub !== undefined && CLI_COMMANDS.has(sub)) return runCliProcess(process.argv.slice(2));
 */
export async function runCliProcess(argv: readonly string[]): Promise<number> {
  const abort = new AbortController();
  const stop = (): void => abort.abort();
  process.once('SIGINT', stop);
  process.once('SIGTERM', stop);
  try {
    return await runCli(argv, {
      stdout: process.stdout,
      stderr: process.stderr,
      env: process.env,
      signal: abort.signal,
    });
  } finally {
    process.off('SIGINT', stop);
    process.off('SIGTERM', stop);
  }
}
