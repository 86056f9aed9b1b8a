export {
  PeerConnection,
  type PeerConnectionOptions,
  type PeerLogger,
  type SrtpPair,
} from './peer-connection.ts';
export { nextConnectionState, type ConnectionState } from './connection-state.ts';
export { PeerError, type PeerErrorCode } from './errors.ts';
