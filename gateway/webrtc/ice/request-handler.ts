/**
 * Admitting and answering connectivity checks (RFC 8445 §7.3): the request must authenticate with
 * our short-term credentials (§7.3, RFC 8489 §9.1.3: 400 without USERNAME/MESSAGE-INTEGRITY, 401 on
 * a wrong ufrag or key), carry no unknown comprehension-required attribute (420) and carry PRIORITY
 * (§7.2.2); a role conflict is resolved by the tie-breakers (§7.3.1.1, 487). An admitted check gets
 * a success response with XOR-MAPPED-ADDRESS (§7.3.1.2). What it then means (peer-reflexive
 * candidate §7.3.1.3, triggered check §7.3.1.4, nomination §7.3.1.5) is decided by the agent.
 */
import { addrKey, type Addr } from '../transport/index.ts';
import {
  encodeStun,
  StunErrorCodes,
  StunMethod,
  verifyIntegrity,
  type DecodedStun,
  type StunAttributes,
} from '../stun/index.ts';
import type { IceAgentStats } from './agent-options.ts';
import type { CandidatePair } from './candidate-pair.ts';
import type { Checklist } from './checklist.ts';
import type { SessionCredentials } from './credentials.ts';
import type { RemoteCandidates } from './remote-candidates.ts';
import type { AgentRole } from './role.ts';

/** An admitted check: the pair it arrived on, and whether it nominates that pair (USE-CANDIDATE, §7.3.1.5). */
export interface ReceivedCheck {
  pair: CandidatePair;
  useCandidate: boolean;
}

/** Encodes and sends Binding responses (success and error) with FINGERPRINT and, where it can, MESSAGE-INTEGRITY. */
export class CheckResponder {
  constructor(
    private readonly software: string | undefined,
    private readonly stats: IceAgentStats,
    private readonly transmit: (bytes: Uint8Array, to: Addr) => void,
  ) {}

  /** §7.3.1.2: the success response tells the peer the address its check came from. */
  success(req: DecodedStun, to: Addr, key: Uint8Array): void {
    this.respond(req, { cls: 'success', attrs: { xorMappedAddress: to } }, to, key);
  }

  /** An error response; `key` undefined when the requester could not be authenticated. */
  error(
    req: DecodedStun,
    to: Addr,
    code: number,
    reason: string,
    key: Uint8Array | undefined,
    unknown?: number[],
  ): void {
    this.stats.errorResponsesSent++;
    const attrs: StunAttributes = { errorCode: { code, reason } };
    if (unknown) attrs.unknownAttributes = unknown;
    if (key) {
      this.respond(req, { cls: 'error', attrs }, to, key);
      return;
    }
    // 400/401: the requester could not be authenticated, so no MESSAGE-INTEGRITY (RFC 8489 §9.1.3).
    const bytes = encodeStun(
      { cls: 'error', method: StunMethod.Binding, transactionId: req.transactionId, attrs },
      { fingerprint: true },
    );
    this.transmit(bytes, to);
  }

  private respond(
    req: DecodedStun,
    m: { cls: 'success' | 'error'; attrs: StunAttributes },
    to: Addr,
    key: Uint8Array,
  ): void {
    const attrs: StunAttributes = this.software ? { ...m.attrs, software: this.software } : m.attrs;
    const bytes = encodeStun(
      { cls: m.cls, method: StunMethod.Binding, transactionId: req.transactionId, attrs },
      { integrityKey: key, fingerprint: true },
    );
    this.transmit(bytes, to);
  }
}

export class RequestHandler {
  constructor(
    private readonly creds: SessionCredentials,
    private readonly role: AgentRole,
    private readonly responder: CheckResponder,
    private readonly remotes: RemoteCandidates,
    private readonly checklist: Checklist,
    private readonly stats: IceAgentStats,
    /** Whether the agent runs its checks (a full agent in state `checking`): then a check triggers one. */
    private readonly isChecking: () => boolean,
  ) {}

  /**
   * Answers a Binding request (§7.3) and, if it was a valid check, learns its source (§7.3.1.3) and
   * queues a triggered check on its pair (§7.3.1.4). Returns the pair, or undefined when the check
   * was refused (an error response went out) or no pair can be made for it.
   */
  handle(msg: DecodedStun, src: Addr): ReceivedCheck | undefined {
    this.stats.checksReceived++;
    // A plain Addr: a socket's rinfo may carry more fields, and this one may be kept in a pair.
    const from: Addr = { address: src.address, port: src.port, family: src.family };
    const priority = this.admit(msg, from);
    if (priority === undefined) return undefined;
    this.responder.success(msg, from, this.creds.localKey);
    // Peer-reflexive remote candidate (§7.3.1.3): the source of a valid check we did not know.
    const remote = this.remotes.findOrLearn(from, priority);
    let pair = this.checklist.get(addrKey(from));
    if (!pair) {
      // A new pair gets a triggered check (§7.3.1.4); a lite agent's is valid at once (§2.5).
      pair = this.checklist.add(remote, from, this.role.current === 'controlling', true);
      if (!pair) return undefined;
    } else if (this.isChecking()) {
      // Triggered check (§7.3.1.4).
      if (pair.state === 'frozen') pair.to('waiting');
      if (pair.state === 'failed') pair.to('waiting');
      if (pair.state === 'waiting') this.checklist.trigger(pair);
    }
    return { pair, useCandidate: msg.attrs.useCandidate === true };
  }

  /**
   * Checks a request against §7.3 and resolves a role conflict (§7.3.1.1), switching our role when
   * our tie-breaker loses. Returns the check's PRIORITY, or undefined after an error response.
   */
  private admit(msg: DecodedStun, from: Addr): number | undefined {
    const responder = this.responder;
    const user = msg.attrs.username;
    // RFC 8489 §9.1.3: a request without MESSAGE-INTEGRITY or USERNAME gets 400.
    if (user === undefined || (msg.integrityOffset === undefined && !msg.integritySha256)) {
      responder.error(msg, from, StunErrorCodes.BadRequest, 'Bad Request', undefined);
      return undefined;
    }
    const colon = user.indexOf(':');
    const lu = user.slice(0, colon);
    const ru = user.slice(colon + 1);
    const key = this.creds.localKey;
    const remoteUfrag = this.creds.remoteUfrag;
    if (
      colon < 0 ||
      lu !== this.creds.local.ufrag ||
      (remoteUfrag !== undefined && ru !== remoteUfrag) ||
      !verifyIntegrity(msg, key)
    ) {
      responder.error(msg, from, StunErrorCodes.Unauthorized, 'Unauthorized', undefined);
      return undefined;
    }
    if (msg.unknownRequired.length > 0) {
      const code = StunErrorCodes.UnknownAttribute;
      responder.error(msg, from, code, 'Unknown Attribute', key, msg.unknownRequired);
      return undefined;
    }
    const priority = msg.attrs.priority;
    if (priority === undefined) {
      // RFC 8445 §7.2.2: every check carries PRIORITY.
      responder.error(msg, from, StunErrorCodes.BadRequest, 'Bad Request', key);
      return undefined;
    }
    // Role conflict (§7.3.1.1).
    if (!this.role.admitRequest(msg.attrs.iceControlling, msg.attrs.iceControlled)) {
      responder.error(msg, from, StunErrorCodes.RoleConflict, 'Role Conflict', key);
      return undefined;
    }
    return priority;
  }
}
