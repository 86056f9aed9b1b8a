import {
  addrKey,
  sameAddr,
  TransportClosedError,
  type Addr,
  type Clock,
  type DatagramConn,
  type Timer,
} from '../transport/index.ts';
import {
  decodeStun,
  encodeStun,
  isStun,
  newTransactionId,
  shortTermKey,
  StunError,
  StunErrorCodes,
  StunMethod,
  transactionKey,
  verifyIntegrity,
  type DecodedStun,
  type StunAttributes,
} from '../stun/index.ts';
import { nextIceState, type IceState } from './agent-state.ts';
import { parseCandidate } from './candidate-attribute.ts';
import { CandidatePair } from './candidate-pair.ts';
import { candidateAddr, type Candidate } from './candidate.ts';
import { checkCredentials, generateCredentials, type IceCredentials } from './credentials.ts';
import { IceError } from './errors.ts';
import { computeFoundation } from './foundation.ts';
import { IceConn } from './ice-conn.ts';
import { candidatePriority } from './priority.ts';
import { ClientTransaction, type TransactionTiming } from './transaction.ts';

/** The agent's role (RFC 8445 §6.1.1): the controlling agent nominates the pair. */
export type IceRole = 'controlling' | 'controlled';

/** A minimal structured logger (pino-compatible call shape); protocol code never logs to the console. */
export interface IceLogger {
  debug(fields: Record<string, unknown>, msg: string): void;
  warn(fields: Record<string, unknown>, msg: string): void;
}

export interface IceAgentOptions {
  clock: Clock;
  /** A packet conn (mux endpoint, UDP socket, vnet conn). The agent sets its data handler. */
  conn: DatagramConn;
  role: IceRole;
  /** ICE-lite (RFC 8445 §2.5): answers checks, never sends them; always controlled. */
  lite?: boolean;
  localUfrag?: string;
  localPwd?: string;
  /** Host addresses to advertise (all reached through `conn`); default `[conn.localAddr]`. */
  localCandidates?: Addr[];
  /** The 64-bit role-conflict tie-breaker (§7.3.1.1); random by default. */
  tieBreaker?: bigint;
  /** Pacing of checks, Ta (RFC 8445 §14.2); default 50 ms. */
  ta?: number;
  /** First retransmission timeout; default MAX(500, Ta * (waiting + in-progress)) (§14.3). */
  rto?: number;
  /** Cap of the doubling RTO; default 3000 ms. */
  maxRto?: number;
  /** Sends per check before the pair fails (RFC 8489 Rc); default 7. */
  maxAttempts?: number;
  /** Controlling: after the first valid pair, wait at most this long for better ones before nominating; default 1000 ms. */
  nominationDelay?: number;
  /** RFC 7675: mean interval of consent checks (randomised 0.8-1.2x); default 5000 ms. */
  consentInterval?: number;
  /** RFC 7675: consent is lost after this long without a response (lite: without a check); default 30000 ms. */
  consentTimeout?: number;
  /** State `disconnected` after this long without consent; default 7500 ms. */
  disconnectedTimeout?: number;
  /** State `failed` (ICE_TIMEOUT) when nothing is selected this long after start(); default 30000 ms. */
  connectTimeout?: number;
  /** Closes the agent when aborted (DESIGN: every resource accepts an AbortSignal). */
  signal?: AbortSignal;
  /** Close `conn` when the agent closes; default true. */
  closeConn?: boolean;
  /** SOFTWARE attribute for outgoing messages; default none. */
  software?: string;
  /** Randomness for consent jitter, [0,1); default Math.random. */
  random?: () => number;
  /** Bound on remote candidates kept (RFC 8445 §6.1.2.5 limits checklists); default 64. */
  maxRemoteCandidates?: number;
  /** Bound on application datagrams kept before selection / before a handler is set; default 64. */
  maxEarlyPackets?: number;
  logger?: IceLogger;
}

/** Counters for metrics. */
export interface IceAgentStats {
  checksSent: number;
  retransmits: number;
  checksReceived: number;
  responsesReceived: number;
  consentChecksSent: number;
  stunDropped: number;
  /** Error responses we sent (400, 401, 420, 487). */
  errorResponsesSent: number;
  /** STUN sends the conn refused (other than closed). */
  sendErrors: number;
  dataSent: number;
  dataReceived: number;
  /** Bytes of application data (DTLS, SRTP) sent and delivered on the selected pair, for getStats(). */
  bytesSent: number;
  bytesReceived: number;
  dataDropped: number;
  roleSwitches: number;
  remoteCandidatesIgnored: number;
  /** ICE restarts (RFC 8445 §9) applied. */
  restarts: number;
}

interface Outstanding {
  tx: ClientTransaction | undefined;
  pair: CandidatePair;
  kind: 'check' | 'consent';
  useCandidate: boolean;
  role: IceRole;
  sentAt: number;
}

const noopLogger: IceLogger = { debug() {}, warn() {} };

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
  private localCreds: IceCredentials;
  readonly lite: boolean;
  readonly tieBreaker: bigint;
  readonly stats: IceAgentStats = {
    checksSent: 0,
    retransmits: 0,
    checksReceived: 0,
    responsesReceived: 0,
    consentChecksSent: 0,
    stunDropped: 0,
    errorResponsesSent: 0,
    sendErrors: 0,
    dataSent: 0,
    dataReceived: 0,
    bytesSent: 0,
    bytesReceived: 0,
    dataDropped: 0,
    roleSwitches: 0,
    restarts: 0,
    remoteCandidatesIgnored: 0,
  };
  /** Resolves with the connected conn once a pair is selected; rejects with an {@link IceError} if the agent fails or closes first. */
  readonly connected: Promise<DatagramConn>;
  /** Why the agent failed, once it has. */
  error: IceError | undefined;

  private readonly clock: Clock;
  private readonly io: DatagramConn;
  private readonly log: IceLogger;
  private readonly o: Required<
    Pick<
      IceAgentOptions,
      | 'ta'
      | 'maxRto'
      | 'maxAttempts'
      | 'nominationDelay'
      | 'consentInterval'
      | 'consentTimeout'
      | 'disconnectedTimeout'
      | 'connectTimeout'
      | 'closeConn'
      | 'random'
      | 'maxRemoteCandidates'
      | 'maxEarlyPackets'
    >
  > & { rto: number | undefined; software: string | undefined };
  private roleValue: IceRole;
  private stateValue: IceState = 'new';
  private localKey: Uint8Array;
  /** Set by restart(): the next pair the peer nominates is selected whatever its priority. */
  private restarting = false;
  private readonly locals: Candidate[];
  private remoteUfrag: string | undefined;
  private remoteKey: Uint8Array | undefined;
  private readonly remotes: Candidate[] = [];
  private readonly ignored: Candidate[] = [];
  private readonly pairs = new Map<string, CandidatePair>();
  private triggered: CandidatePair[] = [];
  private readonly outstanding = new Map<string, Outstanding>();
  private remoteEnd = false;
  private selected: CandidatePair | undefined;
  private nominating: CandidatePair | undefined;
  private nominateNext: CandidatePair | undefined;
  /** A pair nominated to us before start(); selected when the agent starts. */
  private earlyNomination: CandidatePair | undefined;
  private nominationDeadline = false;
  private readonly nominationFailed = new Set<string>();
  private wasCompleted = false;
  private lastCheckAt = -Infinity;
  private iceConn: IceConn | undefined;
  private early: { data: Uint8Array; from: Addr }[] = [];
  private readonly listeners = new Set<(state: IceState, err?: IceError) => void>();
  private resolveConnected!: (c: DatagramConn) => void;
  private rejectConnected!: (e: IceError) => void;
  private tickTimer: Timer | undefined;
  private nominationTimer: Timer | undefined;
  private connectTimer: Timer | undefined;
  private consentTimer: Timer | undefined;
  private disconnectTimer: Timer | undefined;
  private expireTimer: Timer | undefined;

  constructor(opts: IceAgentOptions) {
    this.clock = opts.clock;
    this.io = opts.conn;
    this.log = opts.logger ?? noopLogger;
    this.lite = opts.lite ?? false;
    if (this.lite && opts.role !== 'controlled') {
      throw new IceError('ICE_BAD_CONFIG', 'an ICE-lite agent is always controlled (RFC 8445 §6.1.1)');
    }
    this.roleValue = opts.role;
    this.o = {
      ta: opts.ta ?? 50,
      rto: opts.rto,
      maxRto: opts.maxRto ?? 3000,
      maxAttempts: opts.maxAttempts ?? 7,
      nominationDelay: opts.nominationDelay ?? 1000,
      consentInterval: opts.consentInterval ?? 5000,
      consentTimeout: opts.consentTimeout ?? 30_000,
      disconnectedTimeout: opts.disconnectedTimeout ?? 7500,
      connectTimeout: opts.connectTimeout ?? 30_000,
      closeConn: opts.closeConn ?? true,
      random: opts.random ?? Math.random,
      maxRemoteCandidates: opts.maxRemoteCandidates ?? 64,
      maxEarlyPackets: opts.maxEarlyPackets ?? 64,
      software: opts.software,
    };
    const gen = generateCredentials();
    this.localCreds = checkCredentials({
      ufrag: opts.localUfrag ?? gen.ufrag,
      pwd: opts.localPwd ?? gen.pwd,
    });
    this.localKey = shortTermKey(this.localCreds.pwd);
    this.tieBreaker = opts.tieBreaker ?? randomTieBreaker();
    const hosts = opts.localCandidates ?? [this.io.localAddr];
    if (hosts.length === 0) throw new IceError('ICE_BAD_CONFIG', 'no local candidates');
    this.locals = hosts.map((a, i) => {
      if (a.address === '0.0.0.0' || a.address === '::') {
        throw new IceError('ICE_BAD_CONFIG', 'a wildcard address is not a candidate: pass localCandidates');
      }
      return {
        foundation: computeFoundation('host', a.address, 'udp'),
        component: 1,
        transport: 'udp',
        priority: candidatePriority('host', 65535 - i, 1),
        address: a.address,
        port: a.port,
        type: 'host',
        extensions: [],
      } satisfies Candidate;
    });
    this.connected = new Promise<DatagramConn>((resolve, reject) => {
      this.resolveConnected = resolve;
      this.rejectConnected = reject;
    });
    // Nobody may be awaiting yet; the rejection is still delivered to those who do.
    this.connected.catch(() => undefined);
    this.io.onData((data, from) => this.onDatagram(data, from));
    this.io.onClose((err) => this.close(err));
    const signal = opts.signal;
    if (signal) {
      const onAbort = () => this.close(signal.reason instanceof Error ? signal.reason : undefined);
      if (signal.aborted) onAbort();
      else {
        signal.addEventListener('abort', onAbort, { once: true });
        this.onStateChange((s) => s === 'closed' && signal.removeEventListener('abort', onAbort));
      }
    }
  }

  get state(): IceState {
    return this.stateValue;
  }

  get role(): IceRole {
    return this.roleValue;
  }

  /** The connected conn, once a pair is selected (the value {@link connected} resolves with). */
  get conn(): DatagramConn | undefined {
    return this.iceConn;
  }

  /** The pair data flows on, once one is selected. */
  get selectedPair(): CandidatePair | undefined {
    return this.selected;
  }

  /** Our host candidates, for the SDP (`a=candidate`). */
  localCandidates(): Candidate[] {
    return this.locals.map((c) => ({ ...c, extensions: [...c.extensions] }));
  }

  /** Remote candidates known so far, signalled and peer-reflexive (learned from checks). */
  remoteCandidates(): Candidate[] {
    return [...this.remotes];
  }

  /** Signalled candidates that cannot be checked: unresolved `.local`/FQDN addresses, TCP, other components. */
  ignoredRemoteCandidates(): Candidate[] {
    return [...this.ignored];
  }

  /** Candidate pairs, highest priority first. */
  pairList(): CandidatePair[] {
    return [...this.pairs.values()].sort((a, b) =>
      a.priority > b.priority ? -1 : a.priority < b.priority ? 1 : 0,
    );
  }

  /** Our `ice-ufrag`/`ice-pwd` (new ones after {@link restart}). */
  get localCredentials(): IceCredentials {
    return this.localCreds;
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
    if (this.stateValue === 'closed' || this.stateValue === 'failed') {
      throw new IceError('ICE_CLOSED', `cannot restart in state ${this.stateValue}`, {
        state: this.stateValue,
      });
    }
    this.localCreds = checkCredentials(local);
    this.localKey = shortTermKey(this.localCreds.pwd);
    this.remoteUfrag = remoteUfrag;
    this.remoteKey = shortTermKey(remotePwd);
    this.remotes.length = 0;
    this.ignored.length = 0;
    this.remoteEnd = false;
    for (const [key, p] of this.pairs) if (p !== this.selected) this.pairs.delete(key);
    for (const [key, o] of this.outstanding) {
      if (o.pair !== this.selected) {
        o.tx?.finish();
        this.outstanding.delete(key);
      }
    }
    this.restarting = this.selected !== undefined;
    this.stats.restarts++;
    this.log.debug({ ufrag: this.localCreds.ufrag }, 'ICE restart');
    return this.localCreds;
  }

  /** The peer's `ice-ufrag`/`ice-pwd` from its description (RFC 8839 §5.4). */
  setRemoteCredentials(ufrag: string, pwd: string): void {
    this.remoteUfrag = ufrag;
    this.remoteKey = shortTermKey(pwd);
    this.scheduleTick();
  }

  /**
   * Adds a remote candidate (object or `candidate:` line), or `null` for end-of-candidates (RFC 8838).
   * Candidates whose address is not an IP literal (`.local` mDNS names) are kept aside, never paired:
   * such peers connect through the peer-reflexive candidate learned from their checks. Throws
   * {@link IceError} `ICE_BAD_CANDIDATE` for a line that does not parse.
   */
  addRemoteCandidate(c: Candidate | string | null): void {
    if (this.stateValue === 'closed') return;
    if (c === null) {
      this.remoteEnd = true;
      this.checkFailure();
      this.maybeComplete();
      return;
    }
    const cand = typeof c === 'string' ? parseCandidate(c) : c;
    const a = candidateAddr(cand);
    if (cand.component !== 1 || cand.transport !== 'udp' || !a) {
      this.stats.remoteCandidatesIgnored++;
      if (this.ignored.length < this.o.maxRemoteCandidates) this.ignored.push(cand);
      this.log.debug({ address: cand.address, transport: cand.transport }, 'remote candidate ignored');
      return;
    }
    if (this.findRemote(a)) return;
    if (this.remotes.length >= this.o.maxRemoteCandidates) {
      this.stats.remoteCandidatesIgnored++;
      return;
    }
    this.remotes.push(cand);
    if (this.lite || this.selected) return;
    this.addPair(cand, a, false);
    this.scheduleTick();
  }

  /** Begins ICE processing (`new` -> `checking`): a full agent starts checks once it has remote credentials. */
  start(): void {
    if (this.stateValue !== 'new') return;
    this.setState('checking');
    this.connectTimer = this.clock.setTimer(this.o.connectTimeout, () => {
      this.connectTimer = undefined;
      if (!this.selected)
        this.fail(new IceError('ICE_TIMEOUT', `no pair selected in ${this.o.connectTimeout} ms`));
    });
    const early = this.earlyNomination;
    this.earlyNomination = undefined;
    if (early) this.select(early);
    this.scheduleTick();
  }

  /** Listens to state changes; returns a function that removes the listener. */
  onStateChange(fn: (state: IceState, err?: IceError) => void): () => void {
    this.listeners.add(fn);
    return () => this.listeners.delete(fn);
  }

  /** Stops everything, closes the connected conn and (with `closeConn`) the underlying conn. Idempotent. */
  close(err?: Error): void {
    if (this.stateValue === 'closed') return;
    this.stopTimers();
    this.setState('closed');
    const e = new IceError('ICE_CLOSED', 'ICE agent closed', { cause: err });
    this.iceConn?.shutdown(err);
    this.rejectConnected(e);
    this.early = [];
    if (this.o.closeConn) this.io.close();
  }

  // ---- datagrams -------------------------------------------------------------------------------

  private onDatagram(data: Uint8Array, from: Addr): void {
    if (this.stateValue === 'closed' || this.stateValue === 'failed') return;
    if (isStun(data)) {
      this.onStun(data, from);
      return;
    }
    let sel = this.selected;
    if (sel && !sameAddr(from, sel.remoteAddr)) {
      // The peer nominated more than one pair (werift nominates equal-priority pairs; browsers may
      // renominate) and sends its data on another nominated one: follow it there, so its DTLS and
      // media are not dropped (RFC 8445 §8.1.1 leaves the tie to the controlling side's traffic).
      const other = this.pairs.get(addrKey(from));
      if (other?.nominated) {
        this.log.debug({ remote: other.key, previous: sel.key }, 'following the peer to its nominated pair');
        this.selected = sel = other;
      }
    }
    if (sel && sameAddr(from, sel.remoteAddr)) {
      this.stats.dataReceived++;
      this.stats.bytesReceived += data.byteLength;
      this.iceConn?.deliver(data, from);
    } else if (!sel && (this.pairs.has(addrKey(from)) || this.findRemote(from))) {
      // Data may overtake the nominating check under loss/reordering: keep a few until selection.
      if (this.early.length >= this.o.maxEarlyPackets) {
        this.early.shift();
        this.stats.dataDropped++;
      }
      this.early.push({ data, from });
    } else this.stats.dataDropped++;
  }

  private onStun(data: Uint8Array, from: Addr): void {
    let msg: DecodedStun;
    try {
      msg = decodeStun(data);
    } catch (e) {
      if (!(e instanceof StunError)) throw e;
      this.stats.stunDropped++;
      this.log.debug({ code: e.code, offset: e.offset }, 'bad STUN dropped');
      return;
    }
    if (msg.method !== StunMethod.Binding) {
      this.stats.stunDropped++;
      return;
    }
    if (msg.cls === 'request') this.onRequest(msg, from);
    else if (msg.cls === 'success' || msg.cls === 'error') this.onResponse(msg, from);
    // Binding indications are keepalives (RFC 8445 §11): nothing to do.
  }

  // ---- requests (RFC 8445 §7.3) ----------------------------------------------------------------

  private onRequest(msg: DecodedStun, src: Addr): void {
    this.stats.checksReceived++;
    // A plain Addr: a socket's rinfo may carry more fields, and this one may be kept in a pair.
    const from: Addr = { address: src.address, port: src.port, family: src.family };
    const user = msg.attrs.username;
    // RFC 8489 §9.1.3: a request without MESSAGE-INTEGRITY or USERNAME gets 400.
    if (user === undefined || (msg.integrityOffset === undefined && !msg.integritySha256)) {
      this.respondError(msg, from, StunErrorCodes.BadRequest, 'Bad Request', false);
      return;
    }
    const colon = user.indexOf(':');
    const lu = user.slice(0, colon);
    const ru = user.slice(colon + 1);
    if (
      colon < 0 ||
      lu !== this.localCreds.ufrag ||
      (this.remoteUfrag !== undefined && ru !== this.remoteUfrag) ||
      !verifyIntegrity(msg, this.localKey)
    ) {
      this.respondError(msg, from, StunErrorCodes.Unauthorized, 'Unauthorized', false);
      return;
    }
    if (msg.unknownRequired.length > 0) {
      this.respondError(
        msg,
        from,
        StunErrorCodes.UnknownAttribute,
        'Unknown Attribute',
        true,
        msg.unknownRequired,
      );
      return;
    }
    const prio = msg.attrs.priority;
    if (prio === undefined) {
      // RFC 8445 §7.2.2: every check carries PRIORITY.
      this.respondError(msg, from, StunErrorCodes.BadRequest, 'Bad Request', true);
      return;
    }
    // Role conflict (§7.3.1.1).
    const theirControlling = msg.attrs.iceControlling;
    const theirControlled = msg.attrs.iceControlled;
    if (this.roleValue === 'controlling' && theirControlling !== undefined) {
      if (this.tieBreaker >= theirControlling) {
        this.respondError(msg, from, StunErrorCodes.RoleConflict, 'Role Conflict', true);
        return;
      }
      this.switchRole('controlled');
    } else if (this.roleValue === 'controlled' && theirControlled !== undefined) {
      // A lite agent cannot take control: it always answers 487 so the full peer does (§6.1.1).
      if (this.lite || this.tieBreaker < theirControlled) {
        this.respondError(msg, from, StunErrorCodes.RoleConflict, 'Role Conflict', true);
        return;
      }
      this.switchRole('controlling');
    }
    this.respond(msg, { cls: 'success', attrs: { xorMappedAddress: from } }, from);

    // Peer-reflexive remote candidate (§7.3.1.3): the source of a valid check we did not know.
    let remote = this.findRemote(from);
    if (!remote) {
      remote = {
        foundation: computeFoundation('prflx', from.address, 'udp'),
        component: 1,
        transport: 'udp',
        priority: prio,
        address: from.address,
        port: from.port,
        type: 'prflx',
        extensions: [],
      };
      if (this.remotes.length < this.o.maxRemoteCandidates) this.remotes.push(remote);
      this.log.debug({ from: addrKey(from) }, 'learned peer-reflexive candidate');
    }
    let pair = this.pairs.get(addrKey(from));
    if (!pair) {
      pair = this.addPair(remote, from, true);
      if (!pair) return;
    } else if (!this.lite && this.stateValue === 'checking') {
      // Triggered check (§7.3.1.4).
      if (pair.state === 'frozen') pair.to('waiting');
      if (pair.state === 'failed') pair.to('waiting');
      if (pair.state === 'waiting') this.trigger(pair);
    }
    if (this.lite && this.selected === pair) this.freshenConsent();

    // Nomination (§7.3.1.5).
    if (msg.attrs.useCandidate && this.roleValue === 'controlled') {
      if (this.lite || pair.state === 'succeeded') {
        pair.nominated = true;
        this.select(pair);
      } else pair.remoteNominated = true;
    }
    this.scheduleTick();
  }

  /** Creates the pair for a remote candidate; a triggered pair starts Waiting, a lite agent's Succeeded. */
  private addPair(remote: Candidate, a: Addr, triggered: boolean): CandidatePair | undefined {
    const local = this.locals.find((l) => (l.address.includes(':') ? 'IPv6' : 'IPv4') === a.family);
    if (!local) return undefined;
    if (this.pairs.size >= this.o.maxRemoteCandidates) return undefined;
    const controlling = this.roleValue === 'controlling';
    if (this.lite) {
      // RFC 8445 §2.5: a lite agent does no checks; a pair is valid once a check arrived on it.
      const p = new CandidatePair(local, remote, a, controlling, 'succeeded');
      this.pairs.set(p.key, p);
      return p;
    }
    const p = new CandidatePair(local, remote, a, controlling, 'frozen');
    const f = p.foundation;
    const siblings = [...this.pairs.values()].filter((q) => q.foundation === f);
    // §6.1.2.6 / RFC 8838 §10: the first pair of a foundation, or one whose foundation already
    // succeeded, is Waiting; others stay Frozen until a sibling succeeds or nothing else is left.
    if (triggered || siblings.length === 0 || siblings.some((q) => q.state === 'succeeded')) p.to('waiting');
    this.pairs.set(p.key, p);
    if (triggered) this.trigger(p);
    return p;
  }

  private trigger(p: CandidatePair): void {
    this.triggered = [p, ...this.triggered.filter((q) => q !== p)];
  }

  private respond(req: DecodedStun, m: { cls: 'success' | 'error'; attrs: StunAttributes }, to: Addr): void {
    const attrs: StunAttributes = this.o.software ? { ...m.attrs, software: this.o.software } : m.attrs;
    const bytes = encodeStun(
      { cls: m.cls, method: StunMethod.Binding, transactionId: req.transactionId, attrs },
      { integrityKey: this.localKey, fingerprint: true },
    );
    this.transmit(bytes, to);
  }

  private respondError(
    req: DecodedStun,
    to: Addr,
    code: number,
    reason: string,
    withIntegrity: boolean,
    unknown?: number[],
  ): void {
    this.stats.errorResponsesSent++;
    const attrs: StunAttributes = { errorCode: { code, reason } };
    if (unknown) attrs.unknownAttributes = unknown;
    if (withIntegrity) {
      this.respond(req, { cls: 'error', attrs }, to);
      return;
    }
    // 400/401: the requester could not be authenticated, so no MESSAGE-INTEGRITY (RFC 8489 §9.1.3).
    const bytes = encodeStun(
      { cls: 'error', method: StunMethod.Binding, transactionId: req.transactionId, attrs },
      { fingerprint: true },
    );
    this.transmit(bytes, to);
  }

  // ---- checks (RFC 8445 §6.1.4, §7.2) ----------------------------------------------------------

  private hasWork(): boolean {
    if (this.stateValue !== 'checking' || this.lite || !this.remoteKey) return false;
    if (this.nominateNext || this.triggered.length > 0) return true;
    for (const p of this.pairs.values()) if (p.state === 'waiting' || p.state === 'frozen') return true;
    return false;
  }

  private scheduleTick(): void {
    if (this.tickTimer || !this.hasWork()) return;
    const wait = Math.max(0, this.lastCheckAt + this.o.ta - this.clock.now());
    this.tickTimer = this.clock.setTimer(wait, () => {
      this.tickTimer = undefined;
      this.onTick();
      this.scheduleTick();
    });
  }

  /** One Ta tick: a nomination, else a triggered check, else the best Waiting pair, else unfreeze one (§6.1.4.2). */
  private onTick(): void {
    if (!this.hasWork()) return;
    const nom = this.nominateNext;
    if (nom) {
      this.nominateNext = undefined;
      this.sendCheck(nom, true, 'check');
      return;
    }
    while (this.triggered.length > 0) {
      const p = this.triggered.shift() as CandidatePair;
      if (p.state === 'waiting') {
        this.sendCheck(p, false, 'check');
        return;
      }
    }
    const list = this.pairList();
    const next = list.find((p) => p.state === 'waiting') ?? list.find((p) => p.state === 'frozen');
    if (!next) return;
    if (next.state === 'frozen') next.to('waiting');
    this.sendCheck(next, false, 'check');
  }

  private timing(): TransactionTiming {
    let active = 0;
    for (const p of this.pairs.values()) if (p.state === 'waiting' || p.state === 'in-progress') active++;
    return {
      rto: this.o.rto ?? Math.max(500, this.o.ta * active),
      maxRto: this.o.maxRto,
      maxAttempts: this.o.maxAttempts,
    };
  }

  private sendCheck(pair: CandidatePair, useCandidate: boolean, kind: 'check' | 'consent'): void {
    const remoteUfrag = this.remoteUfrag;
    const remoteKey = this.remoteKey;
    if (remoteUfrag === undefined || !remoteKey) return;
    if (kind === 'check' && pair.state === 'waiting') pair.to('in-progress');
    const transactionId = newTransactionId();
    const attrs: StunAttributes = {
      username: `${remoteUfrag}:${this.localCreds.ufrag}`,
      // §7.1.1: the priority a peer-reflexive candidate of ours would get.
      priority: candidatePriority('prflx', (pair.local.priority >> 8) & 0xffff, 1),
    };
    if (this.roleValue === 'controlling') attrs.iceControlling = this.tieBreaker;
    else attrs.iceControlled = this.tieBreaker;
    if (useCandidate) attrs.useCandidate = true;
    if (this.o.software) attrs.software = this.o.software;
    const bytes = encodeStun(
      { cls: 'request', method: StunMethod.Binding, transactionId, attrs },
      { integrityKey: remoteKey, fingerprint: true },
    );
    const key = transactionKey(transactionId);
    const out: Outstanding = {
      tx: undefined,
      pair,
      kind,
      useCandidate,
      role: this.roleValue,
      sentAt: this.clock.now(),
    };
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
        this.transmit(bytes, pair.remoteAddr);
      },
      () => this.onCheckTimeout(key),
    );
    out.tx.start();
  }

  private onCheckTimeout(key: string): void {
    const o = this.outstanding.get(key);
    if (!o) return;
    this.outstanding.delete(key);
    if (o.kind === 'consent') return; // consent expiry runs on its own timers
    const p = o.pair;
    if (p.state === 'in-progress') p.to('failed');
    if (o.useCandidate && this.nominating === p) {
      this.nominationFailed.add(p.key);
      this.nominating = undefined;
      this.maybeNominate();
    }
    this.log.debug({ remote: p.key, state: p.state }, 'check timed out');
    this.checkFailure();
    this.maybeComplete();
    this.scheduleTick();
  }

  private onResponse(msg: DecodedStun, from: Addr): void {
    const key = transactionKey(msg.transactionId);
    const o = this.outstanding.get(key);
    // §7.2.5.2: responses must authenticate with the peer's password; others are dropped, not fatal.
    if (!o || !this.remoteKey || !verifyIntegrity(msg, this.remoteKey)) {
      this.stats.stunDropped++;
      return;
    }
    this.outstanding.delete(key);
    o.tx?.finish();
    this.stats.responsesReceived++;
    const p = o.pair;
    if (msg.cls === 'error') {
      const code = msg.attrs.errorCode?.code;
      if (code === StunErrorCodes.RoleConflict && o.kind === 'check') {
        // §7.2.5.1: switch role (unless we already did since sending) and check the pair again.
        if (o.role === this.roleValue) {
          this.switchRole(this.roleValue === 'controlling' ? 'controlled' : 'controlling');
        }
        if (p.state === 'in-progress') p.to('waiting');
        if (p.state === 'waiting') this.trigger(p);
        if (o.useCandidate && this.nominating === p) this.nominating = undefined;
        this.maybeNominate();
        this.scheduleTick();
        return;
      }
      // §7.2.5.2.4: any other error response is unrecoverable for the pair.
      if (p.state === 'in-progress') p.to('failed');
      this.checkFailure();
      this.maybeComplete();
      this.scheduleTick();
      return;
    }
    // §7.2.5.2.1: the response must come from where the request went.
    if (!sameAddr(from, p.remoteAddr)) {
      if (p.state === 'in-progress') p.to('failed');
      this.checkFailure();
      return;
    }
    if (o.kind === 'consent') {
      if (this.selected === p) this.freshenConsent();
      return;
    }
    p.rtt = this.clock.now() - o.sentAt;
    // §7.2.5.3.1: a mapped address we do not know is a local peer-reflexive candidate. All our
    // candidates share one conn, so it only changes what we record, not where we send.
    p.mappedAddr = msg.attrs.xorMappedAddress;
    if (p.state === 'in-progress') {
      p.to('succeeded');
      // §7.2.5.3.3: unfreeze pairs with the same foundation.
      for (const q of this.pairs.values())
        if (q.state === 'frozen' && q.foundation === p.foundation) q.to('waiting');
    } else if (p.state === 'waiting' || p.state === 'failed') {
      // A late response to an earlier transaction still proves the path.
      if (p.state === 'failed') p.to('waiting');
      p.to('in-progress');
      p.to('succeeded');
    }
    if (this.selected === p) this.freshenConsent();
    if (o.useCandidate && this.roleValue === 'controlling') {
      p.nominated = true;
      this.select(p);
    } else if (this.roleValue === 'controlled' && p.remoteNominated) {
      p.nominated = true;
      this.select(p);
    } else this.maybeNominate();
    this.maybeComplete();
    this.scheduleTick();
  }

  // ---- nomination and selection (RFC 8445 §8) --------------------------------------------------

  /**
   * Regular nomination (§8.1.1): once the best possible pair is valid, or `nominationDelay` after the
   * first valid pair, re-check the best valid pair with USE-CANDIDATE.
   */
  private maybeNominate(): void {
    if (this.roleValue !== 'controlling' || this.lite || this.selected || this.nominating) return;
    if (this.stateValue !== 'checking') return;
    let best: CandidatePair | undefined;
    for (const p of this.pairs.values()) {
      if (
        p.state === 'succeeded' &&
        !this.nominationFailed.has(p.key) &&
        (!best || p.priority > best.priority)
      ) {
        best = p;
      }
    }
    if (!best) return;
    const b = best;
    const better = [...this.pairs.values()].some(
      (p) =>
        p.priority > b.priority &&
        (p.state === 'frozen' || p.state === 'waiting' || p.state === 'in-progress'),
    );
    if (!better || this.nominationDeadline) {
      this.nominationTimer?.cancel();
      this.nominationTimer = undefined;
      this.nominating = b;
      this.nominateNext = b;
      this.log.debug({ remote: b.key }, 'nominating');
      this.scheduleTick();
    } else if (!this.nominationTimer) {
      this.nominationTimer = this.clock.setTimer(this.o.nominationDelay, () => {
        this.nominationTimer = undefined;
        this.nominationDeadline = true;
        this.maybeNominate();
      });
    }
  }

  /** Selects a nominated pair: the first one, or later a higher-priority one (a lite agent follows renomination). */
  private select(p: CandidatePair): void {
    if (this.stateValue === 'closed' || this.stateValue === 'failed') return;
    if (this.stateValue === 'new') {
      if (!this.earlyNomination || p.priority > this.earlyNomination.priority) this.earlyNomination = p;
      return;
    }
    const cur = this.selected;
    const restarted = this.restarting && cur !== undefined && (p.nominated || p.remoteNominated);
    if (restarted) this.restarting = false;
    if (cur === p || (cur && !restarted && p.priority <= cur.priority)) return;
    this.selected = p;
    this.nominating = undefined;
    this.nominateNext = undefined;
    this.triggered = [];
    this.log.debug({ remote: p.key, previous: cur?.key }, 'selected pair');
    if (cur) return;
    this.connectTimer?.cancel();
    this.connectTimer = undefined;
    this.nominationTimer?.cancel();
    this.nominationTimer = undefined;
    this.tickTimer?.cancel();
    this.tickTimer = undefined;
    // §8.1.2: with a pair nominated, checks on the other pairs stop (no more retransmits).
    for (const [key, o] of this.outstanding) {
      if (o.kind === 'check' && o.pair !== p) {
        o.tx?.finish();
        this.outstanding.delete(key);
      }
    }
    const conn = new IceConn(
      {
        localAddr: this.io.localAddr,
        selectedRemote: () => this.selected?.remoteAddr,
        sendData: (d) => this.sendData(d),
        close: (err) => this.close(err),
      },
      this.o.maxEarlyPackets,
    );
    this.iceConn = conn;
    this.setState('connected');
    this.startConsent();
    const early = this.early;
    this.early = [];
    for (const e of early) {
      if (sameAddr(e.from, p.remoteAddr)) {
        this.stats.dataReceived++;
        this.stats.bytesReceived += e.data.byteLength;
        conn.deliver(e.data, e.from);
      } else this.stats.dataDropped++;
    }
    this.resolveConnected(conn);
    this.maybeComplete();
  }

  private sendData(data: Uint8Array): void {
    const p = this.selected;
    if (!p) return;
    this.stats.dataSent++;
    this.stats.bytesSent += data.byteLength;
    this.io.send(data, p.remoteAddr);
  }

  private switchRole(role: IceRole): void {
    this.log.debug({ from: this.roleValue, to: role }, 'role switch');
    this.roleValue = role;
    this.stats.roleSwitches++;
    for (const p of this.pairs.values()) p.setRole(role === 'controlling');
    if (role === 'controlled') {
      this.nominating = undefined;
      this.nominateNext = undefined;
      this.nominationTimer?.cancel();
      this.nominationTimer = undefined;
    }
  }

  // ---- consent (RFC 7675) ----------------------------------------------------------------------

  private startConsent(): void {
    this.armConsentExpiry();
    if (!this.lite) this.scheduleConsentCheck();
  }

  private scheduleConsentCheck(): void {
    // RFC 7675 §5.1: randomised 0.8-1.2 x the interval, so checks do not synchronise.
    const wait = this.o.consentInterval * (0.8 + 0.4 * this.o.random());
    this.consentTimer = this.clock.setTimer(wait, () => {
      this.consentTimer = undefined;
      const p = this.selected;
      if (!p || this.stateValue === 'closed' || this.stateValue === 'failed') return;
      this.sendCheck(p, false, 'consent');
      this.scheduleConsentCheck();
    });
  }

  private freshenConsent(): void {
    if (this.stateValue === 'disconnected') this.setState(this.wasCompleted ? 'completed' : 'connected');
    this.armConsentExpiry();
  }

  private armConsentExpiry(): void {
    this.disconnectTimer?.cancel();
    this.expireTimer?.cancel();
    this.disconnectTimer = this.clock.setTimer(this.o.disconnectedTimeout, () => {
      this.disconnectTimer = undefined;
      if (this.stateValue === 'connected' || this.stateValue === 'completed') this.setState('disconnected');
    });
    this.expireTimer = this.clock.setTimer(this.o.consentTimeout, () => {
      this.expireTimer = undefined;
      this.fail(
        new IceError(
          'ICE_CONSENT_LOST',
          this.lite
            ? `no connectivity check from the peer for ${this.o.consentTimeout} ms`
            : `no consent response for ${this.o.consentTimeout} ms`,
        ),
      );
    });
  }

  // ---- completion and failure ------------------------------------------------------------------

  private maybeComplete(): void {
    if (this.stateValue !== 'connected' || !this.remoteEnd) return;
    for (const o of this.outstanding.values()) if (o.kind === 'check') return;
    this.wasCompleted = true;
    this.setState('completed');
  }

  private checkFailure(): void {
    if (this.stateValue !== 'checking' || this.lite || !this.remoteEnd || this.selected) return;
    if (this.pairs.size === 0 || this.triggered.length > 0 || this.nominateNext) return;
    for (const p of this.pairs.values()) if (p.state !== 'failed') return;
    this.fail(new IceError('ICE_CHECKS_FAILED', 'every candidate pair failed'));
  }

  private fail(err: IceError): void {
    if (this.stateValue === 'closed' || this.stateValue === 'failed') return;
    this.error = err;
    this.log.warn({ code: err.code }, err.message);
    this.stopTimers();
    this.setState('failed', err);
    this.iceConn?.shutdown(err);
    this.rejectConnected(err);
    this.early = [];
  }

  private stopTimers(): void {
    for (const t of [
      this.tickTimer,
      this.nominationTimer,
      this.connectTimer,
      this.consentTimer,
      this.disconnectTimer,
      this.expireTimer,
    ]) {
      t?.cancel();
    }
    this.tickTimer = this.nominationTimer = this.connectTimer = undefined;
    this.consentTimer = this.disconnectTimer = this.expireTimer = undefined;
    for (const o of this.outstanding.values()) o.tx?.finish();
    this.outstanding.clear();
  }

  private setState(to: IceState, err?: IceError): void {
    this.stateValue = nextIceState(this.stateValue, to);
    for (const fn of [...this.listeners]) {
      // A listener's bug must not break the state machine or the datagram handler that got here.
      try {
        fn(to, err);
      } catch (e) {
        this.log.warn({ err: e }, 'ICE state listener threw');
      }
    }
  }

  /** Sends a STUN message. Runs from timers too, so it never throws: a closed conn closes the agent, other send errors are logged and counted as a lost datagram (as UDP would lose it). */
  private transmit(bytes: Uint8Array, to: Addr): void {
    try {
      this.io.send(bytes, to);
    } catch (e) {
      if (e instanceof TransportClosedError) this.close(e);
      else {
        this.stats.sendErrors++;
        this.log.warn({ err: e, to: addrKey(to) }, 'STUN send failed');
      }
    }
  }

  private findRemote(a: Addr): Candidate | undefined {
    return this.remotes.find((r) => r.port === a.port && r.address.toLowerCase() === a.address);
  }
}

function randomTieBreaker(): bigint {
  return new DataView(newTransactionId().buffer).getBigUint64(0);
}
