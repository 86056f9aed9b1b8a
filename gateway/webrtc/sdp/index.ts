export type {
  Codec,
  Direction,
  Setup,
  MediaSection,
  CandidateLine,
  RemoteDescription,
} from './session-description.ts';
export { parseRemoteDescription } from './parse.ts';
export { createAnswer, type AnswerParams, type SectionAnswer } from './answer.ts';
export {
  answerDirection,
  pickH264,
  pickH264ToReceive,
  pickAudio,
  describeOffered,
  noCommonCodec,
} from './negotiate.ts';
export {
  parseH264ProfileLevelId,
  h264Decodes,
  type H264ProfileLevel,
  type H264ProfileName,
} from './h264-profile-level.ts';
export { pickH265, parseH265Params, type H265Params } from './h265-params.ts';
export { SdpError, type SdpErrorCode } from './errors.ts';
