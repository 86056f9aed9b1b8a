import { systemClock, type DatagramConn } from '../transport/index.ts';
import { DtlsConn } from './dtls-conn.ts';
import { resolveOptions, type DtlsOptions } from './options.ts';

/**
 * Runs the client side of a DTLS 1.2 handshake over `conn` and resolves with the connected
 * {@link DtlsConn}. Rejects with a DtlsError subclass (`code` says why); the conn is closed then.
 *
 * @example
 * const cert = await generateCertificate(systemClock);
 * const dtls = await dtlsClient(iceConn, { certificate: cert, remoteFingerprint: remoteSdpFingerprint });
 * const keys = dtls.exportKeyingMaterial('EXTRACTOR-dtls_srtp', undefined, 56);
 */
export function dtlsClient(conn: DatagramConn, opts: DtlsOptions): Promise<DtlsConn> {
  return new DtlsConn(conn, true, resolveOptions(opts, systemClock)).start();
}

/**
 * Runs the server side: waits for a ClientHello on `conn`, answers with a cookie exchange and the
 * handshake (requesting the client's certificate), resolves when the client's Finished verified.
 *
 * @example
 * const dtls = await dtlsServer(iceConn, { certificate: cert, remoteFingerprint });
 * dtls.onData((d) => sctp.receive(d));
 */
export function dtlsServer(conn: DatagramConn, opts: DtlsOptions): Promise<DtlsConn> {
  return new DtlsConn(conn, false, resolveOptions(opts, systemClock)).start();
}
