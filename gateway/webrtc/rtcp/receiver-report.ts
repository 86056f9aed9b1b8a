import { need } from './body.ts';
import type { RtcpBody, RtcpOut } from './body.ts';
import { readReportBlocks, writeReportBlocks, REPORT_BLOCK_SIZE } from './report-block.ts';
import type { ReportBlock } from './report-block.ts';

/**
 * RR: receiver report (RFC 3550 §6.4.2), PT 201:
 * ```
 *  0                   1                   2                   3
 *  0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1
 * +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 * |V=2|P|    RC   |   PT=RR=201   |             length            |
 * +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 * |                     SSRC of packet sender                     |
 * +=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+
 * |                 report blocks (24 bytes each)                 |
 * +=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+
 * |                  profile-specific extensions                  |
 * +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 * ```
 */
export interface ReceiverReport {
  type: 'rr';
  ssrc: number;
  reports: ReportBlock[];
  /** Bytes after the report blocks (a multiple of 4), empty when none. */
  profileExtension: Uint8Array;
}

export function decodeReceiverReport(b: RtcpBody): ReceiverReport {
  need(b, b.start, 4, 'RR sender SSRC');
  const reports = readReportBlocks(b, b.start + 4, b.count);
  return {
    type: 'rr',
    ssrc: b.view.getUint32(b.start),
    reports,
    profileExtension: b.buf.subarray(b.start + 4 + reports.length * REPORT_BLOCK_SIZE, b.end),
  };
}

export function receiverReportBodySize(p: ReceiverReport): number {
  return 4 + p.reports.length * REPORT_BLOCK_SIZE + p.profileExtension.length;
}

export function encodeReceiverReportBody(p: ReceiverReport, o: RtcpOut, at: number): void {
  o.view.setUint32(at, p.ssrc >>> 0);
  writeReportBlocks(o, at + 4, p.reports);
  o.out.set(p.profileExtension, at + 4 + p.reports.length * REPORT_BLOCK_SIZE);
}
