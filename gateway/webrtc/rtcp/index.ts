/**
 * RTCP (RFC 3550 §6) with the feedback WebRTC uses: SR, RR, SDES, BYE, APP, generic NACK and PLI
 * (RFC 4585), FIR (RFC 5104), REMB, transport-wide CC feedback; compound packets, reduced-size
 * RTCP (RFC 5506), RFC 5761 demultiplexing and NTP timestamp helpers. A leaf module.
 *
 * @example
 * import { decodeRtcpCompound, serializeRtcp, isRtcpPacket } from '../rtcp/index.ts';
 * if (isRtcpPacket(datagram))
 *   for (const p of decodeRtcpCompound(datagram)) if (p.type === 'pli') hub.keyframeFor(p.mediaSsrc);
 * send(serializeRtcp([{ type: 'nack', senderSsrc: 1, mediaSsrc: 2, lost: [100, 101, 105] }]));
 */
export { decodeRtcpCompound, encodeRtcpCompound, rtcpCompoundSize, serializeRtcp } from './compound.ts';
export type { RtcpDecodeOptions } from './compound.ts';
export type { RtcpPacket, UnknownRtcpPacket } from './packet.ts';
export {
  isRtcpPacket,
  readRtcpHeader,
  RTCP_SR,
  RTCP_RR,
  RTCP_SDES,
  RTCP_BYE,
  RTCP_APP,
  RTCP_RTPFB,
  RTCP_PSFB,
  RTCP_XR,
} from './header.ts';
export type { RtcpHeader } from './header.ts';
export type { ReportBlock } from './report-block.ts';
export type { SenderReport } from './sender-report.ts';
export type { ReceiverReport } from './receiver-report.ts';
export { SDES_CNAME, SDES_NAME, SDES_TOOL } from './sdes.ts';
export type { SourceDescription, SdesChunk, SdesItem } from './sdes.ts';
export type { Goodbye } from './bye.ts';
export type { AppPacket } from './app.ts';
export { nackPairs } from './generic-nack.ts';
export type { GenericNack } from './generic-nack.ts';
export type { PictureLossIndication } from './pli.ts';
export type { FullIntraRequest, FirEntry } from './fir.ts';
export type { Remb } from './remb.ts';
export { TWCC_NOT_RECEIVED, TWCC_SMALL_DELTA, TWCC_LARGE_DELTA, TWCC_RESERVED } from './transport-cc.ts';
export type { TransportCcFeedback, TwccPacketStatus } from './transport-cc.ts';
export { FMT_GENERIC_NACK, FMT_TRANSPORT_CC, FMT_PLI, FMT_FIR, FMT_AFB } from './feedback-header.ts';
export {
  ntpFromUnixMs,
  unixMsFromNtp,
  ntpMiddle32,
  dlsrFromMs,
  rttMs,
  NTP_UNIX_OFFSET_SECONDS,
} from './ntp.ts';
export {
  RtcpError,
  RtcpTruncatedError,
  RtcpBadVersionError,
  RtcpBadLengthError,
  RtcpBadPaddingError,
  RtcpBadPacketError,
  RtcpNotReportFirstError,
  RtcpOutputTooSmallError,
  RtcpBadArgumentError,
} from './errors.ts';
export type { RtcpErrorCode } from './errors.ts';
