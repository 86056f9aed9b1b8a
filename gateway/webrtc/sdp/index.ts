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
  h264Profile,
  acceptsConstrainedBaseline,
  answerDirection,
  pickH264,
  pickAudio,
} from './negotiate.ts';
export { SdpError, type SdpErrorCode } from './errors.ts';
