/**
 * Sending connectivity checks and matching their responses (RFC 8445 §6.1.4 pacing by Ta, §7.2.4
 * the Binding request, §7.2.5 processing the response, §14.3 the initial RTO; RFC 8489 §6.2.1
 * retransmission through {@link ClientTransaction}). RFC 7675 consent checks are the same request on
 * the selected pair, so they go through here too.
 *
 * This object owns the transactions in flight and the Ta timer. What a check's outcome means for
 * roles, nomination and the agent's state is decided by the agent ({@link CheckOutcome}).
 */
import { sameAddr, type Addr, type Clock, type Timer } from '../transport/index.ts';
import {
  encodeStun,
  newTransactionId,
  StunErrorCodes,
  StunMethod,
  transactionKey,
  verifyIntegrity,
  type DecodedStun,
  type StunAttributes,
} from '../stun/index.ts';
import type { IceAgentStats, IceRole, ResolvedIceOptions } from './agent-options.ts';
import type { CandidatePair } from './candidate-pair.ts';
import type { Checklist } from './checklist.ts';
import type { SessionCredentials } from './credentials.ts';
import type { RegularNomination } from './nomination.ts';
import { candidatePriority } from './priority.ts';
import type { AgentRole } from './role.ts';
import { ClientTransaction, type TransactionTiming } from './transaction.ts';

export type CheckKind = 'check' | 'consent';

/** A request in flight, keyed by its transaction ID. */
export interface Outstanding {
  tx: ClientTransaction | undefined;
  pair: CandidatePair;
  kind: CheckKind;
  useCandidate: boolean;
  /** Our role when it was sent: a 487 after we already switched must not switch back (§7.2.5.1). */
  role: IceRole;
  sentAt: number;
}

/**
 * What a response did (§7.2.5); the pair's state is already updated (and for `role-conflict` our
 * role switched and the pair queued for a new check).
 */
export type CheckOutcome =
  | { kind: 'dropped' }
  | { kind: 'role-conflict'; check: Outstanding }
  | { kind: 'failed'; check: Outstanding }
  | { kind: 'wrong-source'; check: Outstanding }
  | { kind: 'consent'; check: Outstanding }
  | { kind: 'succeeded'; check: Outstanding };

/** What the checks need from their agent, read at the moment they are used. */
export interface CheckHost {
  /** Whether the agent runs checks now: a full agent in state `checking`. */
  isChecking(): boolean;
  /** Sends a STUN message; never throws. */
  transmit(bytes: Uint8Array, to: Addr): void;
  /** A check (not consent) got no response after every retransmission; the pair is already Failed. */
  onTimeout(check: Outstanding): void;
}

export class ConnectivityChecks {
  private readonly outstanding = new Map<string, Outstanding>();
  private tickTimer: Timer | undefined;
  private lastCheckAt = -Infinity;

  constructor(
    private readonly clock: Clock,
    private readonly o: ResolvedIceOptions,
    private readonly stats: IceAgentStats,
    private readonly checklist: Checklist,
    private readonly creds: SessionCredentials,
    private readonly agentRole: AgentRole,
    private readonly nomination: RegularNomination,
    private readonly host: CheckHost,
  ) {}

  /** Whether a Ta tick has a check to send: checking, with the peer's credentials, and a check left. */
  private hasWork(): boolean {
    if (!this.host.isChecking() || this.creds.remoteKey === undefined) return false;
    return this.nomination.pending || this.checklist.hasPending();
  }

  /** Arms the Ta timer if there is work: one check per Ta (§6.1.4.2, §14.2). */
  schedule(): void {
    if (this.tickTimer || !this.hasWork()) return;
    const wait = Math.max(0, this.lastCheckAt + this.o.ta - this.clock.now());
    this.tickTimer = this.clock.setTimer(wait, () => {
      this.tickTimer = undefined;
      this.onTick();
      this.schedule();
    });
  }

  /** Stops pacing (a pair is selected, §8.1.2, or the agent ends). */
  stopPacing(): void {
    this.tickTimer?.cancel();
    this.tickTimer = undefined;
  }

  /** One Ta tick: a nomination, else a triggered check, else the best Waiting pair, else unfreeze one (§6.1.4.2). */
  private onTick(): void {
    if (!this.hasWork()) return;
    const nom = this.nomination.takeNext();
    if (nom) {
      this.send(nom, true, 'check');
      return;
    }
    const next = this.checklist.next();
    if (next) this.send(next, false, 'check');
  }

  /** RFC 8445 §14.3: RTO = MAX(500 ms, Ta * (Waiting + In-Progress pairs)) unless configured. */
  private timing(): TransactionTiming {
    return {
      rto: this.o.rto ?? Math.max(500, this.o.ta * this.checklist.activeCount()),
      maxRto: this.o.maxRto,
      maxAttempts: this.o.maxAttempts,
    };
  }

  /** Sends a Binding request on `pair` (§7.2.4) and retransmits it until a response or timeout. */
  send(pair: CandidatePair, useCandidate: boolean, kind: CheckKind): void {
    const auth = this.creds.requestAuth();
    if (!auth) return;
    if (kind === 'check' && pair.state === 'waiting') pair.to('in-progress');
    const transactionId = newTransactionId();
    const attrs: StunAttributes = {
      username: auth.username,
      // §7.1.1: the priority a peer-reflexive candidate of ours would get.
      priority: candidatePriority('prflx', (pair.local.priority >> 8) & 0xffff, 1),
    };
    const role = this.agentRole.current;
    if (role === 'controlling') attrs.iceControlling = this.agentRole.tieBreaker;
    else attrs.iceControlled = this.agentRole.tieBreaker;
    if (useCandidate) attrs.useCandidate = true;
    if (this.o.software) attrs.software = this.o.software;
    const bytes = encodeStun(
      { cls: 'request', method: StunMethod.Binding, transactionId, attrs },
      { integrityKey: auth.key, fingerprint: true },
    );
    const key = transactionKey(transactionId);
    const out: Outstanding = { tx: undefined, pair, kind, useCandidate, role, sentAt: this.clock.now() };
    this.outstanding.set(key, out);
    this.lastCheckAt = this.clock.now();
    if (kind === 'consent') this.stats.consentChecksSent++;
    else this.stats.checksSent++;
    let first = true;
    out.tx = new ClientTransaction(
      this.clock,
      this.timing(),
      () => {
        if (!first) this.stats.retransmits++;
        first = false;
        this.host.transmit(bytes, pair.remoteAddr);
      },
      () => this.onTimeout(key),
    );
    out.tx.start();
  }

  private onTimeout(key: string): void {
    const o = this.outstanding.get(key);
    if (!o) return;
    this.outstanding.delete(key);
    if (o.kind === 'consent') return; // consent expiry runs on its own timers
    if (o.pair.state === 'in-progress') o.pair.to('failed');
    this.host.onTimeout(o);
  }

  /** Matches a Binding response to its check and updates the pair (§7.2.5). */
  onResponse(msg: DecodedStun, from: Addr, remoteKey: Uint8Array | undefined): CheckOutcome {
    const key = transactionKey(msg.transactionId);
    const o = this.outstanding.get(key);
    // §7.2.5.2: responses must authenticate with the peer's password; others are dropped, not fatal.
    if (!o || !remoteKey || !verifyIntegrity(msg, remoteKey)) {
      this.stats.stunDropped++;
      return { kind: 'dropped' };
    }
    this.outstanding.delete(key);
    o.tx?.finish();
    this.stats.responsesReceived++;
    const p = o.pair;
    if (msg.cls === 'error') {
      const code = msg.attrs.errorCode?.code;
      if (code === StunErrorCodes.RoleConflict && o.kind === 'check') {
        // §7.2.5.1: switch role (unless we already did since sending) and check the pair again.
        this.agentRole.onConflictResponse(o.role);
        if (p.state === 'in-progress') p.to('waiting');
        if (p.state === 'waiting') this.checklist.trigger(p);
        return { kind: 'role-conflict', check: o };
      }
      // §7.2.5.2.4: any other error response is unrecoverable for the pair.
      if (p.state === 'in-progress') p.to('failed');
      return { kind: 'failed', check: o };
    }
    // §7.2.5.2.1: the response must come from where the request went.
    if (!sameAddr(from, p.remoteAddr)) {
      if (p.state === 'in-progress') p.to('failed');
      return { kind: 'wrong-source', check: o };
    }
    if (o.kind === 'consent') return { kind: 'consent', check: o };
    p.rtt = this.clock.now() - o.sentAt;
    // §7.2.5.3.1: a mapped address we do not know is a local peer-reflexive candidate. All our
    // candidates share one conn, so it only changes what we record, not where we send.
    p.mappedAddr = msg.attrs.xorMappedAddress;
    if (p.state === 'in-progress') {
      p.to('succeeded');
      this.checklist.unfreeze(p.foundation);
    } else if (p.state === 'waiting' || p.state === 'failed') {
      // A late response to an earlier transaction still proves the path.
      if (p.state === 'failed') p.to('waiting');
      p.to('in-progress');
      p.to('succeeded');
    }
    return { kind: 'succeeded', check: o };
  }

  /** Whether a connectivity check (not consent) is still in flight (§8.1.2: completion waits for them). */
  hasPendingCheck(): boolean {
    for (const o of this.outstanding.values()) if (o.kind === 'check') return true;
    return false;
  }

  /** §8.1.2: with a pair nominated, checks on the other pairs stop (no more retransmits). */
  cancelChecksExcept(p: CandidatePair): void {
    for (const [key, o] of this.outstanding) {
      if (o.kind === 'check' && o.pair !== p) {
        o.tx?.finish();
        this.outstanding.delete(key);
      }
    }
  }

  /** ICE restart (§9): transactions of the previous generation end, except on the pair kept. */
  forgetExcept(keep: CandidatePair | undefined): void {
    for (const [key, o] of this.outstanding) {
      if (o.pair !== keep) {
        o.tx?.finish();
        this.outstanding.delete(key);
      }
    }
  }

  /** Stops the Ta timer and every transaction. */
  stop(): void {
    this.stopPacing();
    for (const o of this.outstanding.values()) o.tx?.finish();
    this.outstanding.clear();
  }
}
