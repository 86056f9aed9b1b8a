/**
 * ICE (RFC 8445) with RFC 8839 candidate syntax and RFC 7675 consent freshness: full and lite agents
 * over one packet {@link DatagramConn}, producing a connected DatagramConn for DTLS.
 *
 * @example
 * import { IceAgent } from '../ice/index.ts';
 * const agent = new IceAgent({ clock, conn, role: 'controlled', lite: true, localCandidates: [hostAddr] });
 * agent.setRemoteCredentials(ufrag, pwd);
 * agent.start();
 * const conn = await agent.connected;
 */
export { IceAgent, type IceAgentOptions, type IceAgentStats, type IceLogger, type IceRole } from './agent.ts';
export { type IceState, nextIceState } from './agent-state.ts';
export { CandidatePair, type PairState, nextPairState } from './candidate-pair.ts';
export {
  type Candidate,
  type CandidateType,
  type CandidateTransport,
  type TcpType,
  candidateAddr,
  isMdnsName,
  isIpLiteral,
} from './candidate.ts';
export { parseCandidate, formatCandidate } from './candidate-attribute.ts';
export { candidatePriority, pairPriority, TYPE_PREFERENCE } from './priority.ts';
export { computeFoundation } from './foundation.ts';
export { generateCredentials, type IceCredentials } from './credentials.ts';
export { routeKey } from './route-key.ts';
export { IceError, type IceErrorCode } from './errors.ts';
export type { ReflexiveGatherer, RelayAllocator, TcpCandidateTransport, MdnsResolver } from './seams.ts';
