import { randomBytes, randomInt } from 'node:crypto';
import type { Addr, Clock, UdpMux } from '../webrtc/transport/index.ts';
import type { DtlsCertificate } from '../webrtc/dtls/index.ts';
import { PeerConnection, type PeerLogger } from '../webrtc/peer/index.ts';
import {
  answerDirection,
  pickAudio,
  pickH264,
  type MediaSection,
  type SectionAnswer,
} from '../webrtc/sdp/index.ts';
import type { WhepBackend } from './whep.ts';

/** A stream name that does not exist (404). */
export class StreamNotFoundError extends Error {
  readonly code = 'STREAM_NOT_FOUND';
  constructor(stream: string) {
    super(`no stream named ${JSON.stringify(stream)}`);
    this.name = 'StreamNotFoundError';
  }
}

/** The node is at its viewer limit (503). */
export class SessionLimitError extends Error {
  readonly code = 'SESSION_LIMIT';
  constructor(limit: number) {
    super(`the gateway already serves its maximum of ${limit} viewer sessions`);
    this.name = 'SessionLimitError';
  }
}

export interface WhepSessionsOptions {
  readonly clock: Clock;
  readonly mux: UdpMux;
  readonly certificate: DtlsCertificate;
  readonly hostCandidates: readonly Addr[];
  /** Whether a stream of that name exists. */
  hasStream(name: string): boolean;
  readonly logger: PeerLogger;
  readonly maxSessions?: number;
  readonly iceServers?: ReturnType<WhepBackend['iceServers']>;
}

/** One viewer: its peer connection and the SSRC we send on for each accepted mid. */
export interface WhepSession {
  readonly id: string;
  readonly stream: string;
  readonly pc: PeerConnection;
  readonly ssrcs: ReadonlyMap<string, number>;
}

/** What the gateway answers for each offered m-line: it sends H.264 video and Opus/PCMU/PCMA audio. */
function decideViewer(section: MediaSection): SectionAnswer | undefined {
  const codec =
    section.kind === 'video'
      ? pickH264(section)
      : section.kind === 'audio'
        ? pickAudio(section, ['opus', 'PCMU', 'PCMA'])
        : undefined;
  if (!codec) return undefined;
  return {
    codecs: [codec],
    direction: answerDirection(section.direction, 'send'),
    rtcpFb: ['nack', 'nack pli', 'ccm fir'],
  };
}

/**
 * WHEP viewer sessions on the gateway's own WebRTC stack: one {@link PeerConnection} per viewer,
 * all on the shared UDP port through the mux, removed when they fail or are deleted.
 */
export class WhepSessions implements WhepBackend {
  private readonly sessions = new Map<string, WhepSession>();

  constructor(private readonly opts: WhepSessionsOptions) {}

  get size(): number {
    return this.sessions.size;
  }

  /** A session by id (the API and tests read its state). */
  get(id: string): WhepSession | undefined {
    return this.sessions.get(id);
  }

  async createSession(stream: string, offer: string): Promise<{ id: string; answer: string; etag: string }> {
    if (!this.opts.hasStream(stream)) throw new StreamNotFoundError(stream);
    const limit = this.opts.maxSessions ?? 500;
    if (this.sessions.size >= limit) throw new SessionLimitError(limit);
    const id = randomBytes(12).toString('hex');
    const pc = new PeerConnection({
      clock: this.opts.clock,
      openConn: (ufrag) => this.opts.mux.endpoint(ufrag),
      certificate: this.opts.certificate,
      hostCandidates: this.opts.hostCandidates,
      logger: this.opts.logger,
    });
    const ssrcs = new Map<string, number>();
    const answer = pc.acceptOffer(offer, (section) => {
      const a = decideViewer(section);
      if (!a) return undefined;
      // Each viewer gets its own SSRCs (RFC 3550 §8): the hub rewrites them per viewer.
      const ssrc = randomInt(1, 0xffff_ffff);
      ssrcs.set(section.mid, ssrc);
      return {
        ...a,
        send: {
          ssrc,
          cname: `edgegw-${id.slice(0, 8)}`,
          streamId: stream,
          trackId: `${stream}-${section.kind}`,
        },
      };
    });
    this.sessions.set(id, { id, stream, pc, ssrcs });
    pc.onConnectionStateChange((s) => {
      if (s === 'failed' || s === 'closed') {
        this.sessions.delete(id);
        if (s === 'failed') pc.close();
      }
    });
    this.opts.logger.info({ session: id, stream }, 'viewer session created');
    return { id, answer, etag: `"${id}-1"` };
  }

  deleteSession(stream: string, id: string): boolean {
    const s = this.sessions.get(id);
    if (!s || s.stream !== stream) return false;
    this.sessions.delete(id);
    s.pc.close();
    return true;
  }

  patchSession(stream: string, id: string, sdpfrag: string): boolean {
    const s = this.sessions.get(id);
    if (!s || s.stream !== stream) return false;
    s.pc.addRemoteCandidates(sdpfrag);
    return true;
  }

  iceServers(): ReturnType<WhepBackend['iceServers']> {
    return this.opts.iceServers ?? [];
  }

  /** Ends every session (shutdown). */
  closeAll(): void {
    for (const s of [...this.sessions.values()]) s.pc.close();
    this.sessions.clear();
  }
}
