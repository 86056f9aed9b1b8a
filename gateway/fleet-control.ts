import type { Logger } from 'pino';
import { openRuntimeState, type Config, type RtspTransport } from './config/index.ts';
import {
  createEventHub,
  openMemoryStreamRegistry,
  NotFoundError,
  UNKNOWN_STATUS,
  type EventHub,
  type FixedStream,
  type MemoryStreamRegistry,
  type MediaStats,
  type SessionInfo,
  type SessionRegistry,
  type StatsProvider,
  type StreamStatus,
} from './control/index.ts';
import type { WhepSession, WhepSessions } from './http/index.ts';
import type { SourceStatus, StreamTable } from './stream-table.ts';

/** What the gRPC control plane serves: the node's streams, viewer sessions and events. */
export interface FleetControl {
  readonly streams: MemoryStreamRegistry;
  readonly sessions: SessionRegistry;
  readonly events: EventHub;
  /**
   * NodeService.GetStats's media figures: bytes in since start (RTP from cameras, cumulative over
   * reconnects; what WHIP publishers sent), bytes out to every viewer since start (those that left
   * and streams that were removed included), streams and viewers now.
   */
  readonly stats: StatsProvider;
  /**
   * On-demand flags of runtime streams by name (StreamSpec has none; the IoT Edge module twin sets
   * them before it adds or updates a stream). Absent: always on.
   */
  readonly runtimeOnDemand: Map<string, boolean>;
  /** Feed for StreamTable's status changes (stream online/offline/retrying events). */
  onStreamStatus(name: string, status: SourceStatus): void;
  /** Feed for WHEP viewers joining and leaving (session events). */
  onViewer(event: 'joined' | 'left', s: WhepSession): void;
}

const EVENT_OF = { online: 'stream_online', offline: 'stream_offline', retrying: 'stream_retrying' } as const;

/** RTP bytes and packets sent to one viewer so far. */
function sentTo(s: WhepSession): { bytes: number; packets: number } {
  let bytes = 0;
  let packets = 0;
  for (const sender of s.link?.senders.values() ?? []) {
    bytes += sender.stats.bytes;
    packets += sender.stats.packets;
  }
  return { bytes, packets };
}

function sessionInfo(s: WhepSession): SessionInfo {
  const { bytes, packets } = sentTo(s);
  let lost = 0;
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
  /**
   * Bytes received for a stream: RTP from its camera (ingest-rtsp's counters, cumulative over
   * reconnects), else what its hub was fed (a WHIP publisher); the built-in demo receives nothing.
   */
  const bytesIn = (name: string): number => {
    const st = table.status(name);
    if (st === undefined || st.origin === 'builtin') return 0;
    const cam = table.rtspCounters().find((c) => c.stream === name);
    if (cam === undefined) return table.hub(name)?.stats.bytes ?? 0;
    let n = 0;
    for (const m of cam.counters.media.values()) n += m.bytes;
    return n;
  };
  // Totals "since the gateway started" keep what removed streams received and departed viewers
  // were sent. A viewer's final count is held until its session leaves the WHEP table (then it moves
  // into the total), so it is counted once whether or not the table still lists it.
  let retiredIn = 0;
  let retiredOut = 0;
  const departed = new Map<string, number>();
  const left = new WeakSet<WhepSession>();
  // CloseSession's reason, held until the session reports leaving (its session_closed event says it).
  const closeReasons = new Map<string, string>();
  const settleDeparted = (): WhepSession[] => {
    const live = opts.whep().list();
    const ids = new Set(live.map((s) => s.id));
    for (const [id, bytes] of departed) {
      if (ids.has(id)) continue;
      retiredOut += bytes;
      departed.delete(id);
    }
    return live;
  };
  const retire = (name: string): void => {
    retiredIn += bytesIn(name);
  };
  const status = (name: string): StreamStatus | undefined => {
    const st = table.status(name);
    const info = table.hub(name)?.info;
    if (!st || !info) return undefined;
    return {
      ...UNKNOWN_STATUS,
      bytesIn: bytesIn(name),
      state: st.state === 'starting' ? 'starting' : st.state,
      reason: st.reason,
      viewers: info.viewers,
      videoCodec: info.video?.codec ?? '',
      width: info.video?.width ?? 0,
      height: info.video?.height ?? 0,
    };
  };
  const runtimeOnDemand = new Map<string, boolean>();
  const addRuntime = (e: { name: string; sourceUrl: string; rtspTransport: RtspTransport }): void =>
    table.addRtsp(e.name, e.sourceUrl, e.rtspTransport, 'runtime', {
      onDemand: runtimeOnDemand.get(e.name) ?? false,
    });
  const streams = await openMemoryStreamRegistry({
    store: openRuntimeState(config.dataDir, logger),
    fixed,
    status,
    events,
    listener: {
      added: addRuntime,
      updated: (e) => {
        retire(e.name);
        void table.remove(e.name).then(() => addRuntime(e));
      },
      removed: (e) => {
        retire(e.name);
        runtimeOnDemand.delete(e.name);
        void table.remove(e.name);
      },
    },
  });
  // Streams added at runtime before a restart come back with it.
  for (const e of await streams.list()) {
    if (e.origin === 'runtime' && !table.has(e.name)) addRuntime(e);
  }
  const stats = async (): Promise<MediaStats> => {
    const all = await streams.list();
    const live = settleDeparted();
    let out = retiredOut;
    for (const s of live) out += departed.get(s.id) ?? sentTo(s).bytes;
    return {
      streams: all.length,
      streamsOnline: all.filter((e) => e.status.state === 'online').length,
      viewers: live.filter((s) => !departed.has(s.id)).length,
      bytesIn: all.reduce((n, e) => n + e.status.bytesIn, retiredIn),
      bytesOut: out,
    };
  };
  return {
    streams,
    events,
    stats,
    runtimeOnDemand,
    sessions: {
      list: () => opts.whep().list().map(sessionInfo),
      close: (id, reason) => {
        const session = opts
          .whep()
          .list()
          .find((x) => x.id === id);
        if (session === undefined) throw new NotFoundError('session', id);
        // Set first: the session may report leaving while close() runs.
        if (session.link !== undefined && !left.has(session)) closeReasons.set(id, reason);
        opts.whep().close(id);
      },
    },
    onStreamStatus(name, st) {
      if (st.state === 'starting') return;
      events.publish({ kind: EVENT_OF[st.state], streamName: name, reason: st.reason });
    },
    onViewer(event, s) {
      // A session may report leaving more than once (failed, then closed): count and tell it once.
      if (event === 'left') {
        if (left.has(s)) return;
        left.add(s);
        departed.set(s.id, sentTo(s).bytes);
        settleDeparted();
      }
      const reason = event === 'left' ? closeReasons.get(s.id) : undefined;
      closeReasons.delete(s.id);
      events.publish({
        kind: event === 'joined' ? 'session_opened' : 'session_closed',
        streamName: s.stream,
        sessionId: s.id,
        ...(reason === undefined ? {} : { reason }),
      });
    },
  };
}
