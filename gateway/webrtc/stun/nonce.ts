import { textCodec } from './attribute.ts';
import { AttrType } from './constants.ts';

/**
 * NONCE (RFC 8489 §14.10): a server-chosen nonce for long-term credentials, fewer than 128 characters
 * (at most 763 bytes).
 *
 *   +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 *   |                   Nonce (variable, padded to 4)             ...
 *   +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 */
export const nonce = textCodec(AttrType.Nonce, 'NONCE', 763);
