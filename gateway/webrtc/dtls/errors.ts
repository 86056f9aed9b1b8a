import type { AlertDescription } from './alert-description.ts';

/** Base of every DTLS error: a stable `code` callers can switch on, and a `cause`. */
export class DtlsError extends Error {
  readonly code: string;
  constructor(code: string, message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = new.target.name;
    this.code = code;
  }
}

/**
 * Bytes that do not parse (truncated, over-long, inconsistent lengths). Thrown only inside the module
 * by codecs; the conn counts and drops the record or message, so it never escapes on hostile input.
 */
export class DtlsParseError extends DtlsError {
  /** What was being parsed (`'ClientHello'`, `'record'`). */
  readonly what: string;
  /** Offset in the parsed buffer where the problem was found. */
  readonly offset: number;
  constructor(what: string, message: string, offset: number) {
    super('DTLS_PARSE', `${what}: ${message} at offset ${offset}`);
    this.what = what;
    this.offset = offset;
  }
}

/**
 * A local, fatal handshake failure. `alert` is the alert sent to the peer before closing
 * (RFC 5246 §7.2.2).
 */
export class DtlsHandshakeError extends DtlsError {
  readonly alert: AlertDescription;
  constructor(alert: AlertDescription, message: string, options?: { cause?: unknown; code?: string }) {
    super(options?.code ?? 'DTLS_HANDSHAKE_FAILURE', message, options);
    this.alert = alert;
  }
}

/** The peer's certificate does not match the fingerprint signalled in SDP (RFC 8122 §5). */
export class DtlsFingerprintMismatchError extends DtlsHandshakeError {
  readonly expected: string;
  readonly actual: string;
  constructor(expected: string, actual: string) {
    super(
      'bad_certificate',
      `remote certificate fingerprint ${actual} does not match the signalled ${expected}`,
      {
        code: 'DTLS_FINGERPRINT_MISMATCH',
      },
    );
    this.expected = expected;
    this.actual = actual;
  }
}

/** The peer sent a fatal alert (or close_notify during the handshake). */
export class DtlsAlertError extends DtlsError {
  readonly level: number;
  readonly description: number;
  constructor(level: number, description: number, name: string) {
    super(
      'DTLS_REMOTE_ALERT',
      `peer sent ${level === 2 ? 'fatal' : 'warning'} alert ${name} (${description})`,
    );
    this.level = level;
    this.description = description;
  }
}

/** The handshake did not finish within `handshakeTimeoutMs`. */
export class DtlsHandshakeTimeoutError extends DtlsError {
  constructor(ms: number, state: string) {
    super('DTLS_HANDSHAKE_TIMEOUT', `handshake did not complete within ${ms} ms (state ${state})`);
  }
}

/** An event that the state machine does not allow in its current state. */
export class DtlsStateError extends DtlsError {
  readonly state: string;
  readonly event: string;
  constructor(machine: string, state: string, event: string) {
    super('DTLS_ILLEGAL_TRANSITION', `${machine}: event ${event} is illegal in state ${state}`);
    this.state = state;
    this.event = event;
  }
}

/** The AbortSignal given to dtlsClient/dtlsServer fired. */
export class DtlsAbortedError extends DtlsError {
  constructor(cause?: unknown) {
    super('DTLS_ABORTED', 'handshake aborted', { cause });
  }
}

/** The conn (or the conn below it) closed; `cause` says why when known. */
export class DtlsClosedError extends DtlsError {
  constructor(message = 'DTLS conn closed', cause?: unknown) {
    super('DTLS_CLOSED', message, { cause });
  }
}

/**
 * What a failure inside the handshake becomes: a {@link DtlsHandshakeError} naming the alert to send
 * (RFC 5246 §7.2.2): decode_error for bytes that do not parse, unexpected_message for a message the
 * state machine does not allow, internal_error for anything else. Other DtlsErrors pass through.
 */
export function toDtlsError(err: unknown): Error {
  if (err instanceof DtlsError && !(err instanceof DtlsParseError) && !(err instanceof DtlsStateError))
    return err;
  if (err instanceof DtlsParseError) {
    return new DtlsHandshakeError('decode_error', err.message, { cause: err, code: 'DTLS_DECODE_ERROR' });
  }
  if (err instanceof DtlsStateError) {
    return new DtlsHandshakeError('unexpected_message', err.message, {
      cause: err,
      code: 'DTLS_UNEXPECTED_MESSAGE',
    });
  }
  return new DtlsHandshakeError('internal_error', err instanceof Error ? err.message : 'internal error', {
    cause: err,
    code: 'DTLS_INTERNAL',
  });
}
