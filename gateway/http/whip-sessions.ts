import { randomInt } from 'node:crypto';
import { RtpReceiveCounter, type PeerConnection, type StatsReport } from '../webrtc/peer/index.ts';
import {
  AudioDepacketizer,
  H264Depacketizer,
  OPUS_CLOCK_RATE,
  RtpReorderBuffer,
  decodeRtp,
  type RtpPacket,
} from '../webrtc/rtp/index.ts';
import { NackGenerator } from '../webrtc/interceptor/index.ts';
import { SDES_CNAME, type ReportBlock, type RtcpPacket } from '../webrtc/rtcp/index.ts';
import {
  answerDirection,
  noCommonCodec,
  parseRemoteDescription,
  pickAudio,
  pickH264ToReceive,
  type Codec,
  type MediaSection,
  type SectionAnswer,
} from '../webrtc/sdp/index.ts';
import type { StreamHub } from '../media/index.ts';
import type { WhepBackend } from './whep.ts';
import {
  newPeerSession,
  PeerSessions,
  type IceRestartAnswer,
  type PeerFactoryOptions,
} from './peer-sessions.ts';

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

type Kind = 'video' | 'audio';

/** One accepted m-line of a publisher: what it sends there, and what we counted of it. */
interface ReceivedTrack {
  readonly mid: string;
  readonly codec: Codec;
  readonly counter: RtpReceiveCounter;
}

/** How often a publisher gets our receiver report (RFC 3550 §6.2 leaves it to the profile; 1 s as browsers). */
const RR_INTERVAL_MS = 1000;

interface Publisher {
  readonly id: string;
  readonly stream: string;
  readonly pc: PeerConnection;
  /** At most one track of each kind (BUNDLE, RFC 9143): H.264 video and, when offered, Opus audio. */
  readonly tracks: Map<Kind, ReceivedTrack>;
  /** The negotiated H.264 profile-level-id: what the publisher sends, so what viewers are answered. */
  profileLevelId: string | undefined;
}

/**
 * The gateway receives H.264 video, packetization-mode 1, in the most widely decodable profile on
 * offer (Constrained Baseline first), and Opus audio (RFC 7587): viewers get the publisher's
 * bitstreams as they are, no transcoding. Opus is the one audio codec every WebRTC endpoint has
 * (RFC 7874 §3); other audio m-lines are rejected.
 */
function decidePublisher(section: MediaSection): SectionAnswer | undefined {
  const codec =
    section.kind === 'video'
      ? pickH264ToReceive(section)
      : section.kind === 'audio'
        ? pickAudio(section, ['opus'])
        : undefined;
  if (!codec) return undefined;
  return {
    codecs: [codec],
    direction: answerDirection(section.direction, 'recv'),
    rtcpFb: section.kind === 'video' ? ['nack', 'nack pli', 'ccm fir'] : [],
  };
}

/**
 * WHIP publishers (RFC 9725) on the gateway's own stack: a browser or encoder publishes H.264 (and
 * optionally Opus audio) to
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
      if (!parsed.media.some((m) => m.port !== 0 && m.kind === 'video' && decidePublisher(m))) {
        throw noCommonCodec(parsed, 'H264 packetization-mode=1 video');
      }
      const { id, pc } = newPeerSession(this.opts);
      const p: Publisher = { id, stream, pc, tracks: new Map(), profileLevelId: undefined };
      pub = p;
      answer = pc.acceptOffer(offer, (section) => {
        const kind = section.kind;
        if ((kind !== 'video' && kind !== 'audio') || p.tracks.has(kind)) return undefined;
        const a = decidePublisher(section);
        const codec = a?.codecs[0];
        if (!a || !codec) return undefined;
        const counter = new RtpReceiveCounter(codec.clockRate);
        p.tracks.set(kind, { mid: section.mid, codec, counter });
        pc.addReceiveStreamStats({ kind, mid: section.mid, codec, counter });
        if (kind === 'video') p.profileLevelId = codec.fmtp['profile-level-id']?.toLowerCase();
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
    const conn = pub.pc.mediaConn;
    if (!pub.pc.srtp || !conn) return;
    const ourSsrc = randomInt(1, 0xffff_ffff);
    const video = pub.tracks.get('video');
    const audio = pub.tracks.get('audio');
    let mediaSsrc = 0;
    let lastPli = -Infinity;
    const pliInterval = this.opts.pliIntervalMs ?? 500;
    const requestKeyframe = () => {
      const now = this.opts.clock.now();
      if (mediaSsrc === 0 || now - lastPli < pliInterval) return;
      lastPli = now;
      if (pub.pc.sendRtcp([{ type: 'pli', senderSsrc: ourSsrc, mediaSsrc }])) video?.counter.countSent('pli');
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
    // Opus frames go to the hub as they are (RFC 7587 §4.2: one frame per packet, 48 kHz clock).
    const audioDep = new AudioDepacketizer({
      onFrame: (f) =>
        hub.pushFrame({
          kind: 'audio',
          codec: 'opus',
          payload: f.data,
          timestamp: f.timestamp,
          clockRate: OPUS_CLOCK_RATE,
          captureWallMs: this.opts.clock.wallNow(),
        }),
    });
    // Loss on the publisher's path is repaired before it reaches the hub: the publisher is asked to
    // resend (generic NACK, RFC 4585 §6.2.1; we answer with nack in rtcp-fb) while a reorder buffer
    // holds the packets behind the hole, until the NACKs are given up (300 ms) or 48 packets passed.
    // Only a hole that stays empty reaches the depacketizer as loss, and then a keyframe is asked for.
    const nacks = new NackGenerator({ clock: this.opts.clock });
    const reorder = new RtpReorderBuffer<RtpPacket>({
      onRelease: (p) => dep.pushPacket(p),
      maxWaitPackets: 48,
    });
    const sendNacks = () => {
      const lost = nacks.due();
      // Every hole filled or given up (300 ms): release what waits behind them now rather than
      // after 48 more packets, which is seconds at a phone's low bitrate.
      if (nacks.pending === 0 && reorder.pending > 0) reorder.flush();
      if (lost.length === 0 || mediaSsrc === 0) return;
      if (pub.pc.sendRtcp([{ type: 'nack', senderSsrc: ourSsrc, mediaSsrc, lost }]))
        video?.counter.countSent('nack');
    };
    const videoPt = video?.codec.payloadType;
    const audioPt = audio?.codec.payloadType;
    pub.pc.onRtp((packet) => {
      try {
        const p = decodeRtp(packet);
        if (p.payloadType === audioPt && audio) {
          audio.counter.onPacket(p, packet.byteLength, this.opts.clock.now(), this.opts.clock.wallNow());
          audioDep.pushPacket(p);
          return;
        }
        if (p.payloadType !== videoPt || !video) return;
        video.counter.onPacket(p, packet.byteLength, this.opts.clock.now(), this.opts.clock.wallNow());
        if (mediaSsrc === 0) {
          mediaSsrc = p.ssrc;
          requestKeyframe();
        }
        if (p.ssrc !== mediaSsrc) return;
        nacks.onPacket(p.sequenceNumber);
        reorder.push(p.sequenceNumber, p);
        sendNacks();
      } catch {
        // A malformed packet from the publisher is dropped; the depacketizer reports the gap.
      }
    });
    hub.setKeyframeRequester(requestKeyframe);

    // Receiver reports every second (RFC 3550 §6.4.2, §6.2: one RR + SDES CNAME compound): the
    // publisher learns its loss, jitter and RTT (LSR/DLSR echo of its SRs), which its bandwidth
    // estimation and getStats' remote-inbound-rtp need.
    const clock = this.opts.clock;
    const offRtcp = pub.pc.onRtcp((packets: RtcpPacket[]) => {
      for (const p of packets) {
        if (p.type !== 'sr') continue;
        // Each counter takes the SR of its own source only.
        video?.counter.onSenderReport(p, clock.now());
        audio?.counter.onSenderReport(p, clock.now());
      }
    });
    const cname = `edgegw-${pub.id.slice(0, 8)}`;
    let timer: { cancel(): void } | undefined;
    const report = () => {
      timer = undefined;
      if (conn.closed) return;
      const blocks: ReportBlock[] = [];
      for (const track of [video, audio]) {
        const b = track?.counter.reportBlock(clock.now());
        if (b) blocks.push(b);
      }
      if (blocks.length > 0)
        pub.pc.sendRtcp([
          { type: 'rr', ssrc: ourSsrc, reports: blocks, profileExtension: new Uint8Array(0) },
          { type: 'sdes', chunks: [{ ssrc: ourSsrc, items: [{ type: SDES_CNAME, text: cname }] }] },
        ]);
      timer = clock.setTimer(RR_INTERVAL_MS, report);
    };
    timer = clock.setTimer(RR_INTERVAL_MS, report);
    pub.pc.onConnectionStateChange((st) => {
      if (st === 'closed' || st === 'failed') {
        timer?.cancel();
        offRtcp();
      }
    });
  }

  /**
   * The H.264 profile-level-id the live publisher of `stream` negotiated (what it sends), for WHEP
   * answers; undefined when nobody publishes it.
   */
  profileLevelId(stream: string): string | undefined {
    for (const p of this.sessions.values()) if (p.stream === stream) return p.profileLevelId;
    return undefined;
  }

  /** `GET /whip/{stream}/{id}/stats`: the publisher's getStats() snapshot (inbound-rtp per track). */
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
    return [];
  }

  closeAll(): void {
    this.sessions.closeAll();
  }
}
