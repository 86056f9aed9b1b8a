import { crc32 } from 'node:zlib';
import type { CandidateTransport, CandidateType } from './candidate.ts';

/**
 * A candidate foundation (RFC 8445 §5.1.1.3): equal for candidates of the same type, the same base IP
 * address, the same transport and (for srflx/relay) the same STUN/TURN server, different otherwise.
 * Derived deterministically (CRC-32 of those four, as decimal) so both restarts and tests are stable;
 * it is an identifier, not a secret. At most 32 ice-chars (RFC 8839 §5.1).
 */
export function computeFoundation(
  type: CandidateType,
  baseAddress: string,
  transport: CandidateTransport,
  server = '',
): string {
  return String(crc32(`${type}|${baseAddress.toLowerCase()}|${transport}|${server}`));
}
