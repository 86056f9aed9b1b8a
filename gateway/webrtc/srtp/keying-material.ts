import { SrtpBadKeyError } from './errors.ts';
import { srtpProfile } from './profiles.ts';

/** RFC 5764 §4.2: the TLS exporter label that yields SRTP keying material. */
export const DTLS_SRTP_EXPORTER_LABEL = 'EXTRACTOR-dtls_srtp';

/** One direction's master key and salt. */
export interface SrtpMasterKeys {
  readonly masterKey: Uint8Array;
  readonly masterSalt: Uint8Array;
}

/** Both directions of a DTLS-SRTP association, named by DTLS role and by our point of view. */
export interface SrtpKeyPair {
  /** Keys the DTLS client protects with (and the server unprotects with). */
  readonly client: SrtpMasterKeys;
  /** Keys the DTLS server protects with (and the client unprotects with). */
  readonly server: SrtpMasterKeys;
  /** Keys for our outbound context (protect). */
  readonly local: SrtpMasterKeys;
  /** Keys for our inbound context (unprotect). */
  readonly remote: SrtpMasterKeys;
}

/**
 * How many bytes to export from DTLS for a profile: 2 * (key + salt) (RFC 5764 §4.2).
 *
 * @example
 * const material = dtls.exportKeyingMaterial(DTLS_SRTP_EXPORTER_LABEL, keyingMaterialLength(profile));
 */
export function keyingMaterialLength(profile: number): number {
  const p = srtpProfile(profile);
  return 2 * (p.keyLength + p.saltLength);
}

/**
 * Split DTLS-SRTP exported keying material into the two directions (RFC 5764 §4.2):
 *
 * ```
 *   client_write_SRTP_master_key[SRTPSecurityParams.master_key_len];
 *   server_write_SRTP_master_key[SRTPSecurityParams.master_key_len];
 *   client_write_SRTP_master_salt[SRTPSecurityParams.master_salt_len];
 *   server_write_SRTP_master_salt[SRTPSecurityParams.master_salt_len];
 * ```
 *
 * The returned arrays are copies: the caller may wipe `material` afterwards.
 *
 * @example
 * const { local, remote } = splitKeyingMaterial(profile, material, 'server');
 * const tx = new SrtpContext({ profile, ...local });
 * const rx = new SrtpContext({ profile, ...remote });
 */
export function splitKeyingMaterial(
  profile: number,
  material: Uint8Array,
  role: 'client' | 'server',
): SrtpKeyPair {
  const p = srtpProfile(profile);
  const k = p.keyLength;
  const s = p.saltLength;
  if (material.length !== 2 * (k + s)) {
    throw new SrtpBadKeyError(`keying material is ${material.length} bytes, ${p.name} needs ${2 * (k + s)}`);
  }
  const client: SrtpMasterKeys = {
    masterKey: material.slice(0, k),
    masterSalt: material.slice(2 * k, 2 * k + s),
  };
  const server: SrtpMasterKeys = {
    masterKey: material.slice(k, 2 * k),
    masterSalt: material.slice(2 * k + s, 2 * k + 2 * s),
  };
  return role === 'client'
    ? { client, server, local: client, remote: server }
    : { client, server, local: server, remote: client };
}
