/** The fixed magic cookie of every RFC 5389/8489 message (RFC 8489 §5). */
export const MAGIC_COOKIE = 0x2112a442;

/** Size of the fixed STUN header in bytes (RFC 8489 §5). */
export const HEADER_LENGTH = 20;

/** STUN methods used by this stack (RFC 8489 §18.2; TURN methods are registered by RFC 8656). */
export const StunMethod = {
  Binding: 0x001,
} as const;

/**
 * Attribute types (RFC 8489 §18.3, RFC 8445 §16.1). Types 0x0000-0x7FFF are comprehension-required:
 * a receiver that does not understand one must reject the message (a request with 420); types
 * 0x8000-0xFFFF are comprehension-optional and may be ignored (RFC 8489 §14).
 */
export const AttrType = {
  MappedAddress: 0x0001,
  Username: 0x0006,
  MessageIntegrity: 0x0008,
  ErrorCode: 0x0009,
  UnknownAttributes: 0x000a,
  Realm: 0x0014,
  Nonce: 0x0015,
  MessageIntegritySha256: 0x001c,
  XorMappedAddress: 0x0020,
  Priority: 0x0024,
  UseCandidate: 0x0025,
  Software: 0x8022,
  Fingerprint: 0x8028,
  IceControlled: 0x8029,
  IceControlling: 0x802a,
} as const;

/** True for attribute types a receiver must understand (RFC 8489 §14: 0x0000-0x7FFF). */
export function isComprehensionRequired(type: number): boolean {
  return type < 0x8000;
}
