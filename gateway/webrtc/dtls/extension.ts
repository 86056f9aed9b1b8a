import { ByteReader } from './byte-reader.ts';
import { ByteWriter } from './byte-writer.ts';

/**
 * Hello extensions (RFC 5246 §7.4.1.4). Unknown ones are kept as raw bytes and skipped by the
 * handshake, as the RFC requires.
 *
 *   struct {
 *       ExtensionType extension_type;   // uint16
 *       opaque extension_data<0..2^16-1>;
 *   } Extension;
 *
 *    0                   1                   2                   3
 *    0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1
 *   +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 *   |        extension_type         |     extension_data length     |
 *   +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 *   |  extension_data ...
 */
export interface Extension {
  type: number;
  data: Uint8Array;
}

export const ExtensionType = {
  supportedGroups: 10,
  ecPointFormats: 11,
  signatureAlgorithms: 13,
  useSrtp: 14,
  extendedMasterSecret: 23,
  supportedVersions: 43,
  renegotiationInfo: 0xff01,
} as const;

/** NamedGroup (RFC 8422 §5.1.1). */
export const NamedGroup = { secp256r1: 23, secp384r1: 24, x25519: 29 } as const;

/** SignatureScheme values (RFC 8446 §4.2.3; in TLS 1.2 terms hash byte || signature byte, RFC 5246 §7.4.1.4.1). */
export const SignatureScheme = {
  rsa_pkcs1_sha256: 0x0401,
  ecdsa_secp256r1_sha256: 0x0403,
  rsa_pkcs1_sha384: 0x0501,
  ecdsa_secp384r1_sha384: 0x0503,
  rsa_pss_rsae_sha256: 0x0804,
  rsa_pss_rsae_sha384: 0x0805,
  rsa_pss_pss_sha256: 0x0809,
} as const;

/** SRTPProtectionProfile (RFC 5764 §4.1.2, RFC 7714 §14.2). */
export const SrtpProfile = {
  SRTP_AES128_CM_HMAC_SHA1_80: 0x0001,
  SRTP_AES128_CM_HMAC_SHA1_32: 0x0002,
  SRTP_AEAD_AES_128_GCM: 0x0007,
  SRTP_AEAD_AES_256_GCM: 0x0008,
} as const;

export function decodeExtensions(buf: Uint8Array): Extension[] {
  const r = new ByteReader(buf, 'extensions');
  const out: Extension[] = [];
  while (r.remaining > 0) out.push({ type: r.u16(), data: r.vec16() });
  return out;
}

export function writeExtensions(w: ByteWriter, exts: readonly Extension[]): void {
  const inner = new ByteWriter();
  for (const e of exts) inner.u16(e.type).vec16(e.data);
  w.vec16(inner.finish());
}

export function findExtension(exts: readonly Extension[] | undefined, type: number): Extension | undefined {
  return exts?.find((e) => e.type === type);
}

/** supported_groups: NamedGroup named_group_list<2..2^16-1> (RFC 8422 §5.1.1). */
export function encodeSupportedGroups(groups: readonly number[]): Extension {
  return { type: ExtensionType.supportedGroups, data: new ByteWriter().u16List(groups, 2).finish() };
}
export function decodeSupportedGroups(data: Uint8Array): number[] {
  const r = new ByteReader(data, 'supported_groups');
  const v = r.u16List(2, 2);
  r.end();
  return v;
}

/** ec_point_formats: ECPointFormat ec_point_format_list<1..2^8-1>; 0 = uncompressed (RFC 8422 §5.1.2). */
export function encodeEcPointFormats(formats: readonly number[] = [0]): Extension {
  return {
    type: ExtensionType.ecPointFormats,
    data: new ByteWriter().vec8(Uint8Array.from(formats)).finish(),
  };
}
export function decodeEcPointFormats(data: Uint8Array): number[] {
  const r = new ByteReader(data, 'ec_point_formats');
  const v = [...r.vec8(1)];
  r.end();
  return v;
}

/** signature_algorithms: SignatureAndHashAlgorithm supported_signature_algorithms<2..2^16-2> (RFC 5246 §7.4.1.4.1). */
export function encodeSignatureAlgorithms(schemes: readonly number[]): Extension {
  return { type: ExtensionType.signatureAlgorithms, data: new ByteWriter().u16List(schemes, 2).finish() };
}
export function decodeSignatureAlgorithms(data: Uint8Array): number[] {
  const r = new ByteReader(data, 'signature_algorithms');
  const v = r.u16List(2, 2);
  r.end();
  return v;
}

/**
 * use_srtp (RFC 5764 §4.1.1):
 *
 *   uint8 SRTPProtectionProfile[2];
 *   struct {
 *      SRTPProtectionProfiles SRTPProtectionProfiles;   // <2..2^16-1>
 *      opaque srtp_mki<0..255>;
 *   } UseSRTPData;
 */
export interface UseSrtp {
  profiles: number[];
  mki: Uint8Array;
}
export function encodeUseSrtp(v: UseSrtp): Extension {
  return { type: ExtensionType.useSrtp, data: new ByteWriter().u16List(v.profiles, 2).vec8(v.mki).finish() };
}
export function decodeUseSrtp(data: Uint8Array): UseSrtp {
  const r = new ByteReader(data, 'use_srtp');
  const profiles = r.u16List(2, 2);
  const mki = r.vec8();
  r.end();
  return { profiles, mki };
}

/** extended_master_secret: empty extension_data (RFC 7627 §5.1). */
export function encodeExtendedMasterSecret(): Extension {
  return { type: ExtensionType.extendedMasterSecret, data: new Uint8Array(0) };
}

/** renegotiation_info for an initial handshake: renegotiated_connection<0..255> empty = one zero byte (RFC 5746 §3.2). */
export function encodeRenegotiationInfo(): Extension {
  return { type: ExtensionType.renegotiationInfo, data: Uint8Array.of(0) };
}
