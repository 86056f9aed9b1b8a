/**
 * Errors of the SRTP module. Every failure on hostile input is one of these classes, with a stable
 * `code`; callers count them and drop the packet. Nothing else escapes `unprotect*` / `protect*`.
 */

/** Stable codes of {@link SrtpError}. */
export type SrtpErrorCode =
  | 'SRTP_AUTH_FAILED'
  | 'SRTP_REPLAYED'
  | 'SRTP_TRUNCATED'
  | 'SRTP_BAD_HEADER'
  | 'SRTP_BAD_KEY'
  | 'SRTP_UNSUPPORTED_PROFILE'
  | 'SRTP_OUTPUT_TOO_SMALL'
  | 'SRTP_INDEX_EXHAUSTED'
  | 'SRTP_SSRC_LIMIT'
  | 'SRTP_CLOSED';

/** Base of every SRTP error: a stable `code` callers can switch on. */
export class SrtpError extends Error {
  readonly code: SrtpErrorCode;
  /** Byte offset in the packet where parsing failed, when it applies. */
  readonly offset: number | undefined;
  constructor(code: SrtpErrorCode, message: string, options?: { cause?: unknown; offset?: number }) {
    super(message, options?.cause === undefined ? undefined : { cause: options.cause });
    this.name = new.target.name;
    this.code = code;
    this.offset = options?.offset;
  }
}

/** The authentication tag (HMAC-SHA1 or the GCM tag) does not match: forged, corrupted or wrong key. */
export class SrtpAuthError extends SrtpError {
  constructor(what: 'SRTP' | 'SRTCP', cause?: unknown) {
    super('SRTP_AUTH_FAILED', `${what} packet failed authentication`, { cause });
  }
}

/** RFC 3711 §3.3.2: the index was already received, or is older than the replay window. */
export class SrtpReplayError extends SrtpError {
  readonly reason: 'duplicate' | 'too-old';
  readonly index: number;
  constructor(what: 'SRTP' | 'SRTCP', reason: 'duplicate' | 'too-old', index: number) {
    super('SRTP_REPLAYED', `${what} packet index ${index} rejected by the replay window (${reason})`);
    this.reason = reason;
    this.index = index;
  }
}

/** The packet is shorter than its headers, tag and trailer say it must be. */
export class SrtpTruncatedError extends SrtpError {
  constructor(what: string, offset: number) {
    super('SRTP_TRUNCATED', `${what}: packet truncated at offset ${offset}`, { offset });
  }
}

/** The RTP/RTCP header is not version 2. */
export class SrtpBadHeaderError extends SrtpError {
  constructor(message: string, offset: number) {
    super('SRTP_BAD_HEADER', message, { offset });
  }
}

/** Master key or salt of the wrong length for the profile, or keying material of the wrong size. */
export class SrtpBadKeyError extends SrtpError {
  constructor(message: string) {
    super('SRTP_BAD_KEY', message);
  }
}

/** A protection profile id this module does not implement. */
export class SrtpUnsupportedProfileError extends SrtpError {
  readonly profile: number;
  constructor(profile: number) {
    super(
      'SRTP_UNSUPPORTED_PROFILE',
      `unsupported SRTP protection profile 0x${profile.toString(16).padStart(4, '0')}`,
    );
    this.profile = profile;
  }
}

/** The caller's output buffer cannot hold the result (a caller bug, not hostile input). */
export class SrtpOutputTooSmallError extends SrtpError {
  constructor(need: number, have: number) {
    super('SRTP_OUTPUT_TOO_SMALL', `output buffer holds ${have} bytes, ${need} needed`);
  }
}

/** RFC 3711 §9.2: the packet index (2^48 for SRTP, 2^31 for SRTCP) is used up; the key must be replaced. */
export class SrtpIndexExhaustedError extends SrtpError {
  constructor(what: 'SRTP' | 'SRTCP') {
    super('SRTP_INDEX_EXHAUSTED', `${what} index exhausted: re-key before sending more`);
  }
}

/**
 * Protecting for a new SSRC while `maxSsrcs` sending SSRCs are tracked. The sending side never
 * forgets an SSRC: re-creating one would restart its ROC / SRTCP index at 0 and reuse keystream.
 */
export class SrtpSsrcLimitError extends SrtpError {
  readonly ssrc: number;
  constructor(ssrc: number, max: number) {
    super('SRTP_SSRC_LIMIT', `cannot protect for SSRC ${ssrc}: ${max} sending SSRCs already tracked`);
    this.ssrc = ssrc;
  }
}

/** The context was closed. */
export class SrtpClosedError extends SrtpError {
  constructor() {
    super('SRTP_CLOSED', 'SRTP context is closed');
  }
}
