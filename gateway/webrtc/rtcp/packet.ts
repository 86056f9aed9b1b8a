import type { RtcpBody, RtcpOut } from './body.ts';
import { RTCP_APP, RTCP_BYE, RTCP_PSFB, RTCP_RR, RTCP_RTPFB, RTCP_SDES, RTCP_SR } from './header.ts';
import { FMT_AFB, FMT_FIR, FMT_GENERIC_NACK, FMT_PLI, FMT_TRANSPORT_CC } from './feedback-header.ts';
import { decodeSenderReport, encodeSenderReportBody, senderReportBodySize } from './sender-report.ts';
import type { SenderReport } from './sender-report.ts';
import { decodeReceiverReport, encodeReceiverReportBody, receiverReportBodySize } from './receiver-report.ts';
import type { ReceiverReport } from './receiver-report.ts';
import { decodeSdes, encodeSdesBody, sdesBodySize } from './sdes.ts';
import type { SourceDescription } from './sdes.ts';
import { byeBodySize, decodeBye, encodeByeBody } from './bye.ts';
import type { Goodbye } from './bye.ts';
import { appBodySize, decodeApp, encodeAppBody } from './app.ts';
import type { AppPacket } from './app.ts';
import { decodeGenericNack, encodeGenericNackBody, genericNackBodySize } from './generic-nack.ts';
import type { GenericNack } from './generic-nack.ts';
import { decodePli, encodePliBody, pliBodySize } from './pli.ts';
import type { PictureLossIndication } from './pli.ts';
import { decodeFir, encodeFirBody, firBodySize } from './fir.ts';
import type { FullIntraRequest } from './fir.ts';
import { decodeRemb, encodeRembBody, isRemb, rembBodySize } from './remb.ts';
import type { Remb } from './remb.ts';
import { decodeTransportCc, encodeTransportCcBody, transportCcBodySize } from './transport-cc.ts';
import type { TransportCcFeedback } from './transport-cc.ts';
import { RtcpBadArgumentError } from './errors.ts';

/**
 * A packet of a type this module does not interpret (APP-like XR, other feedback FMTs, AFB other
 * than REMB, future types): kept with its header fields and body so it is skipped safely and
 * re-encodes as it came.
 */
export interface UnknownRtcpPacket {
  type: 'unknown';
  packetType: number;
  /** RC / SC / FMT. */
  count: number;
  /** Everything after the 4-byte header, padding excluded (a multiple of 4 bytes to re-encode). */
  body: Uint8Array;
}

/** Every RTCP packet this module decodes, discriminated by `type`. */
export type RtcpPacket =
  | SenderReport
  | ReceiverReport
  | SourceDescription
  | Goodbye
  | AppPacket
  | GenericNack
  | PictureLossIndication
  | FullIntraRequest
  | Remb
  | TransportCcFeedback
  | UnknownRtcpPacket;

/** Decodes one packet's body by type and FMT. */
export function decodeRtcpBody(packetType: number, b: RtcpBody): RtcpPacket {
  switch (packetType) {
    case RTCP_SR:
      return decodeSenderReport(b);
    case RTCP_RR:
      return decodeReceiverReport(b);
    case RTCP_SDES:
      return decodeSdes(b);
    case RTCP_BYE:
      return decodeBye(b);
    case RTCP_APP:
      return decodeApp(b);
    case RTCP_RTPFB:
      if (b.count === FMT_GENERIC_NACK) return decodeGenericNack(b);
      if (b.count === FMT_TRANSPORT_CC) return decodeTransportCc(b);
      break;
    case RTCP_PSFB:
      if (b.count === FMT_PLI) return decodePli(b);
      if (b.count === FMT_FIR) return decodeFir(b);
      if (b.count === FMT_AFB && isRemb(b)) return decodeRemb(b);
      break;
  }
  return { type: 'unknown', packetType, count: b.count, body: b.buf.subarray(b.start, b.end) };
}

/** Header fields (type, count) and body size of a packet to encode. */
export function rtcpShape(p: RtcpPacket): { packetType: number; count: number; bodySize: number } {
  switch (p.type) {
    case 'sr':
      return { packetType: RTCP_SR, count: counted(p.reports.length), bodySize: senderReportBodySize(p) };
    case 'rr':
      return { packetType: RTCP_RR, count: counted(p.reports.length), bodySize: receiverReportBodySize(p) };
    case 'sdes':
      return { packetType: RTCP_SDES, count: counted(p.chunks.length), bodySize: sdesBodySize(p) };
    case 'bye':
      return { packetType: RTCP_BYE, count: counted(p.ssrcs.length), bodySize: byeBodySize(p) };
    case 'app':
      return { packetType: RTCP_APP, count: counted(p.subtype), bodySize: appBodySize(p) };
    case 'nack':
      return { packetType: RTCP_RTPFB, count: FMT_GENERIC_NACK, bodySize: genericNackBodySize(p) };
    case 'twcc':
      return { packetType: RTCP_RTPFB, count: FMT_TRANSPORT_CC, bodySize: transportCcBodySize(p) };
    case 'pli':
      return { packetType: RTCP_PSFB, count: FMT_PLI, bodySize: pliBodySize() };
    case 'fir':
      return { packetType: RTCP_PSFB, count: FMT_FIR, bodySize: firBodySize(p) };
    case 'remb':
      return { packetType: RTCP_PSFB, count: FMT_AFB, bodySize: rembBodySize(p) };
    case 'unknown':
      if (p.body.length % 4 !== 0)
        throw new RtcpBadArgumentError('unknown packet body is not whole 32-bit words');
      return { packetType: p.packetType & 0xff, count: counted(p.count), bodySize: p.body.length };
  }
}

function counted(n: number): number {
  if (!Number.isInteger(n) || n < 0 || n > 31)
    throw new RtcpBadArgumentError(`count ${n} does not fit 5 bits`);
  return n;
}

/** Encodes a packet's body at `at` (the header is the caller's). */
export function encodeRtcpBody(p: RtcpPacket, o: RtcpOut, at: number): void {
  switch (p.type) {
    case 'sr':
      return encodeSenderReportBody(p, o, at);
    case 'rr':
      return encodeReceiverReportBody(p, o, at);
    case 'sdes':
      return encodeSdesBody(p, o, at);
    case 'bye':
      return encodeByeBody(p, o, at);
    case 'app':
      return encodeAppBody(p, o, at);
    case 'nack':
      return encodeGenericNackBody(p, o, at);
    case 'twcc':
      return encodeTransportCcBody(p, o, at);
    case 'pli':
      return encodePliBody(p, o, at);
    case 'fir':
      return encodeFirBody(p, o, at);
    case 'remb':
      return encodeRembBody(p, o, at);
    case 'unknown':
      o.out.set(p.body, at);
  }
}
