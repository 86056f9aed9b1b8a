/** Codes: PEER_STATE (illegal transition), PEER_CLOSED, PEER_NO_OFFER, PEER_TRANSPORT (ICE or DTLS failed). */
export type PeerErrorCode = 'PEER_STATE' | 'PEER_CLOSED' | 'PEER_NO_OFFER' | 'PEER_TRANSPORT';

export class PeerError extends Error {
  readonly code: PeerErrorCode;
  constructor(code: PeerErrorCode, message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = 'PeerError';
    this.code = code;
  }
}
