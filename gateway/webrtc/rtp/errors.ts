/**
 * Errors of the RTP module. Every failure on hostile input is one of these classes with a stable
 * `code`; callers count them and drop the packet. Nothing else escapes a decoder or depacketizer.
 */

/** Stable codes of {@link RtpError}. */
export type RtpErrorCode =
  | 'RTP_TRUNCATED'
  | 'RTP_BAD_VERSION'
  | 'RTP_BAD_PADDING'
  | 'RTP_BAD_EXTENSION'
  | 'RTP_OUTPUT_TOO_SMALL'
  | 'RTP_BAD_ARGUMENT'
  | 'RTP_BAD_PAYLOAD';

/** Base of every RTP error: a stable `code` callers can switch on, and the offset where it applies. */
export class RtpError extends Error {
  readonly code: RtpErrorCode;
  /** Byte offset in the packet or payload where parsing failed, when it applies. */
  readonly offset: number | undefined;
  constructor(code: RtpErrorCode, message: string, options?: { cause?: unknown; offset?: number }) {
    super(message, options?.cause === undefined ? undefined : { cause: options.cause });
    this.name = new.target.name;
    this.code = code;
    this.offset = options?.offset;
  }
}

/** The packet or payload ends before its headers say it must. */
export class RtpTruncatedError extends RtpError {
  constructor(what: string, offset: number) {
    super('RTP_TRUNCATED', `${what}: truncated at offset ${offset}`, { offset });
  }
}

/** RFC 3550 §5.1: V must be 2. */
export class RtpBadVersionError extends RtpError {
  readonly version: number;
  constructor(version: number) {
    super('RTP_BAD_VERSION', `RTP version ${version}, expected 2`, { offset: 0 });
    this.version = version;
  }
}

/** RFC 3550 §5.1: the padding count is 0 or larger than what follows the header. */
export class RtpBadPaddingError extends RtpError {
  constructor(count: number, offset: number) {
    super('RTP_BAD_PADDING', `padding count ${count} does not fit the packet`, { offset });
  }
}

/** RFC 8285: a header extension element overruns its block, or an id/length is out of range. */
export class RtpBadExtensionError extends RtpError {
  constructor(message: string, offset?: number) {
    super('RTP_BAD_EXTENSION', message, offset === undefined ? undefined : { offset });
  }
}

/** The caller's output buffer cannot hold the result (a caller bug, not hostile input). */
export class RtpOutputTooSmallError extends RtpError {
  constructor(need: number, have: number) {
    super('RTP_OUTPUT_TOO_SMALL', `output buffer holds ${have} bytes, ${need} needed`);
  }
}

/** A field given to an encoder or packetizer is out of range (a caller bug). */
export class RtpBadArgumentError extends RtpError {
  constructor(message: string) {
    super('RTP_BAD_ARGUMENT', message);
  }
}

/** A depacketizer met a payload it cannot use (reserved or unsupported NAL type, bad aggregation). */
export class RtpBadPayloadError extends RtpError {
  constructor(message: string, offset?: number) {
    super('RTP_BAD_PAYLOAD', message, offset === undefined ? undefined : { offset });
  }
}
