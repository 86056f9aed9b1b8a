import { randomBytes } from 'node:crypto';
import { shortTermKey } from '../stun/index.ts';
import { IceError } from './errors.ts';

/** ice-char = ALPHA / DIGIT / "+" / "/" (RFC 8839 §5.4). */
const ICE_CHARS = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/';

function randomIceChars(n: number): string {
  const b = randomBytes(n);
  let s = '';
  for (let i = 0; i < n; i++) s += ICE_CHARS[(b[i] as number) & 63];
  return s;
}

/** Local ICE credentials (RFC 8445 §5.3): ufrag >= 24 bits of randomness, pwd >= 128 bits. */
export interface IceCredentials {
  readonly ufrag: string;
  readonly pwd: string;
}

/**
 * New random credentials: an 8-character ufrag (48 bits) and a 24-character password (144 bits),
 * both from `node:crypto`.
 */
export function generateCredentials(): IceCredentials {
  return { ufrag: randomIceChars(8), pwd: randomIceChars(24) };
}

const UFRAG = /^[A-Za-z0-9+/]{4,256}$/;
const PWD = /^[A-Za-z0-9+/]{22,256}$/;

/** Checks caller-supplied local credentials against RFC 8839 §5.4 (ufrag 4-256, pwd 22-256 ice-chars). */
export function checkCredentials(c: IceCredentials): IceCredentials {
  if (!UFRAG.test(c.ufrag)) throw new IceError('ICE_BAD_CONFIG', 'ice-ufrag must be 4-256 ice-chars');
  if (!PWD.test(c.pwd)) throw new IceError('ICE_BAD_CONFIG', 'ice-pwd must be 22-256 ice-chars');
  return c;
}

/**
 * Both sides' short-term credentials during a session (RFC 8445 §7.2.2): our checks carry USERNAME
 * `remote:local` and are keyed with the peer's password; checks we answer must use ours (§7.3).
 * An ICE restart (§9) replaces both.
 */
export class SessionCredentials {
  private localCreds: IceCredentials;
  private localKeyValue: Uint8Array;
  private remoteUfragValue: string | undefined;
  private remoteKeyValue: Uint8Array | undefined;

  constructor(local: IceCredentials) {
    this.localCreds = checkCredentials(local);
    this.localKeyValue = shortTermKey(this.localCreds.pwd);
  }

  get local(): IceCredentials {
    return this.localCreds;
  }

  get localKey(): Uint8Array {
    return this.localKeyValue;
  }

  get remoteUfrag(): string | undefined {
    return this.remoteUfragValue;
  }

  /** The peer's key, once its credentials are known. */
  get remoteKey(): Uint8Array | undefined {
    return this.remoteKeyValue;
  }

  setLocal(c: IceCredentials): void {
    this.localCreds = checkCredentials(c);
    this.localKeyValue = shortTermKey(this.localCreds.pwd);
  }

  setRemote(ufrag: string, pwd: string): void {
    this.remoteUfragValue = ufrag;
    this.remoteKeyValue = shortTermKey(pwd);
  }

  /** USERNAME and key of a check we send; undefined before the peer's credentials are known. */
  requestAuth(): { username: string; key: Uint8Array } | undefined {
    if (this.remoteUfragValue === undefined || !this.remoteKeyValue) return undefined;
    return { username: `${this.remoteUfragValue}:${this.localCreds.ufrag}`, key: this.remoteKeyValue };
  }
}
