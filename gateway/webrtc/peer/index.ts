export {
  PeerConnection,
  type PeerConnectionOptions,
  type PeerLogger,
  type SrtpPair,
} from './peer-connection.ts';
export { RtpSender, type RtpSenderOptions, type RtpSenderStats } from './rtp-sender.ts';
export { nextConnectionState, type ConnectionState } from './connection-state.ts';
export { PeerError, type PeerErrorCode } from './errors.ts';
