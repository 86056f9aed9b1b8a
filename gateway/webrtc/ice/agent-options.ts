/**
 * Options, defaults and counters of {@link IceAgent}: the timers of RFC 8445 §14 (Ta §14.2, RTO
 * §14.3, Rc of RFC 8489 §6.2.1), RFC 7675 consent timers, the bounds on remote state, and the host
 * candidates (§5.1.1.1) the agent advertises with their priorities (§5.1.2).
 */
import { newTransactionId } from '../stun/index.ts';
import type { Addr, Clock, DatagramConn } from '../transport/index.ts';
import type { Candidate } from './candidate.ts';
import { IceError } from './errors.ts';
import { computeFoundation } from './foundation.ts';
import { candidatePriority } from './priority.ts';

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

/** The tunables with their defaults applied (`rto` stays optional: its default depends on the checklist). */
export type ResolvedIceOptions = Required<
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

export function resolveOptions(opts: IceAgentOptions): ResolvedIceOptions {
  return {
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
}

export function newIceStats(): IceAgentStats {
  return {
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
}

export const noopLogger: IceLogger = { debug() {}, warn() {} };

/** A random 64-bit tie-breaker for role conflicts (RFC 8445 §7.3.1.1). */
export function randomTieBreaker(): bigint {
  return new DataView(newTransactionId().buffer).getBigUint64(0);
}

/**
 * Host candidates for the given addresses (§5.1.1.1), all reached through the agent's one conn; the
 * first gets the highest local preference (§5.1.2.1). Throws `ICE_BAD_CONFIG` for none or a wildcard.
 */
export function hostCandidates(hosts: Addr[]): Candidate[] {
  if (hosts.length === 0) throw new IceError('ICE_BAD_CONFIG', 'no local candidates');
  return hosts.map((a, i) => {
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
}
