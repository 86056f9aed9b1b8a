import { RtpBadArgumentError, RtpBadPayloadError } from './errors.ts';
import { allocPacket, resolvePacketizerOptions } from './payload-sink.ts';
import type { PacketizerOptions, RtpPayloadSink } from './payload-sink.ts';
import { SeqGapDetector } from './sequence.ts';
import type { RtpLossEvent } from './access-unit-assembler.ts';
import type { RtpPacket } from './rtp-packet.ts';

/** RFC 3551 §6 Table 4: static payload type of PCMU (G.711 µ-law). */
export const PT_PCMU = 0;
/** RFC 3551 §6 Table 4: static payload type of PCMA (G.711 A-law). */
export const PT_PCMA = 8;
/** RFC 7587 §4.1: the Opus RTP clock rate is always 48000, whatever the coded bandwidth. */
export const OPUS_CLOCK_RATE = 48000;
/** RFC 3551 §4.5.14: G.711 is sampled at 8000 Hz, one octet per sample. */
export const G711_CLOCK_RATE = 8000;

/** Audio codecs with one frame per RTP packet. */
export type AudioCodec = 'opus' | 'pcmu' | 'pcma';

/** The RTP clock rate of `codec`. */
export function audioClockRate(codec: AudioCodec): number {
  return codec === 'opus' ? OPUS_CLOCK_RATE : G711_CLOCK_RATE;
}

/**
 * Samples (at 48 kHz) in one Opus packet from its TOC byte and frame count (RFC 6716 §3.1-3.2),
 * i.e. the RTP timestamp increment of RFC 7587 §4.2. Throws RTP_BAD_PAYLOAD for an empty packet or
 * a code-3 packet without its count byte.
 *
 * @example
 * opusPacketSamples(Uint8Array.of(0xfc)) === 960 // 20 ms CELT FB, one frame
 */
export function opusPacketSamples(packet: Uint8Array): number {
  if (packet.length < 1) throw new RtpBadPayloadError('empty Opus packet', 0);
  const toc = packet[0] as number;
  const config = toc >>> 3;
  let frame: number; // in 48 kHz samples
  if (config < 12)
    frame = [480, 960, 1920, 2880][config & 3] as number; // SILK 10/20/40/60 ms
  else if (config < 16)
    frame = config & 1 ? 960 : 480; // Hybrid 10/20 ms
  else frame = [120, 240, 480, 960][config & 3] as number; // CELT 2.5/5/10/20 ms
  const code = toc & 3;
  let frames: number;
  if (code === 0) frames = 1;
  else if (code === 3) {
    if (packet.length < 2) throw new RtpBadPayloadError('Opus code-3 packet without frame count', 1);
    frames = (packet[1] as number) & 0x3f;
  } else frames = 2;
  return frame * frames;
}

/**
 * Packetizer for one-frame-per-packet audio: Opus (RFC 7587 §4.2, one Opus packet per RTP
 * packet), PCMU/PCMA (RFC 3551 §4.5.14, any number of samples per packet, 20 ms = 160 bytes
 * customary). The marker is set only on the first packet of a talkspurt (RFC 3551 §4.1), which the
 * caller says.
 *
 * @example
 * const p = new AudioPacketizer();
 * p.packetize(opusFrame, (pkt, marker) => send(pkt, marker));
 */
export class AudioPacketizer {
  readonly mtu: number;
  readonly headroom: number;

  constructor(options?: PacketizerOptions) {
    const { mtu, headroom } = resolvePacketizerOptions(options);
    this.mtu = mtu;
    this.headroom = headroom;
  }

  /** Emits one packet carrying `frame`; returns 1. Throws RTP_BAD_ARGUMENT when it exceeds the MTU. */
  packetize(frame: Uint8Array, into: RtpPayloadSink, startOfTalkspurt = false): number {
    if (frame.length > this.mtu)
      throw new RtpBadArgumentError(`audio frame of ${frame.length} bytes > mtu ${this.mtu}`);
    const pkt = allocPacket(this.headroom, frame.length, startOfTalkspurt);
    pkt.set(frame, this.headroom);
    into(pkt, startOfTalkspurt);
    return 1;
  }
}

/** One received audio frame. */
export interface AudioFrame {
  timestamp: number;
  sequenceNumber: number;
  /** A copy of the payload. */
  data: Uint8Array;
}

/**
 * Depacketizer for one-frame-per-packet audio: each payload is a frame (copied out, the caller may
 * reuse packet buffers); gaps are reported, late and duplicate packets dropped, empty payloads
 * (Opus DTX sends none, RFC 7587 §4.2) ignored.
 *
 * @example
 * const d = new AudioDepacketizer({ onFrame: (f) => decoder.decode(f.data) });
 * d.pushPacket(decodeRtp(datagram));
 */
export class AudioDepacketizer {
  readonly stats = { packets: 0, frames: 0, lostPackets: 0, latePackets: 0 };
  private readonly gaps = new SeqGapDetector();
  private readonly onFrame: (f: AudioFrame) => void;
  private readonly onLoss: ((l: RtpLossEvent) => void) | undefined;

  constructor(options: { onFrame: (f: AudioFrame) => void; onLoss?: (l: RtpLossEvent) => void }) {
    this.onFrame = options.onFrame;
    this.onLoss = options.onLoss;
  }

  pushPacket(pkt: RtpPacket): void {
    this.push(pkt.payload, pkt.sequenceNumber, pkt.timestamp);
  }

  push(payload: Uint8Array, sequenceNumber: number, timestamp: number): void {
    this.stats.packets++;
    const seq = sequenceNumber & 0xffff;
    const lost = this.gaps.check(seq);
    if (lost < 0) {
      this.stats.latePackets++;
      return;
    }
    if (lost > 0) {
      this.stats.lostPackets += lost;
      this.onLoss?.({ expectedSeq: (seq - lost) & 0xffff, receivedSeq: seq, lost });
    }
    if (payload.length === 0) return;
    this.stats.frames++;
    this.onFrame({ timestamp: timestamp >>> 0, sequenceNumber: seq, data: payload.slice() });
  }
}
