import { z } from 'zod';
import { createStateStore, type StateLogger, type StateStore } from './state-store.ts';

/** Stream names: what URLs (`/whep/<name>`), NATS subjects and gRPC use. */
export const STREAM_NAME_PATTERN = /^[A-Za-z0-9][A-Za-z0-9_-]{0,63}$/;

/** The version of {@link RuntimeState} this gateway writes. */
export const RUNTIME_STATE_VERSION = 1;

/** How the RTSP client carries RTP: `auto` tries UDP, then TCP-interleaved. */
export const RTSP_TRANSPORTS = ['auto', 'tcp', 'udp'] as const;
export type RtspTransport = (typeof RTSP_TRANSPORTS)[number];

/** A stream added at runtime (over gRPC), as persisted. The source URL keeps its credentials. */
export const storedStreamSchema = z
  .object({
    name: z.string().regex(STREAM_NAME_PATTERN),
    sourceUrl: z.string().min(1),
    rtspTransport: z.enum(RTSP_TRANSPORTS),
    description: z.string(),
    createdAt: z.iso.datetime(),
    updatedAt: z.iso.datetime(),
  })
  .strict();
export type StoredStream = z.output<typeof storedStreamSchema>;

/** `state.json` in the data directory, version 1. */
export const runtimeStateSchema = z
  .object({
    version: z.literal(RUNTIME_STATE_VERSION),
    streams: z.array(storedStreamSchema).refine((s) => new Set(s.map((x) => x.name)).size === s.length, {
      message: 'duplicate stream names',
    }),
  })
  .strict();
export type RuntimeState = z.output<typeof runtimeStateSchema>;

/**
 * The store of the gateway's runtime state: `<dataDir>/state.json`.
 *
 * @example
 * const store = openRuntimeState(config.dataDir, logger);
 * const { state } = await store.load();
 */
export function openRuntimeState(dataDir: string, logger?: StateLogger): StateStore<RuntimeState> {
  return createStateStore<RuntimeState>({
    dir: dataDir,
    version: RUNTIME_STATE_VERSION,
    schema: runtimeStateSchema,
    empty: () => ({ version: RUNTIME_STATE_VERSION, streams: [] }),
    ...(logger !== undefined ? { logger } : {}),
  });
}
