import type { Logger } from 'pino';
import { openRuntimeState, type Config } from './config/index.ts';
import {
  createEventHub,
  openMemoryStreamRegistry,
  UNKNOWN_STATUS,
  type EventHub,
  type FixedStream,
  type MemoryStreamRegistry,
  type SessionInfo,
  type SessionRegistry,
  type StreamStatus,
} from './control/index.ts';
import type { WhepSession, WhepSessions } from './http/index.ts';
import type { SourceStatus, StreamTable } from './stream-table.ts';

/** What the gRPC control plane serves: the node's streams, viewer sessions and events. */
export interface FleetControl {
  readonly streams: MemoryStreamRegistry;
  readonly sessions: SessionRegistry;
  readonly events: EventHub;
  /** Feed for StreamTable's status changes (stream online/offline/retrying events). */
  onStreamStatus(name: string, status: SourceStatus): void;
  /** Feed for WHEP viewers joining and leaving (session events). */
  onViewer(event: 'joined' | 'left', s: WhepSession): void;
}

const EVENT_OF = { online: 'stream_online', offline: 'stream_offline', retrying: 'stream_retrying' } as const;

function sessionInfo(s: WhepSession): SessionInfo {
  let bytes = 0;
  let packets = 0;
  let lost = 0;
  for (const sender of s.link?.senders.values() ?? []) {
    bytes += sender.stats.bytes;
    packets += sender.stats.packets;
  }
  for (const q of s.link?.quality.values() ?? []) lost += Math.max(0, q.quality.cumulativeLost);
  const rtt = s.link?.quality.get('video')?.quality.rttMs ?? s.link?.quality.get('audio')?.quality.rttMs;
  const remote = s.pc.remoteAddr;
  return {
    id: s.id,
    streamName: s.stream,
    remoteAddress: remote ? `${remote.address}:${remote.port}` : '',
    state: s.pc.connectionState,
    bytesSent: bytes,
    packetsSent: packets,
    packetsLost: lost,
    rttSeconds: rtt === undefined ? undefined : rtt / 1000,
    startedAt: s.startedAt,
    protocol: 'whep',
  };
}

/**
 * Wires the control plane's registries to the running parts: streams persist in the data dir
 * (added over gRPC → started at once and again after a restart), config and built-in streams are
 * listed read-only, viewer sessions come from WHEP, and source/viewer changes become events.
 */
export async function openFleetControl(opts: {
  config: Config;
  table: StreamTable;
  whep: () => WhepSessions;
  logger: Logger;
}): Promise<FleetControl> {
  const { config, table, logger } = opts;
  const events = createEventHub();
  const fixed: FixedStream[] = [];
  if (config.demo.enabled) {
    fixed.push({
      origin: 'builtin',
      spec: {
        name: 'demo',
        sourceUrl: 'builtin:demo',
        rtspTransport: 'auto',
        description: 'built-in demo clip',
      },
    });
  }
  for (const [name, cam] of Object.entries(config.streams)) {
    fixed.push({
      origin: 'config',
      spec: { name, sourceUrl: cam.url, rtspTransport: cam.transport, description: '' },
    });
  }
  const status = (name: string): StreamStatus | undefined => {
    const st = table.status(name);
    const info = table.hub(name)?.info;
    if (!st || !info) return undefined;
    return {
      ...UNKNOWN_STATUS,
      state: st.state === 'starting' ? 'starting' : st.state,
      reason: st.reason,
      viewers: info.viewers,
      videoCodec: info.video?.codec ?? '',
      width: info.video?.width ?? 0,
      height: info.video?.height ?? 0,
    };
  };
  const streams = await openMemoryStreamRegistry({
    store: openRuntimeState(config.dataDir, logger),
    fixed,
    status,
    events,
    listener: {
      added: (e) => table.addRtsp(e.name, e.sourceUrl, e.rtspTransport, 'runtime'),
      updated: (e) =>
        void table.remove(e.name).then(() => table.addRtsp(e.name, e.sourceUrl, e.rtspTransport, 'runtime')),
      removed: (e) => void table.remove(e.name),
    },
  });
  // Streams added at runtime before a restart come back with it.
  for (const e of await streams.list()) {
    if (e.origin === 'runtime' && !table.has(e.name))
      table.addRtsp(e.name, e.sourceUrl, e.rtspTransport, 'runtime');
  }
  return {
    streams,
    events,
    sessions: {
      list: () => opts.whep().list().map(sessionInfo),
      close: (id) => {
        opts.whep().close(id);
      },
    },
    onStreamStatus(name, st) {
      if (st.state === 'starting') return;
      events.publish({ kind: EVENT_OF[st.state], streamName: name, reason: st.reason });
    },
    onViewer(event, s) {
      events.publish({
        kind: event === 'joined' ? 'session_opened' : 'session_closed',
        streamName: s.stream,
        sessionId: s.id,
      });
    },
  };
}
