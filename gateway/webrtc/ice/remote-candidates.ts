/**
 * The peer's candidates: signalled ones (RFC 8445 §5.3, RFC 8839 §5.1 syntax, trickled per RFC 8838)
 * and peer-reflexive ones learned from the source of its checks (§7.3.1.3). Only UDP candidates of
 * component 1 with an IP-literal address can be checked; the others (`<uuid>.local` mDNS names,
 * TCP, other components) are kept aside so the caller can see them. Both lists are bounded.
 */
import { addrKey, type Addr } from '../transport/index.ts';
import type { IceAgentStats, IceLogger } from './agent-options.ts';
import { candidateAddr, type Candidate } from './candidate.ts';
import { computeFoundation } from './foundation.ts';

export class RemoteCandidates {
  private readonly remotes: Candidate[] = [];
  private readonly ignoredList: Candidate[] = [];

  constructor(
    private readonly max: number,
    private readonly stats: IceAgentStats,
    private readonly log: IceLogger,
  ) {}

  /** Candidates known so far, signalled and peer-reflexive. */
  all(): Candidate[] {
    return [...this.remotes];
  }

  /** Signalled candidates that cannot be checked. */
  ignored(): Candidate[] {
    return [...this.ignoredList];
  }

  find(a: Addr): Candidate | undefined {
    return this.remotes.find((r) => r.port === a.port && r.address.toLowerCase() === a.address);
  }

  /** Adds a signalled candidate; returns its address when it is new and can be checked. */
  add(cand: Candidate): Addr | undefined {
    const a = candidateAddr(cand);
    if (cand.component !== 1 || cand.transport !== 'udp' || !a) {
      this.stats.remoteCandidatesIgnored++;
      if (this.ignoredList.length < this.max) this.ignoredList.push(cand);
      this.log.debug({ address: cand.address, transport: cand.transport }, 'remote candidate ignored');
      return undefined;
    }
    if (this.find(a)) return undefined;
    if (this.remotes.length >= this.max) {
      this.stats.remoteCandidatesIgnored++;
      return undefined;
    }
    this.remotes.push(cand);
    return a;
  }

  /**
   * The candidate a valid check came from; if unknown, a peer-reflexive candidate with the check's
   * PRIORITY (§7.3.1.3), kept while there is room.
   */
  findOrLearn(from: Addr, priority: number): Candidate {
    const known = this.find(from);
    if (known) return known;
    const remote: Candidate = {
      foundation: computeFoundation('prflx', from.address, 'udp'),
      component: 1,
      transport: 'udp',
      priority,
      address: from.address,
      port: from.port,
      type: 'prflx',
      extensions: [],
    };
    if (this.remotes.length < this.max) this.remotes.push(remote);
    this.log.debug({ from: addrKey(from) }, 'learned peer-reflexive candidate');
    return remote;
  }

  /** ICE restart (§9): the previous generation's candidates are forgotten. */
  clear(): void {
    this.remotes.length = 0;
    this.ignoredList.length = 0;
  }
}
