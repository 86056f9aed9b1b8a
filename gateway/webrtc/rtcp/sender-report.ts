import { need } from './body.ts';
import type { RtcpBody, RtcpOut } from './body.ts';
import { readReportBlocks, writeReportBlocks, REPORT_BLOCK_SIZE } from './report-block.ts';
import type { ReportBlock } from './report-block.ts';

/**
 * SR: sender report (RFC 3550 §6.4.1), PT 200, RC report blocks after the sender info:
 * ```
 *  0                   1                   2                   3
 *  0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1
 * +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 * |V=2|P|    RC   |   PT=SR=200   |             length            |
 * +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 * |                         SSRC of sender                        |
 * +=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+
 * |              NTP timestamp, most significant word             |
 * +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 * |             NTP timestamp, least significant word             |
 * +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 * |                         RTP timestamp                         |
 * +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 * |                     sender's packet count                     |
 * +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 * |                      sender's octet count                     |
 * +=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+
 * |                 report blocks (24 bytes each)                 |
 * +=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+
 * |                  profile-specific extensions                  |
 * +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 * ```
 */
export interface SenderReport {
  type: 'sr';
  ssrc: number;
  /** 64-bit NTP timestamp (see ntp.ts). */
  ntpTimestamp: bigint;
  rtpTimestamp: number;
  packetCount: number;
  octetCount: number;
  reports: ReportBlock[];
  /** Bytes after the report blocks (a multiple of 4), empty when none. */
  profileExtension: Uint8Array;
}

export function decodeSenderReport(b: RtcpBody): SenderReport {
  need(b, b.start, 24, 'SR sender info');
  const v = b.view;
  const blocksAt = b.start + 24;
  const reports = readReportBlocks(b, blocksAt, b.count);
  return {
    type: 'sr',
    ssrc: v.getUint32(b.start),
    ntpTimestamp: v.getBigUint64(b.start + 4),
    rtpTimestamp: v.getUint32(b.start + 12),
    packetCount: v.getUint32(b.start + 16),
    octetCount: v.getUint32(b.start + 20),
    reports,
    profileExtension: b.buf.subarray(blocksAt + reports.length * REPORT_BLOCK_SIZE, b.end),
  };
}

export function senderReportBodySize(p: SenderReport): number {
  return 24 + p.reports.length * REPORT_BLOCK_SIZE + p.profileExtension.length;
}

export function encodeSenderReportBody(p: SenderReport, o: RtcpOut, at: number): void {
  const v = o.view;
  v.setUint32(at, p.ssrc >>> 0);
  v.setBigUint64(at + 4, BigInt.asUintN(64, p.ntpTimestamp));
  v.setUint32(at + 12, p.rtpTimestamp >>> 0);
  v.setUint32(at + 16, p.packetCount >>> 0);
  v.setUint32(at + 20, p.octetCount >>> 0);
  writeReportBlocks(o, at + 24, p.reports);
  o.out.set(p.profileExtension, at + 24 + p.reports.length * REPORT_BLOCK_SIZE);
}
