import type { DurationWire } from './node-info.ts';
import { secondsToDuration } from './node-info.ts';

/** The media figures of NodeService.GetStats, from the hub and the session table. */
export interface MediaStats {
  readonly streams: number;
  readonly streamsOnline: number;
  readonly viewers: number;
  readonly bytesIn: number;
  readonly bytesOut: number;
}

/** Called per GetStats; may be async. A throw becomes INTERNAL. */
export type StatsProvider = () => MediaStats | Promise<MediaStats>;

/** Zero media figures: a node without streams or a hub. */
export const NO_MEDIA_STATS: MediaStats = {
  streams: 0,
  streamsOnline: 0,
  viewers: 0,
  bytesIn: 0,
  bytesOut: 0,
};

/** edgegw.v1.GetStatsResponse as proto-loader objects. */
export interface GetStatsResponseWire {
  streams: number;
  streamsOnline: number;
  viewers: number;
  bytesIn: string | number;
  bytesOut: string | number;
  cpuUser: DurationWire;
  cpuSystem: DurationWire;
  memoryRssBytes: string | number;
  memoryHeapUsedBytes: string | number;
  uptime: DurationWire;
}

/** The process half of GetStats. */
export type ProcessProbe = Pick<NodeJS.Process, 'cpuUsage' | 'memoryUsage' | 'uptime'>;

/** Media figures plus the process's CPU time, memory and uptime, as GetStatsResponse. */
export function toGetStatsResponse(media: MediaStats, proc: ProcessProbe = process): GetStatsResponseWire {
  const cpu = proc.cpuUsage();
  const mem = proc.memoryUsage();
  return {
    streams: media.streams,
    streamsOnline: media.streamsOnline,
    viewers: media.viewers,
    bytesIn: media.bytesIn,
    bytesOut: media.bytesOut,
    cpuUser: secondsToDuration(cpu.user / 1e6),
    cpuSystem: secondsToDuration(cpu.system / 1e6),
    memoryRssBytes: mem.rss,
    memoryHeapUsedBytes: mem.heapUsed,
    uptime: secondsToDuration(proc.uptime()),
  };
}
