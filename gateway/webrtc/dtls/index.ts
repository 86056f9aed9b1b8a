/**
 * DTLS 1.2 (RFC 6347 on RFC 5246) for WebRTC: client and server handshakes with ECDHE-ECDSA and
 * AEAD suites, use_srtp (RFC 5764), extended master secret (RFC 7627), RFC 5705 exporter, and a
 * DatagramConn for application data once connected.
 */
export { dtlsClient, dtlsServer } from './dtls.ts';
export { DtlsConn, type DtlsConnState } from './dtls-conn.ts';
export type { DtlsOptions, DtlsLogger } from './options.ts';
export type { DtlsStats } from './stats.ts';
export {
  generateCertificate,
  certificateFromPem,
  type DtlsCertificate,
  type GenerateCertificateOptions,
} from './certificate.ts';
export { fingerprint, fingerprintMatches } from './fingerprint.ts';
export { SrtpProfile, NamedGroup, SignatureScheme } from './extension.ts';
export {
  supportedCipherSuites,
  TLS_ECDHE_ECDSA_WITH_AES_128_GCM_SHA256,
  TLS_ECDHE_ECDSA_WITH_AES_256_GCM_SHA384,
  TLS_ECDHE_ECDSA_WITH_CHACHA20_POLY1305_SHA256,
  TLS_ECDHE_RSA_WITH_AES_128_GCM_SHA256,
  TLS_ECDHE_RSA_WITH_AES_256_GCM_SHA384,
  TLS_ECDHE_RSA_WITH_CHACHA20_POLY1305_SHA256,
  type CipherSuiteInfo,
} from './cipher-suite.ts';
export { AlertDescriptions } from './alert.ts';
export {
  DtlsError,
  DtlsParseError,
  DtlsHandshakeError,
  DtlsFingerprintMismatchError,
  DtlsAlertError,
  DtlsHandshakeTimeoutError,
  DtlsStateError,
  DtlsAbortedError,
  DtlsClosedError,
} from './errors.ts';
