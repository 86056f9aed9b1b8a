import type { RtcpBody, RtcpOut } from './body.ts';
import { RtcpBadPacketError } from './errors.ts';
import { readFeedbackSsrcs, writeFeedbackSsrcs } from './feedback-header.ts';

/** One FIR request: the media sender asked to send a decoder refresh, and the command sequence number. */
export interface FirEntry {
  ssrc: number;
  /** 8 bits; incremented per new request (RFC 5104 §4.3.1.2). */
  seqNr: number;
}

/**
 * Full Intra Request (RFC 5104 §4.3.1): PSFB (206), FMT 4. The media source SSRC of §6.1 is unused
 * (SHALL be 0); the FCI holds one entry per requested sender:
 * ```
 *  0                   1                   2                   3
 *  0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1
 * +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 * |                              SSRC                             |
 * +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 * | Seq nr.       |    Reserved                                   |
 * +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 * ```
 */
export interface FullIntraRequest {
  type: 'fir';
  senderSsrc: number;
  mediaSsrc: number;
  entries: FirEntry[];
}

export function decodeFir(b: RtcpBody): FullIntraRequest {
  const { senderSsrc, mediaSsrc } = readFeedbackSsrcs(b, 'FIR');
  const fci = b.start + 8;
  if ((b.end - fci) % 8 !== 0 || b.end === fci)
    throw new RtcpBadPacketError('FIR without whole FCI entries', fci);
  const entries: FirEntry[] = [];
  for (let at = fci; at < b.end; at += 8)
    entries.push({ ssrc: b.view.getUint32(at), seqNr: b.buf[at + 4] as number });
  return { type: 'fir', senderSsrc, mediaSsrc, entries };
}

export function firBodySize(p: FullIntraRequest): number {
  return 8 + 8 * p.entries.length;
}

export function encodeFirBody(p: FullIntraRequest, o: RtcpOut, at: number): void {
  writeFeedbackSsrcs(p, o, at);
  at += 8;
  for (const e of p.entries) {
    o.view.setUint32(at, e.ssrc >>> 0);
    o.view.setUint32(at + 4, ((e.seqNr & 0xff) << 24) >>> 0);
    at += 8;
  }
}
