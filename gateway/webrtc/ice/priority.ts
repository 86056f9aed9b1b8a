import type { CandidateType } from './candidate.ts';

/**
 * Recommended type preferences (RFC 8445 §5.1.2.2): host 126, peer-reflexive 110, server-reflexive
 * 100, relayed 0. Peer-reflexive must rank above server-reflexive so a check's PRIORITY (§7.1.1) wins.
 */
export const TYPE_PREFERENCE: Record<CandidateType, number> = { host: 126, prflx: 110, srflx: 100, relay: 0 };

/**
 * Candidate priority (RFC 8445 §5.1.2.1):
 * `priority = (2^24)*(type preference) + (2^8)*(local preference) + (2^0)*(256 - component ID)`.
 *
 * @example
 * candidatePriority('host', 65535, 1); // 2130706431
 */
export function candidatePriority(type: CandidateType, localPreference: number, component: number): number {
  return TYPE_PREFERENCE[type] * 2 ** 24 + (localPreference & 0xffff) * 2 ** 8 + (256 - component);
}

/**
 * Candidate-pair priority (RFC 8445 §6.1.2.3), with G the controlling agent's candidate priority and
 * D the controlled agent's: `2^32*MIN(G,D) + 2*MAX(G,D) + (G>D?1:0)`. Up to 2^64, hence a bigint.
 */
export function pairPriority(controlling: number, controlled: number): bigint {
  const g = BigInt(controlling);
  const d = BigInt(controlled);
  const min = g < d ? g : d;
  const max = g < d ? d : g;
  return (min << 32n) + 2n * max + (g > d ? 1n : 0n);
}
