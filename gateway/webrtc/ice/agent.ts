/**
 * The ICE agent (RFC 8445) for one data stream with one component: the public class, ICE-lite
 * (§2.5), what checks and their outcomes mean for selection (§7.2.5, §7.3.1.5, §8.1.2), ICE restart
 * (§9) and completion/failure (§8.1.2, §8.2). The parts live in their own files: agent-options.ts,
 * agent-lifecycle.ts (states), credentials.ts (§7.2.2), role.ts (§6.1.1, §7.3.1.1), checklist.ts
 * (§6.1.2), connectivity-checks.ts (§6.1.4, §7.2), request-handler.ts (§7.3), nomination.ts
 * (§8.1.1), selection.ts (§8.1.2), consent.ts (RFC 7675), remote-candidates.ts (§5.3, §7.3.1.3),
 * stun-io.ts and data-path.ts (§12).
 */
import type { Addr, Clock, DatagramConn, Timer } from '../transport/index.ts';
import { isStun, type DecodedStun } from '../stun/index.ts';
import {
  hostCandidates,
  newIceStats,
  noopLogger,
  randomTieBreaker,
  resolveOptions,
  type IceAgentOptions,
  type IceAgentStats,
  type IceLogger,
  type IceRole,
  type ResolvedIceOptions,
} from './agent-options.ts';
import { AgentLifecycle } from './agent-lifecycle.ts';
import type { IceState } from './agent-state.ts';
import { parseCandidate } from './candidate-attribute.ts';
import type { CandidatePair } from './candidate-pair.ts';
import type { Candidate } from './candidate.ts';
import { Checklist } from './checklist.ts';
import { ConnectivityChecks, type CheckOutcome, type Outstanding } from './connectivity-checks.ts';
import { ConsentFreshness } from './consent.ts';
import { generateCredentials, SessionCredentials, type IceCredentials } from './credentials.ts';
import { DataPath } from './data-path.ts';
import { IceError } from './errors.ts';
import { RegularNomination } from './nomination.ts';
import { RemoteCandidates } from './remote-candidates.ts';
import { AgentRole } from './role.ts';
import { PairSelection } from './selection.ts';
import { decodeBinding, sendStun } from './stun-io.ts';
import { CheckResponder, RequestHandler } from './request-handler.ts';

export type { IceAgentOptions, IceAgentStats, IceLogger, IceRole } from './agent-options.ts';

/**
 * An ICE agent for one data stream with one component (BUNDLE + rtcp-mux), over one packet conn.
 * Full (controlling or controlled) or lite (always controlled). See README.md for the RFC map.
 *
 * @example
 * const agent = new IceAgent({ clock: systemClock, conn, role: 'controlled', lite: true,
 *   localCandidates: [addr('192.0.2.10', 8189)] });
 * agent.setRemoteCredentials(offer.ufrag, offer.pwd);
 * agent.start();
 * const dtlsConn = await agent.connected; // DatagramConn to the selected pair
 */
export class IceAgent {
  readonly lite: boolean;
  readonly tieBreaker: bigint;
  readonly stats: IceAgentStats = newIceStats();
  /** Resolves with the connected conn once a pair is selected; rejects with an {@link IceError} if the agent fails or closes first. */
  readonly connected: Promise<DatagramConn>;
  /** Why the agent failed, once it has. */
  error: IceError | undefined;

  private readonly clock: Clock;
  private readonly io: DatagramConn;
  private readonly log: IceLogger;
  private readonly o: ResolvedIceOptions;
  private readonly agentRole: AgentRole;
  private readonly life: AgentLifecycle;
  private readonly creds: SessionCredentials;
  private readonly locals: Candidate[];
  private readonly remotes: RemoteCandidates;
  private readonly checklist: Checklist;
  private readonly checks: ConnectivityChecks;
  private readonly nomination: RegularNomination;
  private readonly consent: ConsentFreshness;
  private readonly requests: RequestHandler;
  private readonly path: DataPath;
  private remoteEnd = false;
  private readonly selection: PairSelection;
  private connectTimer: Timer | undefined;

  constructor(opts: IceAgentOptions) {
    this.clock = opts.clock;
    this.io = opts.conn;
    this.log = opts.logger ?? noopLogger;
    this.life = new AgentLifecycle(this.log);
    this.selection = new PairSelection(this.log);
    this.lite = opts.lite ?? false;
    if (this.lite && opts.role !== 'controlled') {
      throw new IceError('ICE_BAD_CONFIG', 'an ICE-lite agent is always controlled (RFC 8445 §6.1.1)');
    }
    const o = (this.o = resolveOptions(opts));
    const gen = generateCredentials();
    this.creds = new SessionCredentials({
      ufrag: opts.localUfrag ?? gen.ufrag,
      pwd: opts.localPwd ?? gen.pwd,
    });
    this.tieBreaker = opts.tieBreaker ?? randomTieBreaker();
    this.agentRole = new AgentRole(opts.role, this.tieBreaker, this.lite, this.stats, this.log, (role) => {
      this.checklist.setRole(role === 'controlling');
      if (role === 'controlled') this.nomination.stop();
    });
    this.locals = hostCandidates(opts.localCandidates ?? [this.io.localAddr]);

    this.remotes = new RemoteCandidates(o.maxRemoteCandidates, this.stats, this.log);
    this.checklist = new Checklist(this.lite, o.maxRemoteCandidates, this.locals);
    const { checklist, creds, remotes, stats, agentRole: role } = this;
    /** A full agent in state `checking` runs checks (a lite one never does, RFC 8445 §2.5). */
    const isChecking = () => this.life.state === 'checking' && !this.lite;
    this.nomination = new RegularNomination(this.clock, o.nominationDelay, checklist, this.log, {
      mayNominate: () => isChecking() && role.current === 'controlling' && !this.selection.pair,
      schedule: () => this.checks.schedule(),
    });
    this.checks = new ConnectivityChecks(this.clock, o, stats, checklist, creds, role, this.nomination, {
      isChecking,
      transmit: (bytes, to) => this.transmit(bytes, to),
      onTimeout: (check) => this.onCheckTimeout(check),
    });
    this.consent = new ConsentFreshness(this.clock, o, this.lite, {
      sendCheck: () => {
        const p = this.selection.pair;
        if (!p || this.life.ended) return false;
        this.checks.send(p, false, 'consent');
        return true;
      },
      onDisconnected: () => this.life.disconnect(),
      onLost: (err) => this.fail(err),
    });
    const responder = new CheckResponder(o.software, this.stats, (bytes, to) => this.transmit(bytes, to));
    this.requests = new RequestHandler(creds, role, responder, remotes, checklist, stats, isChecking);
    this.path = new DataPath(this.io, this.stats, o.maxEarlyPackets, this.checklist, this.remotes, this.log, {
      selected: () => this.selection.pair,
      follow: (p) => this.selection.follow(p),
      close: (err) => this.close(err),
    });

    this.connected = this.life.connected;
    this.io.onData((data, from) => this.onDatagram(data, from));
    this.io.onClose((err) => this.close(err));
    if (opts.signal) this.life.closeOn(opts.signal, (err) => this.close(err));
  }

  get state(): IceState {
    return this.life.state;
  }

  get role(): IceRole {
    return this.agentRole.current;
  }

  /** The connected conn, once a pair is selected (the value {@link connected} resolves with). */
  get conn(): DatagramConn | undefined {
    return this.path.conn;
  }

  /** The pair data flows on, once one is selected. */
  get selectedPair(): CandidatePair | undefined {
    return this.selection.pair;
  }

  /** Our host candidates, for the SDP (`a=candidate`). */
  localCandidates(): Candidate[] {
    return this.locals.map((c) => ({ ...c, extensions: [...c.extensions] }));
  }

  /** Remote candidates known so far, signalled and peer-reflexive (learned from checks). */
  remoteCandidates(): Candidate[] {
    return this.remotes.all();
  }

  /** Signalled candidates that cannot be checked: unresolved `.local`/FQDN addresses, TCP, other components. */
  ignoredRemoteCandidates(): Candidate[] {
    return this.remotes.ignored();
  }

  /** Candidate pairs, highest priority first. */
  pairList(): CandidatePair[] {
    return this.checklist.sorted();
  }

  /** Our `ice-ufrag`/`ice-pwd` (new ones after {@link restart}). */
  get localCredentials(): IceCredentials {
    return this.creds.local;
  }

  /**
   * ICE restart (RFC 8445 §9), answerer side of a lite agent: a peer that moved networks or lost
   * its path sends a new ufrag/pwd (WHEP/WHIP PATCH, RFC 9725 §4.3.2); we take new credentials too
   * (§9: both sides change them). Candidates and pairs of the previous generation are forgotten,
   * except the selected pair, which keeps carrying data until the peer nominates a pair with the new
   * credentials (§9: "the agent MUST continue using the previously selected pair"); that nomination
   * is selected whatever its priority. DTLS and SRTP above are untouched. Returns our new credentials.
   * Full agents do not restart here: {@link IceError} `ICE_BAD_CONFIG`.
   */
  restart(
    remoteUfrag: string,
    remotePwd: string,
    local: IceCredentials = generateCredentials(),
  ): IceCredentials {
    if (!this.lite) throw new IceError('ICE_BAD_CONFIG', 'ICE restart is implemented for lite agents');
    if (this.life.ended) {
      throw new IceError('ICE_CLOSED', `cannot restart in state ${this.state}`, { state: this.state });
    }
    this.creds.setLocal(local);
    this.creds.setRemote(remoteUfrag, remotePwd);
    this.remotes.clear();
    this.remoteEnd = false;
    this.checklist.retainOnly(this.selection.pair);
    this.checks.forgetExcept(this.selection.pair);
    this.selection.restart();
    this.stats.restarts++;
    this.log.debug({ ufrag: this.creds.local.ufrag }, 'ICE restart');
    return this.creds.local;
  }

  /** The peer's `ice-ufrag`/`ice-pwd` from its description (RFC 8839 §5.4). */
  setRemoteCredentials(ufrag: string, pwd: string): void {
    this.creds.setRemote(ufrag, pwd);
    this.checks.schedule();
  }

  /**
   * Adds a remote candidate (object or `candidate:` line), or `null` for end-of-candidates (RFC 8838).
   * Candidates whose address is not an IP literal (`.local` mDNS names) are kept aside, never paired:
   * such peers connect through the peer-reflexive candidate learned from their checks. Throws
   * {@link IceError} `ICE_BAD_CANDIDATE` for a line that does not parse.
   */
  addRemoteCandidate(c: Candidate | string | null): void {
    if (this.life.state === 'closed') return;
    if (c === null) {
      this.remoteEnd = true;
      this.checkFailure();
      this.maybeComplete();
      return;
    }
    const cand = typeof c === 'string' ? parseCandidate(c) : c;
    const a = this.remotes.add(cand);
    if (!a || this.lite || this.selection.pair) return;
    this.checklist.add(cand, a, this.agentRole.current === 'controlling', false);
    this.checks.schedule();
  }

  /** Begins ICE processing (`new` -> `checking`): a full agent starts checks once it has remote credentials. */
  start(): void {
    if (this.life.state !== 'new') return;
    this.life.set('checking');
    this.connectTimer = this.clock.setTimer(this.o.connectTimeout, () => {
      this.connectTimer = undefined;
      if (!this.selection.pair)
        this.fail(new IceError('ICE_TIMEOUT', `no pair selected in ${this.o.connectTimeout} ms`));
    });
    const early = this.selection.takeEarly();
    if (early) this.select(early);
    this.checks.schedule();
  }

  /** Listens to state changes; returns a function that removes the listener. */
  onStateChange(fn: (state: IceState, err?: IceError) => void): () => void {
    return this.life.onChange(fn);
  }

  /** Stops everything, closes the connected conn and (with `closeConn`) the underlying conn. Idempotent. */
  close(err?: Error): void {
    if (this.life.state === 'closed') return;
    this.stopTimers();
    this.life.set('closed');
    const e = new IceError('ICE_CLOSED', 'ICE agent closed', { cause: err });
    this.path.shutdown(err);
    this.life.reject(e);
    if (this.o.closeConn) this.io.close();
  }

  // ---- datagrams (RFC 7983: STUN stays here, the rest is the data path) ------------------------

  private onDatagram(data: Uint8Array, from: Addr): void {
    if (this.life.ended) return;
    if (isStun(data)) this.onStun(data, from);
    else this.path.receive(data, from);
  }

  private onStun(data: Uint8Array, from: Addr): void {
    const msg = decodeBinding(data, this.stats, this.log);
    if (!msg) return;
    if (msg.cls === 'request') this.onRequest(msg, from);
    else if (msg.cls === 'success' || msg.cls === 'error')
      this.onOutcome(this.checks.onResponse(msg, from, this.creds.remoteKey));
    // Binding indications are keepalives (RFC 8445 §11): nothing to do.
  }

  /** A check from the peer, answered by request-handler.ts (§7.3); here what it means for consent and selection. */
  private onRequest(msg: DecodedStun, from: Addr): void {
    const check = this.requests.handle(msg, from);
    if (!check) return;
    const pair = check.pair;
    // RFC 7675 §5.1 for a lite agent: the peer's checks on the selected pair are its consent.
    if (this.lite && this.selection.pair === pair) this.freshenConsent();
    // Nomination (§7.3.1.5): a full agent selects once its own check on the pair succeeded too.
    if (check.useCandidate && this.agentRole.current === 'controlled') {
      if (this.lite || pair.state === 'succeeded') {
        pair.nominated = true;
        this.select(pair);
      } else pair.remoteNominated = true;
    }
    this.checks.schedule();
  }

  /** What the response to one of our checks means for role, nomination and state (§7.2.5). */
  private onOutcome(r: CheckOutcome): void {
    if (r.kind === 'dropped') return;
    const p = r.check.pair;
    switch (r.kind) {
      case 'role-conflict':
        // §7.2.5.1: a nominating check that hit a role conflict is void.
        if (r.check.useCandidate) this.nomination.abandon(p);
        this.nomination.maybeNominate();
        break;
      case 'wrong-source':
        this.checkFailure();
        return;
      case 'failed':
        this.checkFailure();
        this.maybeComplete();
        break;
      case 'consent':
        if (this.selection.pair === p) this.freshenConsent();
        return;
      case 'succeeded':
        if (this.selection.pair === p) this.freshenConsent();
        // §8.1.2: our nominating check succeeded, or (controlled) the peer had nominated this pair.
        if (r.check.useCandidate && this.agentRole.current === 'controlling') {
          p.nominated = true;
          this.select(p);
        } else if (this.agentRole.current === 'controlled' && p.remoteNominated) {
          p.nominated = true;
          this.select(p);
        } else this.nomination.maybeNominate();
        this.maybeComplete();
        break;
    }
    this.checks.schedule();
  }

  private onCheckTimeout(o: Outstanding): void {
    if (o.useCandidate) this.nomination.timedOut(o.pair);
    this.log.debug({ remote: o.pair.key, state: o.pair.state }, 'check timed out');
    this.checkFailure();
    this.maybeComplete();
    this.checks.schedule();
  }

  // ---- selection (RFC 8445 §8.1.2) and consent ----------------------------------------------------

  /** Selects a nominated pair: the first one, or later a higher-priority one (a lite agent follows renomination). */
  private select(p: CandidatePair): void {
    const change = this.selection.choose(p, this.life.state);
    if (change === 'ignored') return;
    this.nomination.clear();
    this.checklist.clearTriggered();
    if (change === 'changed') return;
    this.connectTimer?.cancel();
    this.connectTimer = undefined;
    this.nomination.cancelTimer();
    this.checks.stopPacing();
    // §8.1.2: with a pair nominated, checks on the other pairs stop (no more retransmits).
    this.checks.cancelChecksExcept(p);
    const conn = this.path.open();
    this.life.set('connected');
    this.consent.start();
    this.path.flushEarly(p);
    this.life.resolve(conn);
    this.maybeComplete();
  }

  /** Consent confirmed (RFC 7675): back from `disconnected`, and the expiry timers start again. */
  private freshenConsent(): void {
    this.life.reconnect();
    this.consent.refresh();
  }

  // ---- completion and failure ------------------------------------------------------------------

  private maybeComplete(): void {
    if (this.life.state !== 'connected' || !this.remoteEnd || this.checks.hasPendingCheck()) return;
    this.life.complete();
  }

  /** §8.2 / §7.2.5.4: after end-of-candidates, a full agent fails once every pair failed and nothing is left to try. */
  private checkFailure(): void {
    if (this.life.state !== 'checking' || this.lite || !this.remoteEnd || this.selection.pair) return;
    if (this.checklist.hasTriggered || this.nomination.pending || !this.checklist.allFailed()) return;
    this.fail(new IceError('ICE_CHECKS_FAILED', 'every candidate pair failed'));
  }

  private fail(err: IceError): void {
    if (this.life.ended) return;
    this.error = err;
    this.log.warn({ code: err.code }, err.message);
    this.stopTimers();
    this.life.set('failed', err);
    this.path.shutdown(err);
    this.life.reject(err);
  }

  private stopTimers(): void {
    this.connectTimer?.cancel();
    this.connectTimer = undefined;
    this.nomination.cancelTimer();
    this.consent.stop();
    this.checks.stop();
  }

  /** Sends a STUN message; never throws (stun-io.ts): a closed conn closes the agent. */
  private transmit(bytes: Uint8Array, to: Addr): void {
    sendStun(this.io, bytes, to, this.stats, this.log, (e) => this.close(e));
  }
}
