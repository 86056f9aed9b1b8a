import { createHmac, randomBytes, timingSafeEqual } from 'node:crypto';
import { encodeClientHello, type ClientHello } from './client-hello.ts';

/**
 * Stateless HelloVerifyRequest cookies (RFC 6347 §4.2.1):
 *
 *   Cookie = HMAC(Secret, Client-IP, Client-Parameters)
 *
 * The client parameters are the ClientHello with an empty cookie, so a retransmitted ClientHello
 * (same random, §4.2.1 "MUST use the same parameter values") gets the same cookie and the server
 * keeps no state until the client proves it can receive at its address.
 */
export class CookieJar {
  private readonly secret: Uint8Array;

  constructor(secret?: Uint8Array) {
    this.secret = secret ?? new Uint8Array(randomBytes(32));
  }

  make(clientAddr: string, hello: ClientHello): Uint8Array {
    const h = createHmac('sha256', this.secret);
    h.update(clientAddr);
    h.update(encodeClientHello({ ...hello, cookie: new Uint8Array(0) }));
    return new Uint8Array(h.digest()).subarray(0, 20);
  }

  verify(clientAddr: string, hello: ClientHello): boolean {
    if (hello.cookie.length !== 20) return false;
    return timingSafeEqual(this.make(clientAddr, hello), hello.cookie);
  }
}
