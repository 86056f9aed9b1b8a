import { randomInt } from 'node:crypto';
import type { PeerConnection } from '../webrtc/peer/index.ts';
import { H264Depacketizer, decodeRtp } from '../webrtc/rtp/index.ts';
import { serializeRtcp } from '../webrtc/rtcp/index.ts';
import {
  answerDirection,
  noCommonCodec,
  parseRemoteDescription,
  pickH264ToReceive,
  type MediaSection,
  type SectionAnswer,
} from '../webrtc/sdp/index.ts';
import type { StreamHub } from '../media/index.ts';
import type { WhepBackend } from './whep.ts';
import { newPeerSession, PeerSessions, type PeerFactoryOptions } from './peer-sessions.ts';

/** The stream already has a source: a configured camera, the demo, or another publisher (409). */
export class StreamBusyError extends Error {
  readonly code = 'STREAM_BUSY';
  constructor(stream: string) {
    super(`stream ${JSON.stringify(stream)} already has a source`);
    this.name = 'StreamBusyError';
  }
}

/** Where publishers' streams live: the same hubs WHEP viewers play from. */
export interface PublishTargets {
  /** The hub to publish `name` into, created on demand; undefined when `name` has another source. */
  claim(name: string): StreamHub | undefined;
  /** The publisher of `name` went away; the hub stays so viewers keep their sessions. */
  release(name: string): void;
}

export interface WhipSessionsOptions extends PeerFactoryOptions {
  readonly targets: PublishTargets;
  /** Least time between two keyframe requests (PLI) sent to a publisher; default 500 ms. */
  readonly pliIntervalMs?: number;
}

interface Publisher {
  readonly id: string;
  readonly stream: string;
  readonly pc: PeerConnection;
  videoPt: number | undefined;
  /** The negotiated H.264 profile-level-id: what the publisher sends, so what viewers are answered. */
  profileLevelId: string | undefined;
}

/**
 * The gateway receives H.264 video, packetization-mode 1, in the most widely decodable profile on
 * offer (Constrained Baseline first): viewers get the publisher's bitstream as is.
 */
function decidePublisher(section: MediaSection): SectionAnswer | undefined {
  if (section.kind !== 'video') return undefined;
  const codec = pickH264ToReceive(section);
  if (!codec) return undefined;
  return {
    codecs: [codec],
    direction: answerDirection(section.direction, 'recv'),
    rtcpFb: ['nack', 'nack pli', 'ccm fir'],
  };
}

/**
 * WHIP publishers (RFC 9725) on the gateway's own stack: a browser or encoder publishes H.264 to
 * `/whip/{stream}`; its RTP is depacketized into frames for the stream hub, which viewers play over
 * WHEP. Browsers encode keyframes only when asked, so viewers' keyframe needs become PLIs
 * (RFC 4585 §6.3.1) to the publisher, rate-limited.
 */
export class WhipSessions implements WhepBackend {
  private readonly sessions = new PeerSessions<Publisher>();

  constructor(private readonly opts: WhipSessionsOptions) {}

  get size(): number {
    return this.sessions.size;
  }

  async createSession(stream: string, offer: string): Promise<{ id: string; answer: string; etag: string }> {
    const hub = this.opts.targets.claim(stream);
    if (!hub) throw new StreamBusyError(stream);
    // The stream is claimed (409 came first); an offer refused below releases it. Bad SDP is 400 with
    // the parser's reason, no H.264 packetization-mode 1 is 400 naming what was offered.
    let pub: Publisher;
    let answer: string;
    try {
      const parsed = parseRemoteDescription(offer);
      if (!parsed.media.some((m) => m.port !== 0 && decidePublisher(m))) {
        throw noCommonCodec(parsed, 'H264 packetization-mode=1 video');
      }
      const { id, pc } = newPeerSession(this.opts);
      const p: Publisher = { id, stream, pc, videoPt: undefined, profileLevelId: undefined };
      pub = p;
      answer = pc.acceptOffer(offer, (section) => {
        if (p.videoPt !== undefined) return undefined;
        const a = decidePublisher(section);
        p.videoPt = a?.codecs[0]?.payloadType;
        p.profileLevelId = a?.codecs[0]?.fmtp['profile-level-id']?.toLowerCase();
        return a;
      });
    } catch (err) {
      this.opts.targets.release(stream);
      throw err;
    }
    const { id, pc } = pub;
    this.sessions.add(id, pub);
    pc.onConnectionStateChange((s) => {
      if (s === 'connected') this.attach(pub, hub);
      if (s === 'failed' || s === 'closed') {
        hub.setKeyframeRequester(undefined);
        // The next publisher starts its own clock: the hub keeps viewers' timestamps continuous.
        hub.sourceRestarted();
        this.opts.targets.release(stream);
        if (s === 'failed') pc.close();
      }
    });
    this.opts.logger.info({ session: id, stream }, 'publisher session created');
    return { id, answer, etag: `"${id}-1"` };
  }

  private attach(pub: Publisher, hub: StreamHub): void {
    const srtp = pub.pc.srtp;
    const conn = pub.pc.mediaConn;
    if (!srtp || !conn) return;
    const ourSsrc = randomInt(1, 0xffff_ffff);
    let mediaSsrc = 0;
    let lastPli = -Infinity;
    const pliInterval = this.opts.pliIntervalMs ?? 500;
    const requestKeyframe = () => {
      const now = this.opts.clock.now();
      if (mediaSsrc === 0 || now - lastPli < pliInterval || conn.closed) return;
      lastPli = now;
      try {
        conn.send(srtp.tx.protectRtcp(serializeRtcp([{ type: 'pli', senderSsrc: ourSsrc, mediaSsrc }])));
      } catch {
        // A closed conn: the publisher is going away; nothing to ask.
      }
    };
    const dep = new H264Depacketizer({
      onAccessUnit: (au) =>
        hub.pushFrame({
          kind: 'video',
          codec: 'H264',
          nalus: au.nals,
          timestamp: au.timestamp,
          keyframe: au.keyframe,
          parameterSetsInBand: au.nals.some((n) => ((n[0] ?? 0) & 0x1f) === 7),
          captureWallMs: this.opts.clock.wallNow(),
        }),
      // A lost packet breaks the GOP for everyone downstream: ask for a fresh keyframe.
      onLoss: () => requestKeyframe(),
    });
    pub.pc.onRtp((packet) => {
      try {
        const p = decodeRtp(packet);
        if (p.payloadType !== pub.videoPt) return;
        if (mediaSsrc === 0) {
          mediaSsrc = p.ssrc;
          requestKeyframe();
        }
        dep.pushPacket(p);
      } catch {
        // A malformed packet from the publisher is dropped; the depacketizer reports the gap.
      }
    });
    hub.setKeyframeRequester(requestKeyframe);
  }

  /**
   * The H.264 profile-level-id the live publisher of `stream` negotiated (what it sends), for WHEP
   * answers; undefined when nobody publishes it.
   */
  profileLevelId(stream: string): string | undefined {
    for (const p of this.sessions.values()) if (p.stream === stream) return p.profileLevelId;
    return undefined;
  }

  deleteSession(stream: string, id: string): boolean {
    return this.sessions.delete(stream, id);
  }

  patchSession(stream: string, id: string, sdpfrag: string): boolean {
    return this.sessions.patch(stream, id, sdpfrag);
  }

  iceServers(): ReturnType<WhepBackend['iceServers']> {
    return [];
  }

  closeAll(): void {
    this.sessions.closeAll();
  }
}
