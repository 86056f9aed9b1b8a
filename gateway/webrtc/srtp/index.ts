/**
 * SRTP and SRTCP (RFC 3711, RFC 7714) for DTLS-SRTP (RFC 5764). A leaf module: it takes keys and
 * packets, never a DTLS object or a conn.
 *
 * @example
 * import { SrtpContext, splitKeyingMaterial, keyingMaterialLength, SRTP_AEAD_AES_128_GCM } from '../srtp/index.ts';
 * const { local, remote } = splitKeyingMaterial(SRTP_AEAD_AES_128_GCM, material, 'server');
 * const tx = new SrtpContext({ profile: SRTP_AEAD_AES_128_GCM, ...local });
 * const rx = new SrtpContext({ profile: SRTP_AEAD_AES_128_GCM, ...remote });
 */
export { SrtpContext } from './srtp-context.ts';
export type { SrtpContextOptions, SrtpContextStats } from './srtp-context.ts';
export {
  SRTP_AES128_CM_HMAC_SHA1_80,
  SRTP_AES128_CM_HMAC_SHA1_32,
  SRTP_AEAD_AES_128_GCM,
  SRTP_AEAD_AES_256_GCM,
  SUPPORTED_SRTP_PROFILES,
  srtpProfile,
} from './profiles.ts';
export type { SrtpProfile, SrtpProfileId } from './profiles.ts';
export { DTLS_SRTP_EXPORTER_LABEL, keyingMaterialLength, splitKeyingMaterial } from './keying-material.ts';
export type { SrtpKeyPair, SrtpMasterKeys } from './keying-material.ts';
export { deriveSessionKeys, srtpKdf, SrtpLabel } from './key-derivation.ts';
export type { SrtpSessionKeys } from './key-derivation.ts';
export {
  SrtpError,
  SrtpAuthError,
  SrtpReplayError,
  SrtpTruncatedError,
  SrtpBadHeaderError,
  SrtpBadKeyError,
  SrtpUnsupportedProfileError,
  SrtpOutputTooSmallError,
  SrtpIndexExhaustedError,
  SrtpClosedError,
  SrtpSsrcLimitError,
} from './errors.ts';
export type { SrtpErrorCode } from './errors.ts';
