import type { RuntimeState } from './runtime-state.ts';

/**
 * The n-th state the kill test's child writes: 1 to 40 streams (so files differ in length and a
 * torn write could not pass for a whole one), every field derived from n. Test support only.
 */
export function stateNumber(n: number): RuntimeState {
  const at = new Date(Date.UTC(2026, 0, 1) + n * 1000).toISOString();
  return {
    version: 1,
    streams: Array.from({ length: 1 + (n % 40) }, (_, i) => ({
      name: `cam-${i}`,
      sourceUrl: `rtsp://user:pw${n}@10.0.0.${i % 250}:554/stream${n}`,
      rtspTransport: 'auto' as const,
      description: String(n),
      createdAt: at,
      updatedAt: at,
    })),
  };
}
