import { textCodec } from './attribute.ts';
import { AttrType } from './constants.ts';

/**
 * USERNAME (RFC 8489 §14.3): UTF-8, fewer than 513 bytes. ICE puts `remoteUfrag:localUfrag` here
 * (RFC 8445 §7.2.2).
 *
 *    0                   1                   2                   3
 *   +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 *   |                 Username (variable, padded to 4)            ...
 *   +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 */
export const username = textCodec(AttrType.Username, 'USERNAME', 512);
