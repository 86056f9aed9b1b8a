import { SrtpUnsupportedProfileError } from './errors.ts';

/** RFC 5764 §4.1.2: SRTP_AES128_CM_HMAC_SHA1_80 = {0x00, 0x01}. */
export const SRTP_AES128_CM_HMAC_SHA1_80 = 0x0001;
/** RFC 5764 §4.1.2: SRTP_AES128_CM_HMAC_SHA1_32 = {0x00, 0x02} (32-bit SRTP tag; SRTCP keeps 80 bits). */
export const SRTP_AES128_CM_HMAC_SHA1_32 = 0x0002;
/** RFC 7714 §14.2: SRTP_AEAD_AES_128_GCM = {0x00, 0x07}. */
export const SRTP_AEAD_AES_128_GCM = 0x0007;
/** RFC 7714 §14.2: SRTP_AEAD_AES_256_GCM = {0x00, 0x08}. */
export const SRTP_AEAD_AES_256_GCM = 0x0008;

/** A DTLS-SRTP protection profile id this module implements. */
export type SrtpProfileId =
  | typeof SRTP_AES128_CM_HMAC_SHA1_80
  | typeof SRTP_AES128_CM_HMAC_SHA1_32
  | typeof SRTP_AEAD_AES_128_GCM
  | typeof SRTP_AEAD_AES_256_GCM;

/** The transform parameters of one protection profile (RFC 5764 §4.1.2, RFC 7714 §14.2). */
export interface SrtpProfile {
  readonly id: SrtpProfileId;
  readonly name: string;
  /** Master (and session) encryption key length in bytes. */
  readonly keyLength: number;
  /** Master (and session) salt length in bytes: 14 for AES-CM, 12 for GCM. */
  readonly saltLength: number;
  /** True for the AEAD (GCM) profiles: no separate auth key, the tag comes from GCM. */
  readonly aead: boolean;
  /** Authentication tag length appended to SRTP packets. */
  readonly rtpTagLength: number;
  /** Authentication tag length appended to SRTCP packets. */
  readonly rtcpTagLength: number;
  /** Session authentication key length (HMAC-SHA1: 160 bits), 0 for AEAD. */
  readonly authKeyLength: number;
}

const PROFILES: ReadonlyMap<number, SrtpProfile> = new Map<number, SrtpProfile>([
  [
    SRTP_AES128_CM_HMAC_SHA1_80,
    {
      id: SRTP_AES128_CM_HMAC_SHA1_80,
      name: 'SRTP_AES128_CM_HMAC_SHA1_80',
      keyLength: 16,
      saltLength: 14,
      aead: false,
      rtpTagLength: 10,
      rtcpTagLength: 10,
      authKeyLength: 20,
    },
  ],
  [
    SRTP_AES128_CM_HMAC_SHA1_32,
    {
      id: SRTP_AES128_CM_HMAC_SHA1_32,
      name: 'SRTP_AES128_CM_HMAC_SHA1_32',
      keyLength: 16,
      saltLength: 14,
      aead: false,
      rtpTagLength: 4,
      // RFC 5764 §4.1.2: "SRTCP ... auth_tag_length: 80 bits" for both _80 and _32.
      rtcpTagLength: 10,
      authKeyLength: 20,
    },
  ],
  [
    SRTP_AEAD_AES_128_GCM,
    {
      id: SRTP_AEAD_AES_128_GCM,
      name: 'SRTP_AEAD_AES_128_GCM',
      keyLength: 16,
      saltLength: 12,
      aead: true,
      rtpTagLength: 16,
      rtcpTagLength: 16,
      authKeyLength: 0,
    },
  ],
  [
    SRTP_AEAD_AES_256_GCM,
    {
      id: SRTP_AEAD_AES_256_GCM,
      name: 'SRTP_AEAD_AES_256_GCM',
      keyLength: 32,
      saltLength: 12,
      aead: true,
      rtpTagLength: 16,
      rtcpTagLength: 16,
      authKeyLength: 0,
    },
  ],
]);

/**
 * The parameters of a protection profile, by its DTLS-SRTP id.
 *
 * @example
 * const p = srtpProfile(SRTP_AEAD_AES_128_GCM); // { keyLength: 16, saltLength: 12, rtpTagLength: 16, ... }
 * @throws SrtpUnsupportedProfileError for an id not in this module.
 */
export function srtpProfile(id: number): SrtpProfile {
  const p = PROFILES.get(id);
  if (p === undefined) throw new SrtpUnsupportedProfileError(id);
  return p;
}

/**
 * The ids this module implements, cheapest per packet first on Node (bench/srtp.ts: AES-CM with
 * batched keystream and one-shot SHA-1 beats GCM, which needs a new cipher object per packet).
 * A DTLS-SRTP server picking from a client's list may use this order or its own policy.
 */
export const SUPPORTED_SRTP_PROFILES: readonly SrtpProfileId[] = [
  SRTP_AES128_CM_HMAC_SHA1_80,
  SRTP_AEAD_AES_128_GCM,
  SRTP_AEAD_AES_256_GCM,
  SRTP_AES128_CM_HMAC_SHA1_32,
];
