import { uint32Codec } from './attribute.ts';
import { AttrType } from './constants.ts';

/**
 * PRIORITY (RFC 8445 §7.1.1, §16.1): the priority a peer-reflexive candidate learned from this check
 * would get. Comprehension-required.
 *
 *    0                   1                   2                   3
 *   +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 *   |                      Priority (32 bits)                       |
 *   +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 */
export const priority = uint32Codec(AttrType.Priority, 'PRIORITY');
