import type { Addr, DatagramConn } from '../transport/index.ts';
import type { Candidate } from './candidate.ts';

/*
 * Seams for later issues: documented interfaces only, nothing implements them yet. The agent today
 * gathers host candidates from the addresses it is given and learns peer-reflexive ones from checks.
 */

/**
 * Server-reflexive gathering (RFC 8445 §5.1.1.2): send a STUN Binding request from the agent's conn
 * to a STUN server and advertise the XOR-MAPPED-ADDRESS as an `srflx` candidate whose base is the
 * host candidate. An implementation would use `webrtc/stun` on the agent's conn (responses are
 * routed to it by transaction ID) and call back with each candidate.
 */
export interface ReflexiveGatherer {
  gather(
    conn: DatagramConn,
    base: Addr,
    onCandidate: (c: Candidate) => void,
    signal: AbortSignal,
  ): Promise<void>;
}

/**
 * TURN relayed candidates (RFC 8656, RFC 8445 §5.1.1.2): allocate on a TURN server and expose the
 * relayed address as a `relay` candidate; data to peers goes through Send/ChannelData. The
 * implementation would hand the agent a {@link DatagramConn} whose `send(data, peer)` relays, so the
 * agent checks relay pairs exactly like host pairs.
 */
export interface RelayAllocator {
  allocate(
    server: Addr,
    credentials: { username: string; password: string },
    signal: AbortSignal,
  ): Promise<{ candidate: Candidate; conn: DatagramConn }>;
}

/**
 * ICE-TCP (RFC 6544): TCP candidates are parsed (`tcptype`) but not paired today. An implementation
 * would frame STUN and data with RFC 4571 length prefixes over a stream and present each TCP
 * connection as a connected {@link DatagramConn} to the agent.
 */
export interface TcpCandidateTransport {
  connect(local: Candidate, remote: Candidate, signal: AbortSignal): Promise<DatagramConn>;
  listen(local: Candidate, onConn: (conn: DatagramConn, remote: Addr) => void): { close(): void };
}

/** mDNS resolution of `.local` candidates (draft-ietf-mmusic-mdns-ice-candidates) on a real LAN. */
export interface MdnsResolver {
  resolve(name: string, signal: AbortSignal): Promise<string | undefined>;
}
