/**
 * RTP (RFC 3550) for the media path: packet codec with RFC 8285 header extensions, in-place
 * per-viewer header rewrite, sequence arithmetic (RFC 3550 A.1), and packetizers/depacketizers for
 * H.264 (RFC 6184), H.265 (RFC 7798), Opus (RFC 7587) and G.711 (RFC 3551). A leaf module: no other
 * webrtc module is imported.
 *
 * @example
 * import { H264Packetizer, rewriteRtpHeaderFields, decodeRtp, H264Depacketizer } from '../rtp/index.ts';
 * // once per stream: payloads with a 12-byte header template in front
 * new H264Packetizer({ mtu: 1200 }).packetize(nals, (pkt, marker) => {
 *   // once per viewer: stamp the viewer's header in place, then SRTP-protect pkt
 *   rewriteRtpHeaderFields(pkt, viewer.ssrc, viewer.seq++, ts90k, viewer.pt);
 * });
 * // receiving side
 * const d = new H264Depacketizer({ onAccessUnit: (au) => console.log(au.keyframe, au.annexB.length) });
 * d.pushPacket(decodeRtp(datagram));
 */
export { decodeRtp, encodeRtp, rtpPacketSize, RTP_FIXED_HEADER_SIZE } from './rtp-packet.ts';
export type { RtpHeader, RtpPacket, RtpExtensionBlock } from './rtp-packet.ts';
export {
  readHeaderExtensions,
  findHeaderExtension,
  writeHeaderExtensions,
  isRfc8285Profile,
  ONE_BYTE_PROFILE,
  TWO_BYTE_PROFILE,
} from './header-extensions.ts';
export type { RtpHeaderExtension } from './header-extensions.ts';
export { rewriteRtpHeader, rewriteRtpHeaderFields } from './rewrite-header.ts';
export type { RtpHeaderRewrite } from './rewrite-header.ts';
export { seqDiff, seqNewer, seqAdd, SeqUnwrapper, SeqGapDetector, RtpSourceSequence } from './sequence.ts';
export { RtpReorderBuffer } from './reorder-buffer.ts';
export type { RtpReorderBufferOptions } from './reorder-buffer.ts';
export { DEFAULT_PAYLOAD_MTU } from './payload-sink.ts';
export type { RtpPayloadSink, PacketizerOptions } from './payload-sink.ts';
export type { PacketizerStats } from './nal-packetizer.ts';
export { H264Packetizer, H264_STAP_A, H264_FU_A } from './h264-packetizer.ts';
export { H265Packetizer, H265_AP, H265_FU, H265_PACI } from './h265-packetizer.ts';
export { H264Depacketizer } from './h264-depacketizer.ts';
export { H265Depacketizer } from './h265-depacketizer.ts';
export type {
  AccessUnit,
  AccessUnitDropReason,
  DepacketizerOptions,
  DepacketizerStats,
  RtpLossEvent,
} from './access-unit-assembler.ts';
export { splitAnnexB, joinAnnexB, findStartCode, trimZeros } from './annex-b.ts';
export {
  AudioPacketizer,
  AudioDepacketizer,
  audioClockRate,
  opusPacketSamples,
  PT_PCMU,
  PT_PCMA,
  OPUS_CLOCK_RATE,
  G711_CLOCK_RATE,
} from './audio.ts';
export type { AudioCodec, AudioFrame } from './audio.ts';
export {
  RtpError,
  RtpTruncatedError,
  RtpBadVersionError,
  RtpBadPaddingError,
  RtpBadExtensionError,
  RtpOutputTooSmallError,
  RtpBadArgumentError,
  RtpBadPayloadError,
} from './errors.ts';
export type { RtpErrorCode } from './errors.ts';
