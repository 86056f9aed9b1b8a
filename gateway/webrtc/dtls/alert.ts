import { ByteReader } from './byte-reader.ts';

export { AlertDescriptions, AlertLevel, alertName, type AlertDescription } from './alert-description.ts';

/**
 * Alert protocol (RFC 5246 §7.2).
 *
 *   struct {
 *       AlertLevel level;              // warning(1), fatal(2)
 *       AlertDescription description;
 *   } Alert;
 *
 *    0                   1
 *    0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5
 *   +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 *   |     level     |  description  |
 *   +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 */
export interface Alert {
  level: number;
  description: number;
}

export function decodeAlert(buf: Uint8Array): Alert {
  const r = new ByteReader(buf, 'Alert');
  const a = { level: r.u8(), description: r.u8() };
  r.end();
  return a;
}

export function encodeAlert(a: Alert): Uint8Array {
  return Uint8Array.of(a.level, a.description);
}
