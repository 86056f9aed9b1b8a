import { randomBytes } from 'node:crypto';
import type { Addr, Clock, UdpMux } from '../webrtc/transport/index.ts';
import type { DtlsCertificate } from '../webrtc/dtls/index.ts';
import { PeerConnection, type PeerLogger, type StatsReport } from '../webrtc/peer/index.ts';

/** A PATCH asked for an ICE restart (new ice-ufrag/ice-pwd), which sessions do not support yet (422). */
export class IceRestartUnsupportedError extends Error {
  readonly code = 'ICE_RESTART_UNSUPPORTED';
  constructor() {
    super(
      'ICE restart is not supported: the sdpfrag carries a new ice-ufrag; start a new session (POST) instead',
    );
    this.name = 'IceRestartUnsupportedError';
  }
}

/** What every WHEP/WHIP session needs to make its peer connection on the shared UDP port. */
export interface PeerFactoryOptions {
  readonly clock: Clock;
  readonly mux: UdpMux;
  readonly certificate: DtlsCertificate;
  readonly hostCandidates: readonly Addr[];
  readonly logger: PeerLogger;
}

/** A fresh session id (the last segment of the resource URL) and its peer connection. */
export function newPeerSession(o: PeerFactoryOptions): { id: string; pc: PeerConnection } {
  return {
    id: randomBytes(12).toString('hex'),
    pc: new PeerConnection({
      clock: o.clock,
      openConn: (ufrag) => o.mux.endpoint(ufrag),
      certificate: o.certificate,
      hostCandidates: o.hostCandidates,
      logger: o.logger,
    }),
  };
}

/**
 * The session resources of one endpoint kind (WHEP viewers, WHIP publishers), by id: the HTTP
 * verbs on `/{kind}/{stream}/{id}` act on these. A session leaves the table when its peer closes.
 */
export class PeerSessions<S extends { readonly stream: string; readonly pc: PeerConnection }> {
  private readonly sessions = new Map<string, S>();

  get size(): number {
    return this.sessions.size;
  }

  get(id: string): S | undefined {
    return this.sessions.get(id);
  }

  values(): IterableIterator<S> {
    return this.sessions.values();
  }

  /** Adds a session; it is removed when its peer connection fails or closes. */
  add(id: string, s: S): void {
    this.sessions.set(id, s);
    s.pc.onConnectionStateChange((state) => {
      if (state === 'failed' || state === 'closed') this.sessions.delete(id);
    });
  }

  /** `DELETE`: ends the session; false when there is none with that id for that stream. */
  delete(stream: string, id: string): boolean {
    const s = this.sessions.get(id);
    if (!s || s.stream !== stream) return false;
    this.sessions.delete(id);
    s.pc.close();
    return true;
  }

  /**
   * `PATCH` with trickled candidates (RFC 8840); false when there is no such session. An sdpfrag
   * whose `a=ice-ufrag` differs from the session's is an ICE restart (RFC 9725 §4.3.2, WHEP §4.3),
   * which the ICE agent cannot do yet: {@link IceRestartUnsupportedError} (422, RFC 9725 §4.3:
   * a session that supports trickle but not restarts answers 422 to the restart PATCH).
   */
  patch(stream: string, id: string, sdpfrag: string): boolean {
    const s = this.sessions.get(id);
    if (!s || s.stream !== stream) return false;
    const ufrag = /^a=ice-ufrag:(\S+)\s*$/m.exec(sdpfrag)?.[1];
    const current = s.pc.remoteDescription?.iceUfrag;
    if (ufrag !== undefined && current !== undefined && ufrag !== current) {
      throw new IceRestartUnsupportedError();
    }
    s.pc.addRemoteCandidates(sdpfrag);
    return true;
  }

  /** `GET` on the session's stats: its peer's getStats(); undefined when no such session for that stream. */
  stats(stream: string, id: string): StatsReport | undefined {
    const s = this.sessions.get(id);
    return s && s.stream === stream ? s.pc.getStats() : undefined;
  }

  closeAll(): void {
    for (const s of [...this.sessions.values()]) s.pc.close();
    this.sessions.clear();
  }
}
