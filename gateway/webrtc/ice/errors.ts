/**
 * Stable error codes of the ICE module:
 *
 * - `ICE_BAD_CANDIDATE`: an SDP `candidate` attribute does not parse (RFC 8839 §5.1); `offset` is the
 *   character where parsing stopped.
 * - `ICE_BAD_TRANSITION`: an illegal agent or pair state transition (a bug, never peer input).
 * - `ICE_BAD_CONFIG`: options that cannot work (a lite agent asked to control, short credentials).
 * - `ICE_TIMEOUT`: no pair was selected within `connectTimeout` of `start()`.
 * - `ICE_CHECKS_FAILED`: every candidate pair failed after the peer signalled end-of-candidates.
 * - `ICE_CONSENT_LOST`: RFC 7675 consent expired on the selected pair (no response / no check for 30 s).
 * - `ICE_CLOSED`: the agent was closed (or its conn closed) before it connected.
 */
export type IceErrorCode =
  | 'ICE_BAD_CANDIDATE'
  | 'ICE_BAD_TRANSITION'
  | 'ICE_BAD_CONFIG'
  | 'ICE_TIMEOUT'
  | 'ICE_CHECKS_FAILED'
  | 'ICE_CONSENT_LOST'
  | 'ICE_CLOSED';

/** The one error class of the ICE module. */
export class IceError extends Error {
  readonly code: IceErrorCode;
  /** For `ICE_BAD_CANDIDATE`: character offset in the attribute where parsing stopped. */
  readonly offset: number | undefined;
  /** For state errors: the state the machine was in. */
  readonly state: string | undefined;
  constructor(
    code: IceErrorCode,
    message: string,
    options?: { cause?: unknown; offset?: number; state?: string },
  ) {
    super(options?.offset === undefined ? message : `${message} (at character ${options.offset})`, {
      cause: options?.cause,
    });
    this.name = 'IceError';
    this.code = code;
    this.offset = options?.offset;
    this.state = options?.state;
  }
}
