import { timingSafeEqual, type KeyObject } from 'node:crypto';
import { concatBytes } from './byte-writer.ts';
import { publicKeyOf } from './certificate.ts';
import type { CipherSuiteInfo } from './cipher-suite.ts';
import { DtlsFingerprintMismatchError, DtlsHandshakeError } from './errors.ts';
import { fingerprint, fingerprintMatches } from './fingerprint.ts';
import {
  digest,
  exportKeyingMaterial,
  extendedMasterSecret,
  keyBlock,
  masterSecret,
  verifyData,
  type KeyBlock,
} from './prf.ts';

/**
 * The security parameters one handshake builds up (RFC 5246 §6.1, RFC 7627), and the transcript of
 * handshake messages that Finished, CertificateVerify and the extended master secret cover.
 */
export class Session {
  clientRandom: Uint8Array = new Uint8Array(32);
  serverRandom: Uint8Array = new Uint8Array(32);
  suite: CipherSuiteInfo | undefined;
  extendedMasterSecret = false;
  master: Uint8Array | undefined;
  srtpProfile: number | undefined;
  /** The ECDHE group (NamedGroup) of the key exchange. */
  group: number | undefined;
  remoteCertificate: Uint8Array | undefined;
  remoteKey: KeyObject | undefined;
  private transcript: Uint8Array[] = [];

  /**
   * Handshake messages in their unfragmented DTLS form (12-byte header with fragment_offset 0 and
   * fragment_length = length), RFC 6347 §4.2.6. The first ClientHello and the HelloVerifyRequest
   * are not included: callers reset the transcript when the cookie exchange happens.
   */
  addTranscript(message: Uint8Array): void {
    this.transcript.push(message);
  }

  resetTranscript(): void {
    this.transcript = [];
  }

  transcriptBytes(): Uint8Array {
    return concatBytes(...this.transcript);
  }

  transcriptHash(): Uint8Array {
    return digest(this.hash, this.transcriptBytes());
  }

  private get hash(): string {
    if (!this.suite) throw new DtlsHandshakeError('internal_error', 'no cipher suite negotiated');
    return this.suite.hash;
  }

  /** Derives the master secret: EMS (RFC 7627 §4, hash of the transcript through ClientKeyExchange) or RFC 5246 §8.1. */
  deriveMaster(preMaster: Uint8Array): void {
    this.master = this.extendedMasterSecret
      ? extendedMasterSecret(this.hash, preMaster, this.transcriptHash())
      : masterSecret(this.hash, preMaster, this.clientRandom, this.serverRandom);
  }

  private get masterSecret(): Uint8Array {
    if (!this.master) throw new DtlsHandshakeError('internal_error', 'no master secret yet');
    return this.master;
  }

  keys(): KeyBlock {
    const s = this.suite;
    if (!s) throw new DtlsHandshakeError('internal_error', 'no cipher suite negotiated');
    return keyBlock(
      s.hash,
      this.masterSecret,
      this.clientRandom,
      this.serverRandom,
      s.keyLength,
      s.fixedIvLength,
    );
  }

  verifyData(label: 'client finished' | 'server finished'): Uint8Array {
    return verifyData(this.hash, this.masterSecret, label, this.transcriptHash());
  }

  checkVerifyData(label: 'client finished' | 'server finished', got: Uint8Array): void {
    const want = this.verifyData(label);
    if (got.length !== want.length || !timingSafeEqual(got, want)) {
      throw new DtlsHandshakeError('decrypt_error', `${label} verify_data does not match`, {
        code: 'DTLS_BAD_FINISHED',
      });
    }
  }

  exportKeyingMaterial(label: string, context: Uint8Array | undefined, length: number): Uint8Array {
    return exportKeyingMaterial(
      this.hash,
      this.masterSecret,
      label,
      this.clientRandom,
      this.serverRandom,
      context,
      length,
    );
  }

  /**
   * Takes the peer's Certificate message: its first certificate must parse and, when fingerprints
   * were signalled, match one of them (RFC 8122 §5, RFC 8827 §6.5).
   */
  acceptRemoteCertificate(certs: Uint8Array[], expected: readonly string[]): void {
    const leaf = certs[0];
    if (!leaf) {
      throw new DtlsHandshakeError('bad_certificate', 'peer sent no certificate', {
        code: 'DTLS_NO_CERTIFICATE',
      });
    }
    const key = publicKeyOf(leaf);
    if (!key)
      throw new DtlsHandshakeError('bad_certificate', 'peer certificate does not parse', {
        code: 'DTLS_BAD_CERTIFICATE',
      });
    if (expected.length > 0 && !expected.some((e) => fingerprintMatches(leaf, e))) {
      throw new DtlsFingerprintMismatchError(
        expected.join(', '),
        fingerprint(leaf, expected[0]?.split(' ')[0] ?? 'sha-256'),
      );
    }
    this.remoteCertificate = Uint8Array.from(leaf);
    this.remoteKey = key;
  }
}
