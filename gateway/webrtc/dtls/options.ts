import type { Clock } from '../transport/index.ts';
import type { DtlsCertificate } from './certificate.ts';
import { supportedCipherSuites } from './cipher-suite.ts';
import { SrtpProfile } from './extension.ts';
import { supportedGroups } from './key-exchange.ts';

/** A minimal structured logger (pino-compatible shape); protocol modules never print. */
export interface DtlsLogger {
  debug(obj: Record<string, unknown>, msg: string): void;
  warn(obj: Record<string, unknown>, msg: string): void;
}

/**
 * Options for {@link dtlsClient} and {@link dtlsServer}.
 *
 * @example
 * const cert = await generateCertificate(systemClock);
 * const conn = await dtlsServer(iceConn, { certificate: cert, remoteFingerprint: 'sha-256 AB:…' });
 */
export interface DtlsOptions {
  /** Our identity; its fingerprint goes into our SDP. */
  certificate: DtlsCertificate;
  /** Time source; default systemClock. */
  clock?: Clock;
  /** Fingerprint(s) from the remote SDP (`'sha-256 AB:…'`). If set, the peer's certificate must match one. */
  remoteFingerprint?: string | readonly string[];
  /** SRTP protection profiles to offer / accept, in preference order (RFC 5764 §4.1.2). Empty: no use_srtp. */
  srtpProfiles?: readonly number[];
  /** Cipher suite ids in preference order; default every suite this build supports (0xC02B first). */
  cipherSuites?: readonly number[];
  /** ECDHE groups in preference order; default x25519, secp256r1. */
  groups?: readonly number[];
  /** Largest datagram we send (handshake flights are fragmented to fit). Default 1200. */
  mtu?: number;
  /** Fail with DtlsHandshakeTimeoutError if the handshake takes longer. Default 30 000 ms. */
  handshakeTimeoutMs?: number;
  /** First retransmission timeout (RFC 6347 §4.2.4.1 suggests 1 s), doubling up to `retransmitMaxMs` (60 s). */
  retransmitInitialMs?: number;
  retransmitMaxMs?: number;
  signal?: AbortSignal;
  logger?: DtlsLogger;
  /** Server: send a HelloVerifyRequest cookie exchange first (default true). */
  helloVerify?: boolean;
  /** Server: HMAC secret for cookies (default random per conn). Share it to make cookies stateless across conns. */
  cookieSecret?: Uint8Array;
  /** Server: ask for and require a client certificate (default true: WebRTC authenticates both ends). */
  requireClientCertificate?: boolean;
  /** Refuse peers without extended_master_secret (RFC 7627 §5.2). Default false. */
  requireExtendedMasterSecret?: boolean;
}

export type ResolvedOptions = Required<
  Omit<DtlsOptions, 'signal' | 'logger' | 'cookieSecret' | 'remoteFingerprint' | 'clock'>
> & {
  clock: Clock;
  remoteFingerprints: readonly string[];
  signal: AbortSignal | undefined;
  logger: DtlsLogger | undefined;
  cookieSecret: Uint8Array | undefined;
};

export const defaultSrtpProfiles: readonly number[] = [
  SrtpProfile.SRTP_AEAD_AES_128_GCM,
  SrtpProfile.SRTP_AES128_CM_HMAC_SHA1_80,
];

export function resolveOptions(o: DtlsOptions, defaultClock: Clock): ResolvedOptions {
  const rf = o.remoteFingerprint;
  return {
    certificate: o.certificate,
    clock: o.clock ?? defaultClock,
    remoteFingerprints: rf === undefined ? [] : typeof rf === 'string' ? [rf] : [...rf],
    srtpProfiles: o.srtpProfiles ?? defaultSrtpProfiles,
    cipherSuites: (o.cipherSuites ?? supportedCipherSuites.map((s) => s.id)).filter((id) =>
      supportedCipherSuites.some((s) => s.id === id),
    ),
    groups: (o.groups ?? supportedGroups).filter((g) => supportedGroups.includes(g)),
    mtu: Math.max(128, o.mtu ?? 1200),
    handshakeTimeoutMs: o.handshakeTimeoutMs ?? 30_000,
    retransmitInitialMs: o.retransmitInitialMs ?? 1000,
    retransmitMaxMs: o.retransmitMaxMs ?? 60_000,
    signal: o.signal,
    logger: o.logger,
    helloVerify: o.helloVerify ?? true,
    cookieSecret: o.cookieSecret,
    requireClientCertificate: o.requireClientCertificate ?? true,
    requireExtendedMasterSecret: o.requireExtendedMasterSecret ?? false,
  };
}
