import { need } from './body.ts';
import type { RtcpBody, RtcpOut } from './body.ts';

/**
 * A reception report block (RFC 3550 §6.4.1), 24 bytes:
 * ```
 * +=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+
 * |                 SSRC_1 (SSRC of first source)                 |
 * +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 * | fraction lost |       cumulative number of packets lost       |
 * +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 * |           extended highest sequence number received           |
 * +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 * |                      interarrival jitter                      |
 * +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 * |                         last SR (LSR)                         |
 * +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 * |                   delay since last SR (DLSR)                  |
 * +=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+
 * ```
 * The cumulative loss is a signed 24-bit number (duplicates can make it negative, §6.4.1).
 */
export interface ReportBlock {
  ssrc: number;
  /** Fixed point 8 bits: lost/expected * 256, 0..255. */
  fractionLost: number;
  /** Signed 24-bit: -8388608..8388607. */
  cumulativeLost: number;
  /** Extended highest sequence number received (cycles << 16 | seq). */
  highestSeq: number;
  /** Interarrival jitter in timestamp units. */
  jitter: number;
  /** Middle 32 bits of the NTP timestamp of the last SR received, or 0. */
  lastSr: number;
  /** Delay since that SR in 1/65536 s, or 0. */
  delaySinceLastSr: number;
}

export const REPORT_BLOCK_SIZE = 24;

/** Reads `count` report blocks at `at`. */
export function readReportBlocks(b: RtcpBody, at: number, count: number): ReportBlock[] {
  need(b, at, count * REPORT_BLOCK_SIZE, `${count} report blocks`);
  const v = b.view;
  const out: ReportBlock[] = [];
  for (let i = 0; i < count; i++, at += REPORT_BLOCK_SIZE) {
    const lossWord = v.getUint32(at + 4);
    out.push({
      ssrc: v.getUint32(at),
      fractionLost: lossWord >>> 24,
      cumulativeLost: (lossWord << 8) >> 8, // sign-extend 24 bits
      highestSeq: v.getUint32(at + 8),
      jitter: v.getUint32(at + 12),
      lastSr: v.getUint32(at + 16),
      delaySinceLastSr: v.getUint32(at + 20),
    });
  }
  return out;
}

/** Writes report blocks at `at`. */
export function writeReportBlocks(o: RtcpOut, at: number, blocks: readonly ReportBlock[]): void {
  const v = o.view;
  for (const r of blocks) {
    v.setUint32(at, r.ssrc >>> 0);
    v.setUint32(at + 4, (((r.fractionLost & 0xff) << 24) | (r.cumulativeLost & 0xffffff)) >>> 0);
    v.setUint32(at + 8, r.highestSeq >>> 0);
    v.setUint32(at + 12, r.jitter >>> 0);
    v.setUint32(at + 16, r.lastSr >>> 0);
    v.setUint32(at + 20, r.delaySinceLastSr >>> 0);
    at += REPORT_BLOCK_SIZE;
  }
}
