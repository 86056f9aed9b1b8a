/**
 * A connected DtlsConn is a DatagramConn: it runs transport's shared conformance suite (send and
 * receive both ways, sizes up to one record, close semantics) over a synchronous pipe.
 */
import t from 'tap';
import {
  createPipe,
  datagramConnConformance,
  systemClock,
  type ConformanceTest,
} from '../transport/index.ts';
import { dtlsClient, dtlsServer, generateCertificate, type DtlsCertificate } from './index.ts';

let certs: [DtlsCertificate, DtlsCertificate];
t.before(async () => {
  certs = [await generateCertificate(systemClock), await generateCertificate(systemClock)];
});

/**
 * One check assumes UDP's silence on close. DTLS differs on purpose: closing sends close_notify and
 * the peer closes too (RFC 5246 §7.2.1), which dtls-conn.test.ts checks. That check is skipped here,
 * by name, and only that one.
 */
const DTLS_CLOSE_DIFFERS = 'a closed conn receives nothing; its peer can still send';
const suite: ConformanceTest = {
  test: (name, fn) =>
    name.endsWith(DTLS_CLOSE_DIFFERS)
      ? t.test(name, { skip: 'DTLS close_notify closes the peer (RFC 5246 §7.2.1)' }, () => undefined)
      : t.test(name, (tt) => fn(tt as unknown as ConformanceTest)),
  ok: t.ok.bind(t),
  equal: t.equal.bind(t),
  same: t.same.bind(t),
};

datagramConnConformance(suite, 'DtlsConn over createPipe', async () => {
  const [x, y] = createPipe();
  const server = dtlsServer(y, { certificate: certs[1] });
  const client = dtlsClient(x, { certificate: certs[0] });
  const [a, b] = await Promise.all([client, server]);
  return {
    a,
    b,
    // One DTLS record carries at most 2^14 bytes of application data (RFC 5246 §6.2.1).
    maxDatagram: 2 ** 14,
    ordered: true,
    settle: async () => undefined,
  };
});
