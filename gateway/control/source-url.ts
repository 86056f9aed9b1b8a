import { maskUrl } from '../ingest-rtsp/index.ts';
import { InvalidFieldError } from './errors.ts';

/** The mask that replaces a password in every URL the control plane returns or logs. */
export const PASSWORD_MASK = '***';

/**
 * The URL with its password replaced by `***` (`rtsp://user:***@host/…`): the RTSP client's own
 * masking, so what the control plane returns and what the ingest logs can never disagree.
 *
 * @example
 * maskSourceUrl('rtsp://admin:secret@cam/stream'); // 'rtsp://admin:***@cam/stream'
 */
export const maskSourceUrl: (input: string) => string = maskUrl;

/** Longest source URL accepted. */
export const MAX_SOURCE_URL_LENGTH = 2048;

/**
 * Checks an RTSP source URL: `rtsp://` or `rtsps://`, a host, no whitespace, at most 2048 chars.
 *
 * @throws InvalidFieldError naming `field`; the message never repeats the URL (it may hold a password).
 */
export function validateSourceUrl(field: string, value: string): void {
  if (value === '') throw new InvalidFieldError(field, 'required');
  if (value.length > MAX_SOURCE_URL_LENGTH)
    throw new InvalidFieldError(field, `longer than ${MAX_SOURCE_URL_LENGTH} characters`);
  if (/\s/.test(value)) throw new InvalidFieldError(field, 'must not contain whitespace');
  let url: URL;
  try {
    url = new URL(value);
  } catch {
    throw new InvalidFieldError(field, 'not a URL; expected rtsp://[user:password@]host[:port]/path');
  }
  if (url.protocol !== 'rtsp:' && url.protocol !== 'rtsps:')
    throw new InvalidFieldError(
      field,
      `scheme must be rtsp or rtsps, not ${url.protocol.slice(0, -1).slice(0, 16)}`,
    );
  if (url.hostname === '') throw new InvalidFieldError(field, 'has no host');
}

/**
 * When `next` carries the masked password (`***`), the password of `current` takes its place, so
 * a client can send back a URL it read. Otherwise `next` as is.
 *
 * @example
 * keepMaskedPassword('rtsp://admin:***@cam/s2', 'rtsp://admin:secret@cam/s1'); // 'rtsp://admin:secret@cam/s2'
 */
export function keepMaskedPassword(next: string, current: string): string {
  let n: URL;
  let c: URL;
  try {
    n = new URL(next);
    c = new URL(current);
  } catch {
    return next;
  }
  if (n.password !== PASSWORD_MASK && n.password !== encodeURIComponent(PASSWORD_MASK)) return next;
  n.password = c.password;
  return n.toString();
}
