/** Codes: SDP_PARSE, SDP_NO_MEDIA, SDP_NO_BUNDLE, SDP_NO_RTCP_MUX, SDP_NO_ICE_CREDENTIALS, SDP_NO_FINGERPRINT, SDP_BAD_SETUP, SDP_NO_COMMON_CODEC. */
export type SdpErrorCode =
  | 'SDP_PARSE'
  | 'SDP_NO_MEDIA'
  | 'SDP_NO_BUNDLE'
  | 'SDP_NO_RTCP_MUX'
  | 'SDP_NO_ICE_CREDENTIALS'
  | 'SDP_NO_FINGERPRINT'
  | 'SDP_BAD_SETUP'
  /** The offer and the gateway share no codec on a section it must accept (HTTP 400). */
  | 'SDP_NO_COMMON_CODEC';

/** A session description the gateway cannot negotiate; the message says what is missing. */
export class SdpError extends Error {
  readonly code: SdpErrorCode;
  constructor(code: SdpErrorCode, message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = 'SdpError';
    this.code = code;
  }
}
