/**
 * The baseline relay: werift's RTCPeerConnection as the sender of each viewer, behind the same WHEP
 * routes (`mountWhep`) as ours, fed by the same StreamHub. Per viewer: one sendonly transceiver with
 * its own local track; every hub packet goes to `track.writeRtp(buffer)` — werift's documented way to
 * forward RTP — which re-parses it, rewrites SSRC/PT/seq/ts, serializes, SRTP-protects and sends.
 * Bound to loopback as TESTING.md says.
 */
import { randomBytes } from 'node:crypto';
import { MediaStreamTrack, RTCPeerConnection, RTCRtpCodecParameters } from 'werift';
import type { MediaPacket, StreamHub, HubViewer } from '../../gateway/media/index.ts';
import type { WhepBackend } from '../../gateway/http/index.ts';

export interface WeriftSession {
  readonly pc: RTCPeerConnection;
  readonly track: MediaStreamTrack;
  viewer: HubViewer | undefined;
  readonly connected: Promise<void>;
}

/** Keeps only loopback host candidates in werift's answer. */
function loopbackOnly(sdp: string): string {
  return sdp
    .split('\r\n')
    .filter((l) => !l.startsWith('a=candidate:') || l.includes(' 127.0.0.1 '))
    .join('\r\n');
}

export class WeriftRelay implements WhepBackend {
  readonly sessions = new Map<string, WeriftSession>();
  /** Called once per viewer when its sender exists (the probe learns its SSRC and ts offset). */
  onSender: ((ssrc: number, tsOffset: number) => void) | undefined;
  private lastPacket: MediaPacket | undefined;
  private lastBuffer: Buffer = Buffer.alloc(0);

  constructor(private readonly hub: StreamHub) {}

  async createSession(_stream: string, offer: string): Promise<{ id: string; answer: string; etag: string }> {
    const pc = new RTCPeerConnection({
      iceAdditionalHostAddresses: ['127.0.0.1'],
      iceInterfaceAddresses: { udp4: '127.0.0.1' },
      codecs: {
        video: [
          new RTCRtpCodecParameters({
            mimeType: 'video/H264',
            clockRate: 90000,
            rtcpFeedback: [{ type: 'nack' }, { type: 'nack', parameter: 'pli' }],
            parameters: 'profile-level-id=42e01f;packetization-mode=1;level-asymmetry-allowed=1',
          }),
        ],
        audio: [],
      },
    });
    const track = new MediaStreamTrack({ kind: 'video' });
    const transceiver = pc.addTransceiver(track, { direction: 'sendonly' });
    const id = randomBytes(12).toString('hex');
    const connected = new Promise<void>((resolve, reject) => {
      pc.connectionStateChange.subscribe((s) => {
        if (s === 'connected') resolve();
        if (s === 'failed' || s === 'closed') reject(new Error(`werift peer ${s}`));
      });
    });
    connected.catch(() => {});
    const session: WeriftSession = { pc, track, viewer: undefined, connected };
    this.sessions.set(id, session);
    await pc.setRemoteDescription({ type: 'offer', sdp: offer });
    await pc.setLocalDescription(await pc.createAnswer());
    await new Promise<void>((resolve) => {
      if (pc.iceGatheringState === 'complete') resolve();
      else
        pc.iceGatheringStateChange.subscribe((s) => {
          if (s === 'complete') resolve();
        });
    });
    void connected.then(
      () => {
        const sender = transceiver.sender;
        this.onSender?.(sender.ssrc, (sender as unknown as { timestampOffset: number }).timestampOffset);
        session.viewer = this.hub.addViewer(
          {
            deliver: (p) => {
              // One Buffer view per hub packet (no copy), shared by every werift track.
              if (p !== this.lastPacket) {
                this.lastPacket = p;
                this.lastBuffer = Buffer.from(p.data.buffer, p.data.byteOffset, p.data.byteLength);
              }
              track.writeRtp(this.lastBuffer);
              return true;
            },
          },
          { kinds: ['video'] },
        );
      },
      () => {},
    );
    return { id, answer: loopbackOnly(pc.localDescription!.sdp), etag: `"${id}"` };
  }

  deleteSession(_stream: string, id: string): boolean {
    const s = this.sessions.get(id);
    if (!s) return false;
    s.viewer?.close();
    void s.pc.close();
    this.sessions.delete(id);
    return true;
  }

  patchSession(): boolean {
    return false;
  }

  iceServers(): ReturnType<WhepBackend['iceServers']> {
    return [];
  }

  async closeAll(): Promise<void> {
    const all = [...this.sessions.values()];
    this.sessions.clear();
    for (const s of all) s.viewer?.close();
    await Promise.allSettled(all.map((s) => s.pc.close()));
  }
}
