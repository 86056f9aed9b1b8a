import { uint64Codec } from './attribute.ts';
import { AttrType } from './constants.ts';

/**
 * ICE-CONTROLLING (RFC 8445 §7.1.3, §16.1): the sender believes it is controlling; the value is its
 * 64-bit tie-breaker for role-conflict resolution (§7.3.1.1). Comprehension-optional.
 *
 *    0                   1                   2                   3
 *   +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 *   |                     Tie breaker (64 bits)                     |
 *   |                                                               |
 *   +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 */
export const iceControlling = uint64Codec(AttrType.IceControlling, 'ICE-CONTROLLING');
