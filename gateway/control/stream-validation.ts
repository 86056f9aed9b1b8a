import { RTSP_TRANSPORTS, STREAM_NAME_PATTERN } from '../config/index.ts';
import { InvalidFieldError } from './errors.ts';
import { validateSourceUrl } from './source-url.ts';
import type { StreamPatch, StreamSpec } from './stream-registry.ts';

/** Longest description accepted. */
export const MAX_DESCRIPTION_LENGTH = 256;

/** @throws InvalidFieldError `name` unless it is 1-64 chars of A-Z a-z 0-9 _ - starting with a letter or digit. */
export function validateStreamName(name: string, field = 'name'): void {
  if (name === '') throw new InvalidFieldError(field, 'required');
  if (!STREAM_NAME_PATTERN.test(name))
    throw new InvalidFieldError(
      field,
      'must be 1-64 characters of A-Z a-z 0-9 _ -, starting with a letter or digit',
    );
}

/** @throws InvalidFieldError naming the first bad field of a patch (proto field names). */
export function validateStreamPatch(patch: StreamPatch): void {
  if (patch.sourceUrl !== undefined) validateSourceUrl('source_url', patch.sourceUrl);
  if (patch.rtspTransport !== undefined && !RTSP_TRANSPORTS.includes(patch.rtspTransport))
    throw new InvalidFieldError('rtsp_transport', `must be one of ${RTSP_TRANSPORTS.join(', ')}`);
  if (patch.description !== undefined && patch.description.length > MAX_DESCRIPTION_LENGTH)
    throw new InvalidFieldError('description', `longer than ${MAX_DESCRIPTION_LENGTH} characters`);
}

/** @throws InvalidFieldError naming the first bad field of a new stream. */
export function validateStreamSpec(spec: StreamSpec): void {
  validateStreamName(spec.name);
  validateStreamPatch(spec);
}
