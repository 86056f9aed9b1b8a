import { addr as makeAddr, type Addr } from '../transport/index.ts';

/** Candidate types (RFC 8445 §5.1.1). */
export type CandidateType = 'host' | 'srflx' | 'prflx' | 'relay';

/** Transport protocol of a candidate; TCP candidates follow RFC 6544 (parsed, not yet connected). */
export type CandidateTransport = 'udp' | 'tcp';

/** RFC 6544 §4.5 TCP candidate roles. */
export type TcpType = 'active' | 'passive' | 'so';

/**
 * One ICE candidate (RFC 8445 §5.1, RFC 8839 §5.1). `address` may be an IP literal or, for candidates
 * from browsers that hide host addresses, an mDNS name ending in `.local` (draft-ietf-mmusic-mdns-ice-
 * candidates); such candidates are kept but never paired, see {@link candidateAddr}.
 *
 * @example
 * const c: Candidate = { foundation: '1', component: 1, transport: 'udp', priority: 2130706431,
 *   address: '127.0.0.1', port: 50000, type: 'host', extensions: [] };
 */
export interface Candidate {
  foundation: string;
  /** 1 = RTP (or everything with rtcp-mux/BUNDLE), 2 = RTCP. */
  component: number;
  transport: CandidateTransport;
  priority: number;
  address: string;
  port: number;
  type: CandidateType;
  relatedAddress?: string;
  relatedPort?: number;
  tcpType?: TcpType;
  /** Further `name value` pairs in order (generation, ufrag, network-id, network-cost, ...). */
  extensions: [string, string][];
}

/** True for an mDNS host name (`<uuid>.local`) as Chromium and Firefox use to hide host addresses. */
export function isMdnsName(address: string): boolean {
  return /\.local\.?$/i.test(address);
}

const IPV4 = /^(\d{1,3})\.(\d{1,3})\.(\d{1,3})\.(\d{1,3})$/;

/** True for an IPv4 or IPv6 literal (not a host name). */
export function isIpLiteral(address: string): boolean {
  const m = IPV4.exec(address);
  if (m) return m.slice(1).every((x) => Number(x) <= 255);
  return address.includes(':') && /^[0-9a-fA-F:.]+$/.test(address);
}

/**
 * The transport address to send checks to, or undefined when the candidate's address is not an IP
 * literal (an unresolved `.local` mDNS name or another FQDN) and so cannot be checked.
 */
export function candidateAddr(c: Candidate): Addr | undefined {
  if (!isIpLiteral(c.address)) return undefined;
  return makeAddr(c.address.toLowerCase(), c.port);
}
