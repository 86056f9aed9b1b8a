import {
  h264HasBSlice,
  h264Syntax,
  h265HasBSlice,
  h265Syntax,
  parseH265Pps,
  type H265Pps,
  ParameterSetCache,
  videoFrame,
  type AudioCodec,
  type Frame,
  type NalSyntax,
} from '../media/index.ts';
import {
  AudioDepacketizer,
  decodeRtp,
  H264Depacketizer,
  H265Depacketizer,
  type AccessUnit,
  type RtpPacket,
} from '../webrtc/rtp/index.ts';
import type { Clock } from '../webrtc/transport/index.ts';
import { TimestampUnwrapper } from './timestamp-unwrapper.ts';
import type { RtspTrack } from './track.ts';

export interface TrackDepacketizerStats {
  packets: number;
  badPackets: number;
  frames: number;
  keyframes: number;
  lostPackets: number;
  droppedFrames: number;
  /** B-frames seen (browsers' WebRTC decoders expect none: reported, not fixed). */
  bFrames: boolean;
}

/** RTP packets of one track in, media `Frame`s out. */
export interface TrackDepacketizer {
  readonly stats: TrackDepacketizerStats;
  /** One RTP packet (with header). Bad packets are counted and dropped, never thrown. */
  push(rtp: Uint8Array): void;
}

const AUDIO: Record<string, AudioCodec> = { PCMU: 'PCMU', PCMA: 'PCMA', OPUS: 'opus' };

/**
 * A depacketizer for a track, or undefined when its codec is not relayed (AAC, MJPEG, …: the
 * track's `browser.reason` says why). Video goes through webrtc/rtp's H.264/H.265 depacketizers
 * (RFC 6184 / RFC 7798); keyframes get the parameter sets from the SDP (`sprop-*`) or from earlier
 * in-band ones when they lack them, so each is decodable alone. Timestamps are unwrapped.
 *
 * @example
 * const d = createTrackDepacketizer(track, { clock, onFrame: (f) => hub.push(f) });
 * source.on('packet', (st, rtp, kind) => { if (kind === 'rtp' && st.track === track) d?.push(rtp); });
 */
export function createTrackDepacketizer(
  track: RtspTrack,
  options: { clock: Clock; onFrame: (frame: Frame) => void },
): TrackDepacketizer | undefined {
  const stats: TrackDepacketizerStats = {
    packets: 0,
    badPackets: 0,
    frames: 0,
    keyframes: 0,
    lostPackets: 0,
    droppedFrames: 0,
    bFrames: false,
  };
  const unwrap = new TimestampUnwrapper();
  const decode = (bytes: Uint8Array): RtpPacket | undefined => {
    stats.packets++;
    try {
      const pkt = decodeRtp(bytes);
      // RFC 3550 §5.1: packets of another payload type (comfort noise, FEC) are not this codec.
      if (pkt.payloadType !== track.payloadType) {
        stats.badPackets++;
        return undefined;
      }
      return pkt;
    } catch {
      stats.badPackets++;
      return undefined;
    }
  };

  const audioCodec = AUDIO[track.codec];
  if (audioCodec) {
    const d = new AudioDepacketizer({
      onLoss: (l) => (stats.lostPackets += l.lost),
      onFrame: (f) => {
        stats.frames++;
        options.onFrame({
          kind: 'audio',
          codec: audioCodec,
          payload: f.data,
          timestamp: unwrap.unwrap(f.timestamp),
          // RFC 7587 §4.1: Opus always runs a 48 kHz RTP clock.
          clockRate: audioCodec === 'opus' ? 48_000 : track.clockRate,
          captureWallMs: options.clock.wallNow(),
        });
      },
    });
    return {
      stats,
      push(bytes) {
        const pkt = decode(bytes);
        if (pkt) d.pushPacket(pkt);
      },
    };
  }

  if (track.codec !== 'H264' && track.codec !== 'H265') return undefined;
  const syntax: NalSyntax = track.codec === 'H264' ? h264Syntax : h265Syntax;
  const sets = new ParameterSetCache(syntax);
  sets.observe([...track.parameterSets.vps, ...track.parameterSets.sps, ...track.parameterSets.pps]);
  // H.265 slice headers need the PPS to be read (num_extra_slice_header_bits); the latest one wins.
  let pps: { nal: Uint8Array; parsed: H265Pps | undefined } | undefined;
  const h265Pps = (): H265Pps | undefined => {
    const nal = sets.get('pps');
    if (!nal) return undefined;
    if (pps?.nal !== nal) {
      let parsed: H265Pps | undefined;
      try {
        parsed = parseH265Pps(nal);
      } catch {
        parsed = undefined;
      }
      pps = { nal, parsed };
    }
    return pps.parsed;
  };
  const onAccessUnit = (au: AccessUnit): void => {
    const nalus = sets.complete(au.nals);
    const frame = videoFrame(syntax, nalus, unwrap.unwrap(au.timestamp), options.clock.wallNow());
    stats.frames++;
    if (frame.keyframe) stats.keyframes++;
    if (!stats.bFrames)
      stats.bFrames = track.codec === 'H264' ? h264HasBSlice(nalus) : h265HasBSlice(nalus, h265Pps());
    options.onFrame(frame);
  };
  const d =
    track.codec === 'H264'
      ? new H264Depacketizer({ onAccessUnit, onDrop: () => stats.droppedFrames++ })
      : new H265Depacketizer({ onAccessUnit, onDrop: () => stats.droppedFrames++ });
  return {
    stats,
    push(bytes) {
      const pkt = decode(bytes);
      if (!pkt) return;
      d.pushPacket(pkt);
      stats.lostPackets = d.stats.lostPackets;
    },
  };
}
