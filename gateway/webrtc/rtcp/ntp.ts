/**
 * NTP timestamps as RTCP uses them (RFC 3550 §4): 64-bit fixed point, seconds since 1900-01-01 in
 * the upper 32 bits and the fraction in the lower; the "middle 32 bits" (16.16) are what report
 * blocks carry as LSR and what DLSR is measured in (units of 1/65536 s).
 */

/** Seconds from 1900-01-01 (NTP era 0) to 1970-01-01 (Unix epoch). */
export const NTP_UNIX_OFFSET_SECONDS = 2_208_988_800;

/**
 * The 64-bit NTP timestamp of a wall-clock time in Unix milliseconds (may be fractional).
 *
 * @example
 * sr.ntpTimestamp = ntpFromUnixMs(clock.wallNow());
 */
export function ntpFromUnixMs(ms: number): bigint {
  const secs = Math.floor(ms / 1000);
  const frac = Math.round(((ms - secs * 1000) / 1000) * 2 ** 32);
  const s = BigInt(secs + NTP_UNIX_OFFSET_SECONDS) + BigInt(Math.floor(frac / 2 ** 32));
  return ((s & 0xffffffffn) << 32n) | BigInt(frac % 2 ** 32);
}

/** Unix milliseconds of a 64-bit NTP timestamp (era 0: 1900..2036). */
export function unixMsFromNtp(ntp: bigint): number {
  const secs = Number(ntp >> 32n);
  const frac = Number(ntp & 0xffffffffn);
  return (secs - NTP_UNIX_OFFSET_SECONDS) * 1000 + (frac / 2 ** 32) * 1000;
}

/** The middle 32 bits of a 64-bit NTP timestamp: the LSR field of a report block (RFC 3550 §6.4.1). */
export function ntpMiddle32(ntp: bigint): number {
  return Number((ntp >> 16n) & 0xffffffffn);
}

/** A duration in milliseconds as the 1/65536-second units of DLSR (RFC 3550 §6.4.1), clamped to 32 bits. */
export function dlsrFromMs(ms: number): number {
  return Math.max(0, Math.min(0xffffffff, Math.round((ms * 65536) / 1000)));
}

/**
 * Round-trip time in milliseconds from a report block received at `arrivalNtpMiddle32` (our clock,
 * middle 32 bits) with its LSR and DLSR (RFC 3550 §6.4.1: A - LSR - DLSR). Undefined when LSR is 0
 * (no SR received yet) or the result is negative (clock glitch).
 *
 * @example
 * const rtt = rttMs(ntpMiddle32(ntpFromUnixMs(clock.wallNow())), block.lastSr, block.delaySinceLastSr);
 */
export function rttMs(
  arrivalNtpMiddle32: number,
  lastSr: number,
  delaySinceLastSr: number,
): number | undefined {
  if (lastSr === 0) return undefined;
  const units = (arrivalNtpMiddle32 - lastSr - delaySinceLastSr) | 0; // modulo 2^32, signed
  if (units < 0) return undefined;
  return (units * 1000) / 65536;
}
