import { randomInt } from 'node:crypto';
import type { PeerConnection, StatsReport } from '../webrtc/peer/index.ts';
import type { StreamHub } from '../media/index.ts';
import { linkViewer, type SentTrack, type ViewerLink } from './viewer-link.ts';
import {
  answerDirection,
  noCommonCodec,
  parseRemoteDescription,
  pickAudio,
  pickH264,
  pickH265,
  type H265Params,
  type Codec,
  type MediaSection,
  type SectionAnswer,
} from '../webrtc/sdp/index.ts';
import type { WhepBackend } from './whep.ts';
import {
  newPeerSession,
  PeerSessions,
  type IceRestartAnswer,
  type PeerFactoryOptions,
} from './peer-sessions.ts';

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

export interface WhepSessionsOptions extends PeerFactoryOptions {
  /** The stream hub of that name, if the stream exists. */
  stream(name: string): StreamHub | undefined;
  /**
   * The H.264 `profile-level-id` the stream really is (from its SPS: the demo clip's, a publisher's
   * negotiated one), answered to viewers; undefined when not known yet.
   */
  streamProfileLevelId?(name: string): string | undefined;
  /**
   * How long an offer for a stream whose video is not known yet (camera connecting) waits for its
   * first keyframe before it is negotiated with defaults; default 4000 ms.
   */
  readonly videoWaitMs?: number;
  /** A viewer joined (its peer connected) or left; for the control plane's events. */
  onViewer?(event: 'joined' | 'left', session: WhepSession): void;
  readonly maxSessions?: number;
  readonly iceServers?: ReturnType<WhepBackend['iceServers']>;
}

/** One viewer: its peer connection, what it receives, and its place in the stream hub once connected. */
export interface WhepSession {
  readonly id: string;
  readonly stream: string;
  readonly pc: PeerConnection;
  readonly tracks: ReadonlyMap<'video' | 'audio', SentTrack>;
  /** Set once connected: the viewer's senders in the hub and its reported reception quality. */
  link: ViewerLink | undefined;
  readonly startedAt: Date;
}

const AUDIO = ['opus', 'PCMU', 'PCMA'] as const;

/** What the stream's video is, for negotiation: H.264 with its profile-level-id, or H.265. */
interface VideoTarget {
  readonly codec: 'H264' | 'H265';
  readonly profileLevelId: string | undefined;
  readonly h265: H265Params | undefined;
}

/**
 * What the gateway answers for each offered m-line: it sends the stream's video as it is — H.264
 * (packetization-mode 1, the stream's profile-level-id, see pickH264) or H.265 (same profile, SRST,
 * see pickH265; Safari and Chrome with a hardware decoder offer it) — and the stream's own audio
 * codec when the viewer offers it (a camera's PCMU is answered PCMU, never re-labelled; no
 * transcoding). A stream whose audio is not known yet (a camera still connecting) gets its audio
 * m-line rejected rather than mislabelled.
 */
function decideViewer(
  section: MediaSection,
  video: VideoTarget,
  audioCodec: string | undefined,
): SectionAnswer | undefined {
  const codec =
    section.kind === 'video'
      ? video.codec === 'H265'
        ? pickH265(section, video.h265)
        : pickH264(section, video.profileLevelId)
      : section.kind === 'audio' && audioCodec !== undefined
        ? pickAudio(section, [audioCodec])
        : undefined;
  if (!codec) return undefined;
  return {
    codecs: [codec],
    direction: answerDirection(section.direction, 'send'),
    rtcpFb: ['nack', 'nack pli', 'ccm fir'],
  };
}

/** What the video must be for a viewer, in the words of the 400 answer. */
function wantedVideo(v: VideoTarget): string {
  if (v.codec === 'H265') {
    const p = v.h265;
    return `H265 tx-mode=SRST${p ? ` with profile-id=${p.profileId}` : ''} (the stream is H.265)`;
  }
  return `H264 packetization-mode=1 that decodes profile-level-id=${v.profileLevelId ?? '42e01f'}`;
}

/**
 * Gives the viewer's peer connection its senders' live counters and the receiver-report figures of
 * each track, so `pc.getStats()` has outbound-rtp and remote-inbound-rtp entries.
 */
function registerSendStats(
  pc: PeerConnection,
  link: ViewerLink,
  tracks: ReadonlyMap<'video' | 'audio', SentTrack>,
  codecs: ReadonlyMap<'video' | 'audio', Codec>,
): void {
  for (const [kind, t] of tracks) {
    const sender = link.senders.get(kind);
    const codec = codecs.get(kind);
    if (!sender || !codec) continue;
    pc.addSendStreamStats({
      ssrc: t.ssrc,
      kind,
      mid: t.mid,
      codec,
      counters: sender.stats,
      reception: link.quality.get(kind)?.quality,
      retransmits: () => link.retransmitted[kind],
    });
  }
}

/**
 * WHEP viewer sessions on the gateway's own WebRTC stack: one {@link PeerConnection} per viewer,
 * all on the shared UDP port through the mux, removed when they fail or are deleted.
 */
export class WhepSessions implements WhepBackend {
  private readonly sessions = new PeerSessions<WhepSession>();

  constructor(private readonly opts: WhepSessionsOptions) {}

  get size(): number {
    return this.sessions.size;
  }

  /** Every live session (the control plane lists them). */
  list(): WhepSession[] {
    return [...this.sessions.values()];
  }

  /** Ends a session by id alone (the control plane's CloseSession). */
  close(id: string): boolean {
    const s = this.sessions.get(id);
    return s ? this.sessions.delete(s.stream, id) : false;
  }

  /** A session by id (the API and tests read its state). */
  get(id: string): WhepSession | undefined {
    return this.sessions.get(id);
  }

  async createSession(stream: string, offer: string): Promise<{ id: string; answer: string; etag: string }> {
    const hub = this.opts.stream(stream);
    if (!hub) throw new StreamNotFoundError(stream);
    const limit = this.opts.maxSessions ?? 500;
    if (this.sessions.size >= limit) throw new SessionLimitError(limit);
    // A camera still connecting (an on-demand one is started by this very viewer) has not shown its
    // codec and profile yet: wait for its first keyframe rather than answer with a guess.
    if (hub.info.video === undefined) await hub.videoKnown(this.opts.videoWaitMs ?? 4000);
    const info = hub.info;
    const target: VideoTarget = {
      codec: info.video?.codec === 'H265' ? 'H265' : 'H264',
      profileLevelId: this.opts.streamProfileLevelId?.(stream),
      h265: info.video?.h265,
    };
    const audioCodec = info.audio?.codec;
    // Negotiate before opening anything: a bad offer (SdpError with the parser's reason) or one that
    // shares no video codec with the stream is refused (400) without a peer or a mux endpoint.
    const parsed = parseRemoteDescription(offer);
    const video = parsed.media.filter((m) => m.kind === 'video' && m.port !== 0);
    const audio = parsed.media.filter((m) => m.kind === 'audio' && m.port !== 0);
    const anyVideo = video.some((m) => decideViewer(m, target, audioCodec));
    const anyAudio = audio.some((m) => decideViewer(m, target, audioCodec));
    if ((video.length > 0 && !anyVideo) || (!anyVideo && !anyAudio)) {
      const want = wantedVideo(target);
      throw noCommonCodec(
        parsed,
        video.length > 0 ? want : `${want}, or ${audioCodec ?? AUDIO.join('/')} audio`,
      );
    }
    const { id, pc } = newPeerSession(this.opts);
    const tracks = new Map<'video' | 'audio', SentTrack>();
    const codecs = new Map<'video' | 'audio', Codec>();
    const answer = pc.acceptOffer(offer, (section) => {
      const kind = section.kind;
      // One track of each kind per viewer (BUNDLE, RFC 9143): extra sections of a kind are rejected.
      if ((kind !== 'video' && kind !== 'audio') || tracks.has(kind)) return undefined;
      const a = decideViewer(section, target, audioCodec);
      const codec = a?.codecs[0];
      if (!a || !codec) return undefined;
      // Each viewer gets its own SSRCs (RFC 3550 §8): its sender rewrites them per packet.
      const ssrc = randomInt(1, 0xffff_ffff);
      codecs.set(kind, codec);
      tracks.set(kind, {
        mid: section.mid,
        kind,
        ssrc,
        payloadType: codec.payloadType,
        clockRate: codec.clockRate,
      });
      return {
        ...a,
        send: { ssrc, cname: `edgegw-${id.slice(0, 8)}`, streamId: stream, trackId: `${stream}-${kind}` },
      };
    });
    const session: WhepSession = {
      id,
      stream,
      pc,
      tracks,
      link: undefined,
      startedAt: new Date(),
    };
    this.sessions.add(id, session);
    pc.onConnectionStateChange((s) => {
      if (s === 'connected' && !session.link) {
        // Once DTLS-SRTP is up the viewer joins the hub, whose cached GOP goes out at once.
        session.link = linkViewer(pc, hub, tracks, {
          clock: this.opts.clock,
          cname: `edgegw-${id.slice(0, 8)}`,
        });
        if (session.link) registerSendStats(pc, session.link, tracks, codecs);
        this.opts.onViewer?.('joined', session);
      }
      if (s === 'failed' || s === 'closed') {
        if (session.link) this.opts.onViewer?.('left', session);
        session.link?.close();
        if (s === 'failed') pc.close();
      }
    });
    this.opts.logger.info({ session: id, stream }, 'viewer session created');
    return { id, answer, etag: `"${id}-1"` };
  }

  /** `GET /whep/{stream}/{id}/stats`: the viewer's getStats() snapshot; undefined when no such session. */
  sessionStats(stream: string, id: string): StatsReport | undefined {
    return this.sessions.stats(stream, id);
  }

  deleteSession(stream: string, id: string): boolean {
    return this.sessions.delete(stream, id);
  }

  patchSession(stream: string, id: string, sdpfrag: string): boolean | IceRestartAnswer {
    return this.sessions.patch(stream, id, sdpfrag);
  }

  iceServers(): ReturnType<WhepBackend['iceServers']> {
    return this.opts.iceServers ?? [];
  }

  /** Ends every session (shutdown). */
  closeAll(): void {
    this.sessions.closeAll();
  }
}
