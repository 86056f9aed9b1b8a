import { textCodec } from './attribute.ts';
import { AttrType } from './constants.ts';

/**
 * SOFTWARE (RFC 8489 §14.14): a textual description of the agent, fewer than 128 characters
 * (at most 763 bytes of UTF-8). Comprehension-optional.
 *
 *   +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 *   |                 Software (variable, padded to 4)            ...
 *   +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 */
export const software = textCodec(AttrType.Software, 'SOFTWARE', 763);
