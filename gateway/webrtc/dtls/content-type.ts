/**
 * Record content types (RFC 5246 §6.2.1, RFC 6347 §4.1).
 *
 *   enum { change_cipher_spec(20), alert(21), handshake(22), application_data(23), (255) } ContentType;
 */
export const ContentType = {
  changeCipherSpec: 20,
  alert: 21,
  handshake: 22,
  applicationData: 23,
} as const;
export type ContentType = (typeof ContentType)[keyof typeof ContentType];

export function isContentType(v: number): v is ContentType {
  return v >= 20 && v <= 23;
}

/** DTLS 1.2 on the wire is {254, 253} (RFC 6347 §4.1); DTLS 1.0 is {254, 255}. */
export const DTLS1_2 = 0xfefd;
export const DTLS1_0 = 0xfeff;
