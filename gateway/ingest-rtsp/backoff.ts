/**
 * Capped exponential backoff: 1 s, 2 s, 4 s, … up to 30 s by default. `attempt` counts failures
 * since the source was last stable (1 = first retry).
 *
 * @example
 * backoffMs(1); // 1000
 * backoffMs(6); // 30000 (32 s capped)
 */
export function backoffMs(attempt: number, baseMs = 1000, maxMs = 30_000): number {
  const n = Math.max(1, Math.floor(attempt));
  return Math.min(maxMs, baseMs * 2 ** Math.min(n - 1, 30));
}
