import { need } from './body.ts';
import type { RtcpBody, RtcpOut } from './body.ts';
import { RtcpBadArgumentError } from './errors.ts';
import { readFeedbackSsrcs, writeFeedbackSsrcs } from './feedback-header.ts';

/** Packet status symbols (draft-holmer-rmcat-transport-wide-cc-extensions-01 §3.1.1). */
export const TWCC_NOT_RECEIVED = 0;
export const TWCC_SMALL_DELTA = 1;
export const TWCC_LARGE_DELTA = 2;
/** Reserved symbol: received, no delta follows. */
export const TWCC_RESERVED = 3;

/** One packet's fate: its transport-wide sequence number, status symbol and receive delta. */
export interface TwccPacketStatus {
  seq: number;
  status: 0 | 1 | 2 | 3;
  /**
   * Receive delta in 250 µs units, relative to the previous received packet (the first to the
   * reference time), for statuses 1 (0..255) and 2 (-32768..32767); absent otherwise.
   */
  delta?: number | undefined;
}

/**
 * Transport-wide congestion control feedback (draft-holmer-rmcat-transport-wide-cc-extensions-01
 * §3.1): RTPFB (205), FMT 15:
 * ```
 *  0                   1                   2                   3
 *  0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1
 * +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 * |V=2|P|  FMT=15 |    PT=205     |           length              |
 * +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 * |                     SSRC of packet sender                     |
 * +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 * |                      SSRC of media source                     |
 * +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 * |      base sequence number     |      packet status count      |
 * +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 * |                 reference time                | fb pkt. count |
 * +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 * |          packet chunk         |         packet chunk          |
 * .                                                               .
 * |         packet chunk          |  recv delta   |  recv delta   |
 * .                                                               .
 * |           recv delta          |  recv delta   | zero padding  |
 * +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 * ```
 * Packet chunks (§3.1.3, §3.1.4): run length `0 SS LLLLLLLLLLLLL` (a 13-bit run of one symbol), or
 * status vector `1 S ssssssssssssss` (S=0: 14 one-bit symbols, 0 not received / 1 small delta;
 * S=1: 7 two-bit symbols). Small deltas are 1 unsigned byte, large ones 2 signed bytes (§3.1.5).
 */
export interface TransportCcFeedback {
  type: 'twcc';
  senderSsrc: number;
  mediaSsrc: number;
  baseSeq: number;
  /** As read from the packet; the encoder writes packets.length. */
  packetStatusCount: number;
  /** Signed 24 bits, in multiples of 64 ms. */
  referenceTime: number;
  /** Feedback packet count, 8 bits. */
  fbPktCount: number;
  /** One entry per packet status, from baseSeq on. */
  packets: TwccPacketStatus[];
}

export function decodeTransportCc(b: RtcpBody): TransportCcFeedback {
  const { senderSsrc, mediaSsrc } = readFeedbackSsrcs(b, 'TWCC');
  need(b, b.start + 8, 8, 'TWCC header');
  const v = b.view;
  const baseSeq = v.getUint16(b.start + 8);
  const count = v.getUint16(b.start + 10);
  const refWord = v.getUint32(b.start + 12);
  const statuses = new Uint8Array(count);
  let n = 0;
  let at = b.start + 16;
  while (n < count) {
    need(b, at, 2, 'TWCC packet chunk');
    const chunk = v.getUint16(at);
    at += 2;
    if ((chunk & 0x8000) === 0) {
      const symbol = (chunk >>> 13) & 3;
      const run = Math.min(chunk & 0x1fff, count - n);
      statuses.fill(symbol, n, n + run);
      n += run;
    } else if ((chunk & 0x4000) === 0) {
      for (let k = 0; k < 14 && n < count; k++) statuses[n++] = (chunk >>> (13 - k)) & 1;
    } else {
      for (let k = 0; k < 7 && n < count; k++) statuses[n++] = (chunk >>> (12 - 2 * k)) & 3;
    }
  }
  const packets: TwccPacketStatus[] = [];
  for (let i = 0; i < count; i++) {
    const status = statuses[i] as 0 | 1 | 2 | 3;
    const seq = (baseSeq + i) & 0xffff;
    if (status === TWCC_SMALL_DELTA) {
      need(b, at, 1, 'TWCC receive delta');
      packets.push({ seq, status, delta: b.buf[at] as number });
      at += 1;
    } else if (status === TWCC_LARGE_DELTA) {
      need(b, at, 2, 'TWCC receive delta');
      packets.push({ seq, status, delta: v.getInt16(at) });
      at += 2;
    } else packets.push({ seq, status });
  }
  return {
    type: 'twcc',
    senderSsrc,
    mediaSsrc,
    baseSeq,
    packetStatusCount: count,
    referenceTime: refWord >> 8, // sign-extends the upper 24 bits
    fbPktCount: refWord & 0xff,
    packets,
  };
}

/** Chooses packet chunks for the statuses: run length for runs of 7 or more, else status vectors. */
function chunks(packets: readonly TwccPacketStatus[]): number[] {
  const out: number[] = [];
  const n = packets.length;
  const st = (i: number) => (packets[i] as TwccPacketStatus).status;
  let i = 0;
  while (i < n) {
    const s = st(i);
    let run = 1;
    while (i + run < n && st(i + run) === s && run < 0x1fff) run++;
    if (run >= 7) {
      out.push((s << 13) | run);
      i += run;
      continue;
    }
    const window = Math.min(14, n - i);
    let oneBit = true;
    for (let k = 0; k < window; k++) if (st(i + k) > 1) oneBit = false;
    if (oneBit) {
      let c = 0x8000;
      for (let k = 0; k < window; k++) c |= st(i + k) << (13 - k);
      out.push(c);
      i += window;
    } else {
      let c = 0xc000;
      const w = Math.min(7, n - i);
      for (let k = 0; k < w; k++) c |= st(i + k) << (12 - 2 * k);
      out.push(c);
      i += w;
    }
  }
  return out;
}

function deltaBytes(p: TwccPacketStatus): number {
  if (p.status === TWCC_SMALL_DELTA || p.status === TWCC_LARGE_DELTA) {
    const d = p.delta;
    const small = p.status === TWCC_SMALL_DELTA;
    if (d === undefined || !Number.isInteger(d) || (small ? d < 0 || d > 255 : d < -32768 || d > 32767))
      throw new RtcpBadArgumentError(`TWCC delta ${d} does not fit status ${p.status}`);
    return small ? 1 : 2;
  }
  return 0;
}

export function transportCcBodySize(p: TransportCcFeedback): number {
  if (p.packets.length > 0xffff) throw new RtcpBadArgumentError('more than 65535 packet statuses');
  let n = 16 + 2 * chunks(p.packets).length;
  for (const s of p.packets) n += deltaBytes(s);
  return (n + 3) & ~3;
}

export function encodeTransportCcBody(p: TransportCcFeedback, o: RtcpOut, at: number): void {
  const end = at + transportCcBodySize(p);
  const v = o.view;
  writeFeedbackSsrcs(p, o, at);
  v.setUint16(at + 8, p.baseSeq & 0xffff);
  v.setUint16(at + 10, p.packets.length);
  v.setUint32(at + 12, (((p.referenceTime & 0xffffff) << 8) | (p.fbPktCount & 0xff)) >>> 0);
  at += 16;
  for (const c of chunks(p.packets)) {
    v.setUint16(at, c);
    at += 2;
  }
  for (const s of p.packets) {
    if (deltaBytes(s) === 1) o.out[at++] = s.delta as number;
    else if (deltaBytes(s) === 2) {
      v.setInt16(at, s.delta as number);
      at += 2;
    }
  }
  o.out.fill(0, at, end);
}
