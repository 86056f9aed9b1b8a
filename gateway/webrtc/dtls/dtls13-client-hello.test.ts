/**
 * A ClientHello from a DTLS 1.3-capable client (RFC 9147: legacy_version 1.2, supported_versions
 * listing 1.3 and 1.2, key_share, TLS 1.3 suites next to 1.2 ones) must get a DTLS 1.2 ServerHello
 * from us: version {254,253}, a 1.2 suite, no supported_versions, no 1.3 downgrade sentinel.
 */
import t from 'tap';
import { ManualClock } from '../transport/index.ts';
import { ByteWriter } from './byte-writer.ts';
import { encodeClientHello, type ClientHello } from './client-hello.ts';
import { ContentType, DTLS1_2 } from './content-type.ts';
import {
  encodeExtendedMasterSecret,
  encodeSignatureAlgorithms,
  encodeSupportedGroups,
  encodeUseSrtp,
  ExtensionType,
} from './extension.ts';
import { decodeHandshakeFragments, encodeHandshakeFragment, HandshakeType } from './handshake-header.ts';
import { decodeHelloVerifyRequest } from './hello-verify-request.ts';
import { dtlsServer, generateCertificate } from './index.ts';
import { encodeRecord, splitRecords } from './record.ts';
import { decodeServerHello } from './server-hello.ts';
import { testPipe } from './test-helpers.ts';

function helloRecord(ch: ClientHello, messageSeq: number, recordSeq: number): Uint8Array {
  const body = encodeClientHello(ch);
  const hs = encodeHandshakeFragment({
    msgType: HandshakeType.clientHello,
    length: body.length,
    messageSeq,
    fragmentOffset: 0,
    fragment: body,
  });
  return encodeRecord({
    type: ContentType.handshake,
    version: DTLS1_2,
    epoch: 0,
    seq: recordSeq,
    fragment: hs,
  });
}

t.test('DTLS 1.3-capable ClientHello negotiates DTLS 1.2', async (t) => {
  const clock = new ManualClock();
  const [a, b] = testPipe();
  const got: Uint8Array[] = [];
  a.onData((d) => got.push(d));
  const server = dtlsServer(b, {
    certificate: await generateCertificate(clock),
    clock,
    handshakeTimeoutMs: 1000,
  });
  server.catch(() => undefined);

  const ch: ClientHello = {
    version: DTLS1_2,
    random: new Uint8Array(32).fill(0x42),
    sessionId: new Uint8Array(0),
    cookie: new Uint8Array(0),
    cipherSuites: [0x1301, 0x1302, 0x1303, 0xc02b, 0xc02f],
    compressionMethods: [0],
    extensions: [
      { type: ExtensionType.supportedVersions, data: new ByteWriter().u16List([0xfefc, 0xfefd], 1).finish() },
      {
        type: 51,
        data: new ByteWriter()
          .vec16(new ByteWriter().u16(29).vec16(new Uint8Array(32).fill(9)).finish())
          .finish(),
      }, // key_share
      { type: 45, data: Uint8Array.of(1, 1) }, // psk_key_exchange_modes
      encodeSupportedGroups([29, 23]),
      encodeSignatureAlgorithms([0x0403, 0x0804]),
      encodeUseSrtp({ profiles: [0x0007], mki: new Uint8Array(0) }),
      encodeExtendedMasterSecret(),
    ],
  };
  a.send(helloRecord(ch, 0, 0));
  const hvrRec = splitRecords(got.shift() ?? new Uint8Array(0)).records[0];
  const hvrFrag = decodeHandshakeFragments(hvrRec?.fragment ?? new Uint8Array(0))[0];
  t.equal(hvrFrag?.msgType, HandshakeType.helloVerifyRequest);
  const { cookie } = decodeHelloVerifyRequest(hvrFrag?.fragment ?? new Uint8Array(0));

  a.send(helloRecord({ ...ch, cookie }, 1, 1));
  const flight = splitRecords(got.shift() ?? new Uint8Array(0)).records;
  const shFrag = decodeHandshakeFragments(flight[0]?.fragment ?? new Uint8Array(0))[0];
  t.equal(shFrag?.msgType, HandshakeType.serverHello);
  t.equal(shFrag?.messageSeq, 1, 'ServerHello takes the message_seq of the verified ClientHello');
  const sh = decodeServerHello(shFrag?.fragment ?? new Uint8Array(0));
  t.equal(sh.version, DTLS1_2);
  t.equal(sh.cipherSuite, 0xc02b);
  const types = (sh.extensions ?? []).map((e) => e.type);
  t.notOk(types.includes(ExtensionType.supportedVersions), 'no supported_versions in a 1.2 ServerHello');
  t.ok(types.includes(ExtensionType.extendedMasterSecret) && types.includes(ExtensionType.useSrtp));
  t.notSame(
    Buffer.from(sh.random.subarray(24)).toString('latin1').slice(0, 7),
    'DOWNGRD',
    'no TLS 1.3 downgrade sentinel',
  );
  b.close();
});

t.test('a ClientHello that offers only DTLS 1.0 is refused with protocol_version', async (t) => {
  const clock = new ManualClock();
  const [a, b] = testPipe();
  const got: Uint8Array[] = [];
  a.onData((d) => got.push(d));
  const server = dtlsServer(b, { certificate: await generateCertificate(clock), clock, helloVerify: false });
  const ch: ClientHello = {
    version: 0xfeff,
    random: new Uint8Array(32),
    sessionId: new Uint8Array(0),
    cookie: new Uint8Array(0),
    cipherSuites: [0xc02b],
    compressionMethods: [0],
    extensions: undefined,
  };
  a.send(helloRecord(ch, 0, 0));
  await t.rejects(server, { code: 'DTLS_HANDSHAKE_FAILURE', alert: 'protocol_version' });
  const alert = splitRecords(got[0] ?? new Uint8Array(0)).records[0];
  t.equal(alert?.type, ContentType.alert);
  t.same(alert?.fragment, Uint8Array.of(2, 70));
});
