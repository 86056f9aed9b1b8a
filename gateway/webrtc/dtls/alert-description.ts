/** Alert levels and descriptions (RFC 5246 §7.2; unsupported_extension from RFC 5246 §7.2.2). */
export const AlertLevel = { warning: 1, fatal: 2 } as const;

export const AlertDescriptions = {
  close_notify: 0,
  unexpected_message: 10,
  bad_record_mac: 20,
  record_overflow: 22,
  handshake_failure: 40,
  bad_certificate: 42,
  unsupported_certificate: 43,
  certificate_expired: 45,
  certificate_unknown: 46,
  illegal_parameter: 47,
  decode_error: 50,
  decrypt_error: 51,
  protocol_version: 70,
  insufficient_security: 71,
  internal_error: 80,
  user_canceled: 90,
  no_renegotiation: 100,
  unsupported_extension: 110,
} as const;
export type AlertDescription = keyof typeof AlertDescriptions;

export function alertName(description: number): string {
  for (const [k, v] of Object.entries(AlertDescriptions)) if (v === description) return k;
  return `unknown(${description})`;
}
