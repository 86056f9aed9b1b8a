/**
 * Interop with werift's DTLS (an independent TypeScript implementation) over loopback UDP: our
 * server against werift's client and our client against werift's server. Both sides must agree on
 * the SRTP profile and the exported DTLS-SRTP keying material, see each other's certificate, and
 * pass application data both ways.
 */
import dgram from 'node:dgram';
import { once } from 'node:events';
import t from 'tap';
import { CipherContext, DtlsClient, DtlsServer } from 'werift';
import { addr, systemClock } from '../transport/index.ts';
import {
  dtlsClient,
  dtlsServer,
  fingerprint,
  generateCertificate,
  SrtpProfile,
  type DtlsConn,
} from './index.ts';
import { LoopbackUdpConn, weriftTransport } from './test-helpers.ts';

async function bind(): Promise<dgram.Socket> {
  const s = dgram.createSocket('udp4');
  s.bind(0, '127.0.0.1');
  await once(s, 'listening');
  return s;
}

const SRTP_LEN = 2 * (16 + 12); // AEAD_AES_128_GCM: 16-byte keys, 12-byte salts (RFC 7714 §12)
const enc = new TextEncoder();

async function weriftCert(signature: 1 | 3) {
  return CipherContext.createSelfSignedCertificateWithKey({ hash: 4, signature }, 23);
}

function pemToDer(pem: string): Uint8Array {
  return new Uint8Array(Buffer.from(pem.replace(/-----[^-]+-----/g, '').replace(/\s+/g, ''), 'base64'));
}

async function pair(): Promise<[dgram.Socket, dgram.Socket]> {
  return [await bind(), await bind()];
}

for (const [label, sig] of [
  ['ECDSA', 3],
  ['RSA', 1],
] as const) {
  t.test(`our server <- werift client (${label} client certificate)`, async (t) => {
    const [ourSock, theirSock] = await pair();
    const ours = await generateCertificate(systemClock);
    const theirs = await weriftCert(sig);
    const conn = new LoopbackUdpConn(ourSock, addr('127.0.0.1', theirSock.address().port));
    const client = new DtlsClient({
      transport: weriftTransport(theirSock, ourSock.address().port),
      cert: theirs.certPem,
      key: theirs.keyPem,
      signatureHash: theirs.signatureHash,
      srtpProfiles: [SrtpProfile.SRTP_AEAD_AES_128_GCM, SrtpProfile.SRTP_AES128_CM_HMAC_SHA1_80],
      extendedMasterSecret: true,
    });
    const serverP = dtlsServer(conn, {
      certificate: ours,
      remoteFingerprint: fingerprint(pemToDer(theirs.certPem)),
      handshakeTimeoutMs: 10_000,
    });
    const weriftConnected = new Promise<void>((r) => client.onConnect.once(() => r()));
    void client.connect();
    const server: DtlsConn = await serverP;
    await weriftConnected;
    t.teardown(() => {
      server.close();
      client.close();
    });

    t.equal(server.cipherSuite, 'TLS_ECDHE_ECDSA_WITH_AES_128_GCM_SHA256');
    t.equal(server.selectedSrtpProfile, SrtpProfile.SRTP_AEAD_AES_128_GCM);
    t.equal(client.srtp.srtpProfile, SrtpProfile.SRTP_AEAD_AES_128_GCM);
    t.ok(server.extendedMasterSecret, 'werift offered EMS and we used it');
    t.same(
      Buffer.from(server.exportKeyingMaterial('EXTRACTOR-dtls_srtp', undefined, SRTP_LEN)),
      client.exportKeyingMaterial('EXTRACTOR-dtls_srtp', SRTP_LEN),
      'same DTLS-SRTP keying material',
    );
    t.same(new Uint8Array(client.remoteCertificate ?? []), ours.der, 'werift saw our certificate');
    t.equal(server.remoteFingerprint, fingerprint(pemToDer(theirs.certPem)));

    const got = new Promise<string>((r) => server.onData((d) => r(Buffer.from(d).toString())));
    await client.send(Buffer.from('from werift'));
    t.equal(await got, 'from werift');
    const back = new Promise<string>((r) => client.onData.once((d) => r(d.toString())));
    server.send(enc.encode('from us'));
    t.equal(await back, 'from us');
  });
}

for (const [label, sig, suite] of [
  ['ECDSA', 3, 'TLS_ECDHE_ECDSA_WITH_AES_128_GCM_SHA256'],
  ['RSA', 1, 'TLS_ECDHE_RSA_WITH_AES_128_GCM_SHA256'],
] as const)
  t.test(`our client -> werift server (${label} server certificate)`, async (t) => {
    const [ourSock, theirSock] = await pair();
    const ours = await generateCertificate(systemClock);
    const theirs = await weriftCert(sig);
    const conn = new LoopbackUdpConn(ourSock, addr('127.0.0.1', theirSock.address().port));
    const server = new DtlsServer({
      transport: weriftTransport(theirSock, ourSock.address().port),
      cert: theirs.certPem,
      key: theirs.keyPem,
      signatureHash: theirs.signatureHash,
      srtpProfiles: [SrtpProfile.SRTP_AES128_CM_HMAC_SHA1_80, SrtpProfile.SRTP_AEAD_AES_128_GCM],
      certificateRequest: true,
      extendedMasterSecret: true,
    });
    const weriftConnected = new Promise<void>((r) => server.onConnect.once(() => r()));
    const client = await dtlsClient(conn, {
      certificate: ours,
      remoteFingerprint: fingerprint(pemToDer(theirs.certPem)),
      handshakeTimeoutMs: 10_000,
    });
    await weriftConnected;
    t.teardown(() => {
      client.close();
      server.close();
    });
    t.equal(client.cipherSuite, suite);
    t.ok(client.selectedSrtpProfile !== undefined, `SRTP profile ${client.selectedSrtpProfile}`);
    t.equal(client.selectedSrtpProfile, server.srtp.srtpProfile);
    t.same(
      Buffer.from(client.exportKeyingMaterial('EXTRACTOR-dtls_srtp', undefined, SRTP_LEN)),
      server.exportKeyingMaterial('EXTRACTOR-dtls_srtp', SRTP_LEN),
      'same DTLS-SRTP keying material',
    );
    t.same(new Uint8Array(server.remoteCertificate ?? []), ours.der, 'werift saw our client certificate');

    const got = new Promise<string>((r) => client.onData((d) => r(Buffer.from(d).toString())));
    await server.send(Buffer.from('from werift'));
    t.equal(await got, 'from werift');
    const back = new Promise<string>((r) => server.onData.once((d) => r(d.toString())));
    client.send(enc.encode('from us'));
    t.equal(await back, 'from us');
  });
