/**
 * media: the codec-level model shared by ingest and egress. Frames (access units with 90 kHz
 * timestamps), H.264 (ITU-T H.264) and H.265 (ITU-T H.265) bitstream helpers — Annex-B splitting,
 * access-unit grouping, Exp-Golomb reading, SPS parsing, B-frame detection, SDP `profile-level-id`
 * and `sprop-parameter-sets` — and the built-in looped demo source. Sans-IO except
 * {@link DemoSource.open}, which reads a file; time comes from an injected `Clock`.
 *
 * @example
 * // A .h264 file into frames:
 * const units = groupAccessUnits(h264Syntax, splitAnnexB(bytes), { dropAud: true });
 * const frames = units.map((au, i) => videoFrame(h264Syntax, au, i * 3000, clock.wallNow()));
 *
 * @example
 * // A stream of chunks (a pipe, a socket) into access units:
 * const splitter = new AnnexBSplitter();
 * const assembler = new AccessUnitAssembler(h265Syntax);
 * for (const nal of splitter.push(chunk)) {
 *   const au = assembler.push(nal);
 *   if (au) onAccessUnit(au);
 * }
 *
 * @example
 * // What a camera sends, from its SDP:
 * const [sps] = parseSpropParameterSets('Z0LAH9oCgL/lwEQAAAMABAAAAwDyPGDKgA==,aM48gA==');
 * const s = parseH264Sps(sps!); // s.width 640, s.height 360, s.frameRate 30
 * h264ProfileLevelId(s); // '42c01f'
 *
 * @example
 * // The demo stream, paced by a clock:
 * const demo = await DemoSource.open({ clock: systemClock });
 * demo.onFrame((frame) => hub.push(frame));
 * demo.start();
 *
 * @module
 */
export { MediaError, type MediaErrorCode } from './errors.ts';
export {
  CLOCK_RATE,
  isVideoCodec,
  type Codec,
  type VideoCodec,
  type AudioCodec,
  type Frame,
  type VideoFrame,
  type AudioFrame,
} from './frame.ts';
export {
  splitAnnexB,
  joinAnnexB,
  findStartCode,
  AnnexBSplitter,
  type AnnexBSplitterOptions,
  type AnnexBSplitterStats,
} from './annexb.ts';
export { removeEmulationPrevention } from './emulation-prevention.ts';
export { BitReader, type BitReaderOptions } from './bit-reader.ts';
export type { NalSyntax, NalRole, ParameterSetKind } from './nal-syntax.ts';
export {
  AccessUnitAssembler,
  groupAccessUnits,
  accessUnitInfo,
  videoFrame,
  type AccessUnitAssemblerOptions,
  type AccessUnitAssemblerStats,
  type AccessUnitInfo,
} from './access-unit.ts';
export { ParameterSetCache } from './parameter-sets.ts';
export {
  H264NalType,
  h264NalType,
  h264NalRefIdc,
  isH264Vcl,
  isH264Idr,
  h264StartsPicture,
  h264Syntax,
} from './h264-nal.ts';
export {
  readH264SliceHeader,
  h264HasBSlice,
  type H264SliceHeader,
  type H264SliceType,
} from './h264-slice.ts';
export { parseH264Sps, spsAllowsReordering, type H264Sps } from './h264-sps.ts';
export { h264ProfileLevelId, parseProfileLevelId, type ProfileLevelId } from './h264-profile-level-id.ts';
export { parseSpropParameterSets, formatSpropParameterSets } from './sprop-parameter-sets.ts';
export {
  H265NalType,
  h265NalType,
  parseH265NalHeader,
  isH265Vcl,
  isH265Irap,
  h265StartsPicture,
  h265Syntax,
  type H265NalHeader,
} from './h265-nal.ts';
export { parseH265Sps, type H265Sps, type H265ProfileTierLevel } from './h265-sps.ts';
export {
  parseH265Pps,
  readH265SliceType,
  h265HasBSlice,
  type H265Pps,
  type H265SliceType,
} from './h265-slice.ts';
export { parseH264Clip, type H264Clip } from './h264-clip.ts';
export {
  DemoSource,
  DEMO_CLIP_URL,
  type DemoSourceOptions,
  type DemoSourceInfo,
  type DemoSourceStats,
  type DemoSourceState,
} from './demo-source.ts';
export type { MediaPacket, ViewerSink } from './media-packet.ts';
export { PacketHistory } from './packet-history.ts';
export { GopCache } from './gop-cache.ts';
export {
  StreamHub,
  type StreamHubOptions,
  type StreamHubStats,
  type StreamInfo,
  type H265StreamParams,
  type HubViewer,
} from './stream-hub.ts';
