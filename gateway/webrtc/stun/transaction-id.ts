import { randomBytes } from 'node:crypto';

/** Length of a STUN transaction ID in bytes (RFC 8489 §5). */
export const TRANSACTION_ID_LENGTH = 12;

/**
 * A new transaction ID: 96 bits, uniformly random from a CSPRNG, as RFC 8489 §5 requires so an
 * off-path attacker cannot forge responses.
 *
 * @example
 * const tid = newTransactionId(); // Uint8Array(12)
 */
export function newTransactionId(): Uint8Array {
  return new Uint8Array(randomBytes(TRANSACTION_ID_LENGTH));
}

/** A map key for a transaction ID (24 lowercase hex digits). */
export function transactionKey(tid: Uint8Array): string {
  return Buffer.from(tid.buffer, tid.byteOffset, tid.byteLength).toString('hex');
}
