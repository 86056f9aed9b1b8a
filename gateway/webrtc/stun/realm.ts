import { textCodec } from './attribute.ts';
import { AttrType } from './constants.ts';

/**
 * REALM (RFC 8489 §14.9): long-term credential realm, fewer than 128 characters (at most 763 bytes).
 *
 *   +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 *   |                   Realm (variable, padded to 4)             ...
 *   +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 */
export const realm = textCodec(AttrType.Realm, 'REALM', 763);
