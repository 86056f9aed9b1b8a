/**
 * Errors of the RTCP module. Every failure on hostile input is one of these classes with a stable
 * `code`; callers count them and drop the datagram. Nothing else escapes a decoder.
 */

/** Stable codes of {@link RtcpError}. */
export type RtcpErrorCode =
  | 'RTCP_TRUNCATED'
  | 'RTCP_BAD_VERSION'
  | 'RTCP_BAD_LENGTH'
  | 'RTCP_BAD_PADDING'
  | 'RTCP_BAD_PACKET'
  | 'RTCP_NOT_REPORT_FIRST'
  | 'RTCP_OUTPUT_TOO_SMALL'
  | 'RTCP_BAD_ARGUMENT';

/** Base of every RTCP error: a stable `code` and the byte offset in the datagram where it applies. */
export class RtcpError extends Error {
  readonly code: RtcpErrorCode;
  readonly offset: number | undefined;
  constructor(code: RtcpErrorCode, message: string, options?: { cause?: unknown; offset?: number }) {
    super(message, options?.cause === undefined ? undefined : { cause: options.cause });
    this.name = new.target.name;
    this.code = code;
    this.offset = options?.offset;
  }
}

/** The datagram or a packet body ends before its fields do. */
export class RtcpTruncatedError extends RtcpError {
  constructor(what: string, offset: number) {
    super('RTCP_TRUNCATED', `${what}: truncated at offset ${offset}`, { offset });
  }
}

/** RFC 3550 §6.4.1: V must be 2 in every packet of a compound. */
export class RtcpBadVersionError extends RtcpError {
  constructor(version: number, offset: number) {
    super('RTCP_BAD_VERSION', `RTCP version ${version}, expected 2`, { offset });
  }
}

/** RFC 3550 §6.4.1: a length field overruns the datagram (the lengths must add up to it exactly). */
export class RtcpBadLengthError extends RtcpError {
  constructor(message: string, offset: number) {
    super('RTCP_BAD_LENGTH', message, { offset });
  }
}

/** RFC 3550 §6.4.1: padding only in the last packet of a compound, and its count within it. */
export class RtcpBadPaddingError extends RtcpError {
  constructor(message: string, offset: number) {
    super('RTCP_BAD_PADDING', message, { offset });
  }
}

/** A packet's fields contradict its length or count (a report count that does not fit, a bad FCI). */
export class RtcpBadPacketError extends RtcpError {
  constructor(message: string, offset: number) {
    super('RTCP_BAD_PACKET', message, { offset });
  }
}

/** RFC 3550 §6.1: a full compound starts with SR or RR (only when the caller requires it; RFC 5506 lifts it). */
export class RtcpNotReportFirstError extends RtcpError {
  constructor(packetType: number) {
    super('RTCP_NOT_REPORT_FIRST', `compound starts with packet type ${packetType}, not SR/RR`, {
      offset: 0,
    });
  }
}

/** The caller's output buffer cannot hold the result (a caller bug). */
export class RtcpOutputTooSmallError extends RtcpError {
  constructor(need: number, have: number) {
    super('RTCP_OUTPUT_TOO_SMALL', `output buffer holds ${have} bytes, ${need} needed`);
  }
}

/** A field given to an encoder is out of range (a caller bug). */
export class RtcpBadArgumentError extends RtcpError {
  constructor(message: string) {
    super('RTCP_BAD_ARGUMENT', message);
  }
}
