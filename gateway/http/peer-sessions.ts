import { randomBytes } from 'node:crypto';
import type { Addr, Clock, UdpMux } from '../webrtc/transport/index.ts';
import type { DtlsCertificate } from '../webrtc/dtls/index.ts';
import { PeerConnection, type PeerLogger, type StatsReport } from '../webrtc/peer/index.ts';

/** An ICE restart PATCH (RFC 9725 §4.3.2) whose sdpfrag lacks the new `a=ice-pwd` (400). */
export class IceRestartMalformedError extends Error {
  readonly code = 'ICE_RESTART_MALFORMED';
  constructor() {
    super('ICE restart: the sdpfrag has a new a=ice-ufrag but no a=ice-pwd');
    this.name = 'IceRestartMalformedError';
  }
}

/**
 * What a PATCH that restarted ICE answers (200, RFC 9725 §4.3.2): our new credentials and candidates
 * as an `application/trickle-ice-sdpfrag`, and the session's new entity tag.
 */
export interface IceRestartAnswer {
  readonly sdpfrag: string;
  readonly etag: string;
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
  /** ICE generation per session for its ETag: 1 from the POST, +1 per restart. */
  private readonly generations = new Map<string, number>();

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
      if (state === 'failed' || state === 'closed') {
        this.sessions.delete(id);
        this.generations.delete(id);
      }
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
   * `PATCH` (RFC 8840 sdpfrag): false when there is no such session, true when its candidates were
   * trickled in. An sdpfrag whose `a=ice-ufrag` differs from the one in force is an ICE restart
   * (RFC 9725 §4.3.2, WHEP §4.3): the peer restarts with the new ufrag/pwd and the answer carries
   * ours ({@link IceRestartAnswer}); media keeps flowing on the old path until the peer nominates
   * a new one.
   */
  patch(stream: string, id: string, sdpfrag: string): boolean | IceRestartAnswer {
    const s = this.sessions.get(id);
    if (!s || s.stream !== stream) return false;
    const ufrag = /^a=ice-ufrag:(\S+)\s*$/m.exec(sdpfrag)?.[1];
    const current = s.pc.remoteIceUfrag;
    if (ufrag === undefined || current === undefined || ufrag === current) {
      s.pc.addRemoteCandidates(sdpfrag);
      return true;
    }
    const pwd = /^a=ice-pwd:(\S+)\s*$/m.exec(sdpfrag)?.[1];
    if (pwd === undefined) throw new IceRestartMalformedError();
    const ours = s.pc.restartIce(ufrag, pwd);
    s.pc.addRemoteCandidates(sdpfrag);
    const generation = (this.generations.get(id) ?? 1) + 1;
    this.generations.set(id, generation);
    // RFC 8840 §4.4 sdpfrag: session-level ICE attributes, then the bundle's first m-line with its mid.
    const first = s.pc.remoteDescription?.media.find((m) => m.port !== 0);
    const lines = [
      'a=ice-lite',
      `a=ice-ufrag:${ours.ufrag}`,
      `a=ice-pwd:${ours.pwd}`,
      ...(first ? [`m=${first.kind} 9 UDP/TLS/RTP/SAVPF 0`, `a=mid:${first.mid}`] : []),
      ...ours.candidates.map((c) => `a=${c}`),
      'a=end-of-candidates',
    ];
    return { sdpfrag: lines.join('\r\n') + '\r\n', etag: `"${id}-${generation}"` };
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
