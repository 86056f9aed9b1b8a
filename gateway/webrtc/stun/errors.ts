/**
 * Stable error codes of the STUN codec. Callers switch on `code`, count and drop.
 *
 * - `STUN_TRUNCATED`: the buffer ends before the header, an attribute header or an attribute value.
 * - `STUN_NOT_STUN`: the first two bits are not zero or the magic cookie is wrong (RFC 8489 §5).
 * - `STUN_BAD_LENGTH`: the header's length is not a multiple of 4 or disagrees with the datagram.
 * - `STUN_BAD_ATTRIBUTE`: a known attribute's value is malformed, or one sits where it may not.
 * - `STUN_BAD_FINGERPRINT`: FINGERPRINT does not match the CRC-32 of the message (RFC 8489 §14.7).
 * - `STUN_BAD_INTEGRITY`: MESSAGE-INTEGRITY(-SHA256) does not verify (RFC 8489 §14.5, §14.6).
 * - `STUN_ENCODE`: a message cannot be encoded (a value out of range, too long).
 */
export type StunErrorCode =
  | 'STUN_TRUNCATED'
  | 'STUN_NOT_STUN'
  | 'STUN_BAD_LENGTH'
  | 'STUN_BAD_ATTRIBUTE'
  | 'STUN_BAD_FINGERPRINT'
  | 'STUN_BAD_INTEGRITY'
  | 'STUN_ENCODE';

/** The one error class the STUN module throws; `offset` is the byte offset in the message where it applies. */
export class StunError extends Error {
  readonly code: StunErrorCode;
  readonly offset: number | undefined;
  constructor(code: StunErrorCode, message: string, options?: { offset?: number; cause?: unknown }) {
    super(options?.offset === undefined ? message : `${message} (at byte ${options.offset})`, {
      cause: options?.cause,
    });
    this.name = 'StunError';
    this.code = code;
    this.offset = options?.offset;
  }
}
