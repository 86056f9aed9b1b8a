import {
  createECDH,
  createPublicKey,
  diffieHellman,
  generateKeyPairSync,
  type ECDH,
  type KeyObject,
} from 'node:crypto';
import { DtlsHandshakeError } from './errors.ts';
import { NamedGroup } from './extension.ts';

/**
 * Ephemeral ECDH for ECDHE key exchange (RFC 8422 §5.10), with node:crypto: X25519 (RFC 7748,
 * 32-byte public values) and secp256r1 (uncompressed points, 65 bytes, RFC 8422 §5.4.1).
 */
export interface EphemeralKey {
  readonly group: number;
  readonly publicKey: Uint8Array;
  /** The premaster secret from the peer's public value; a bad point is an illegal_parameter. */
  deriveSecret(peer: Uint8Array): Uint8Array;
}

/** Groups we can do, in preference order. */
export const supportedGroups: readonly number[] = [NamedGroup.x25519, NamedGroup.secp256r1];

export function generateEphemeralKey(group: number): EphemeralKey {
  if (group === NamedGroup.x25519) return new X25519Key();
  if (group === NamedGroup.secp256r1) return new P256Key();
  throw new DtlsHandshakeError('illegal_parameter', `unsupported named group ${group}`);
}

class X25519Key implements EphemeralKey {
  readonly group = NamedGroup.x25519;
  readonly publicKey: Uint8Array;
  private readonly priv: KeyObject;

  constructor() {
    const { publicKey, privateKey } = generateKeyPairSync('x25519');
    this.priv = privateKey;
    const jwk = publicKey.export({ format: 'jwk' });
    this.publicKey = new Uint8Array(Buffer.from(jwk.x ?? '', 'base64url'));
  }

  deriveSecret(peer: Uint8Array): Uint8Array {
    if (peer.length !== 32)
      throw new DtlsHandshakeError('illegal_parameter', `X25519 public value of ${peer.length} bytes`);
    try {
      const pub = createPublicKey({
        key: { kty: 'OKP', crv: 'X25519', x: Buffer.from(peer).toString('base64url') },
        format: 'jwk',
      });
      return new Uint8Array(diffieHellman({ privateKey: this.priv, publicKey: pub }));
    } catch (cause) {
      throw new DtlsHandshakeError('illegal_parameter', 'bad X25519 public value', { cause });
    }
  }
}

class P256Key implements EphemeralKey {
  readonly group = NamedGroup.secp256r1;
  readonly publicKey: Uint8Array;
  private readonly ecdh: ECDH;

  constructor() {
    this.ecdh = createECDH('prime256v1');
    this.publicKey = new Uint8Array(this.ecdh.generateKeys());
  }

  deriveSecret(peer: Uint8Array): Uint8Array {
    // Only uncompressed points: ec_point_formats is [uncompressed] (RFC 8422 §5.1.2).
    if (peer.length !== 65 || peer[0] !== 4) {
      throw new DtlsHandshakeError(
        'illegal_parameter',
        'secp256r1 public value is not an uncompressed point',
      );
    }
    try {
      return new Uint8Array(this.ecdh.computeSecret(peer));
    } catch (cause) {
      throw new DtlsHandshakeError('illegal_parameter', 'secp256r1 point not on the curve', { cause });
    }
  }
}
