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

/*
 * DTLS differs from UDP on close by design: close_notify makes the peer close too (RFC 5246
 * §7.2.1); the suite checks that variant with `closeNotifiesPeer`.
 */
const suite: ConformanceTest = {
  test: (name, fn) => t.test(name, (tt) => fn(tt as unknown as ConformanceTest)),
  ok: t.ok.bind(t),
  equal: t.equal.bind(t),
  same: t.same.bind(t),
};

datagramConnConformance(
  suite,
  'DtlsConn over createPipe',
  async () => {
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
  },
  { closeNotifiesPeer: true },
);
