import { splitAnnexB } from './annexb.ts';
import { MediaError } from './errors.ts';

const BASE64 = /^[A-Za-z0-9+/]*={0,2}$/;

/**
 * Parses an SDP `sprop-parameter-sets` value (RFC 6184 §8.1: comma-separated base64 NAL units, usually
 * SPS then PPS), or one of H.265's `sprop-vps` / `sprop-sps` / `sprop-pps` (RFC 7798 §7.1, same
 * syntax). Tolerates what cameras send: spaces, empty items, missing padding, and Annex-B start codes
 * inside the base64. Throws `MediaError('MEDIA_BAD_SPROP')` on anything that is not base64.
 *
 * @example
 * const [sps, pps] = parseSpropParameterSets('Z0LAH9oCgL/lwEQAAAMABAAAAwDyPGDKgA==,aM48gA==');
 * parseH264Sps(sps!).width; // 640
 */
export function parseSpropParameterSets(value: string): Uint8Array[] {
  const out: Uint8Array[] = [];
  for (const item of value.split(',')) {
    const b64 = item.trim();
    if (b64 === '') continue;
    if (!BASE64.test(b64) || b64.length % 4 === 1) {
      throw new MediaError('MEDIA_BAD_SPROP', `sprop item ${JSON.stringify(b64.slice(0, 40))} is not base64`);
    }
    const bytes = new Uint8Array(Buffer.from(b64, 'base64'));
    // Some cameras base64 an Annex-B stream (with start codes) rather than a bare NAL unit.
    const looksAnnexB =
      bytes[0] === 0 && bytes[1] === 0 && (bytes[2] === 1 || (bytes[2] === 0 && bytes[3] === 1));
    if (looksAnnexB) out.push(...splitAnnexB(bytes));
    else if (bytes.length > 0) out.push(bytes);
  }
  return out;
}

/**
 * Writes NAL units as a `sprop-parameter-sets` value.
 *
 * @example
 * `a=fmtp:96 packetization-mode=1;sprop-parameter-sets=${formatSpropParameterSets([sps, pps])}`;
 */
export function formatSpropParameterSets(nalus: readonly Uint8Array[]): string {
  return nalus.map((n) => Buffer.from(n.buffer, n.byteOffset, n.byteLength).toString('base64')).join(',');
}
