/**
 * Stable error codes of the media module. Callers switch on `code`, count and drop.
 *
 * - `MEDIA_TRUNCATED`: a bit reader ran past the end of a NAL unit (SPS, slice header, ...).
 * - `MEDIA_BAD_EXP_GOLOMB`: an Exp-Golomb code has more than 31 leading zero bits (ITU-T H.264 §9.1).
 * - `MEDIA_BAD_NAL`: a NAL unit is empty, has its forbidden_zero_bit set or is of the wrong type.
 * - `MEDIA_BAD_SPS`: a sequence parameter set holds a value outside its range.
 * - `MEDIA_BAD_SPROP`: an SDP `sprop-parameter-sets` (or `sprop-vps/sps/pps`) value is not base64.
 * - `MEDIA_BAD_CLIP`: a clip holds no decodable access unit (no IDR with SPS/PPS).
 * - `MEDIA_CLOSED`: a closed source was started again.
 */
export type MediaErrorCode =
  | 'MEDIA_TRUNCATED'
  | 'MEDIA_BAD_EXP_GOLOMB'
  | 'MEDIA_BAD_NAL'
  | 'MEDIA_BAD_SPS'
  | 'MEDIA_BAD_SPROP'
  | 'MEDIA_BAD_CLIP'
  | 'MEDIA_CLOSED';

/** The one error class the media module throws; `offset` is the byte offset where parsing stopped. */
export class MediaError extends Error {
  readonly code: MediaErrorCode;
  readonly offset: number | undefined;
  constructor(code: MediaErrorCode, message: string, options?: { offset?: number; cause?: unknown }) {
    super(options?.offset === undefined ? message : `${message} (at byte ${options.offset})`, {
      cause: options?.cause,
    });
    this.name = 'MediaError';
    this.code = code;
    this.offset = options?.offset;
  }
}
