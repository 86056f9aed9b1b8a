/**
 * Every wire codec: decode(encode(x)) equals x (fast-check), and hostile bytes (every truncation of a
 * valid encoding, random garbage) only ever raise the module's own DtlsParseError.
 */
import fc from 'fast-check';
import t from 'tap';
import { decodeAlert, encodeAlert } from './alert.ts';
import { decodeCertificateMessage, encodeCertificateMessage } from './certificate-message.ts';
import { decodeCertificateRequest, encodeCertificateRequest } from './certificate-request.ts';
import { decodeCertificateVerify, encodeCertificateVerify } from './certificate-verify.ts';
import { decodeClientHello, encodeClientHello } from './client-hello.ts';
import { decodeClientKeyExchange, encodeClientKeyExchange } from './client-key-exchange.ts';
import { DtlsParseError } from './errors.ts';
import {
  decodeEcPointFormats,
  decodeExtensions,
  decodeSignatureAlgorithms,
  decodeSupportedGroups,
  decodeUseSrtp,
  encodeEcPointFormats,
  encodeSignatureAlgorithms,
  encodeSupportedGroups,
  encodeUseSrtp,
  writeExtensions,
} from './extension.ts';
import { ByteWriter } from './byte-writer.ts';
import { decodeFinished, encodeFinished } from './finished.ts';
import { decodeHandshakeFragment, encodeHandshakeFragment } from './handshake-header.ts';
import { decodeHelloVerifyRequest, encodeHelloVerifyRequest } from './hello-verify-request.ts';
import { decodeRecord, encodeRecord, splitRecords } from './record.ts';
import { decodeServerHello, encodeServerHello } from './server-hello.ts';
import { decodeServerKeyExchange, encodeServerKeyExchange } from './server-key-exchange.ts';

const bytes = (min: number, max: number) =>
  fc.uint8Array({ minLength: min, maxLength: max }).map((b) => new Uint8Array(b));
const u16 = fc.integer({ min: 0, max: 0xffff });
const u8 = fc.integer({ min: 0, max: 0xff });
const ext = fc.record({ type: u16, data: bytes(0, 40) });
const exts = fc.option(fc.array(ext, { maxLength: 6 }), { nil: undefined });

interface Codec<T> {
  name: string;
  arb: fc.Arbitrary<T>;
  encode: (v: T) => Uint8Array;
  decode: (b: Uint8Array) => T;
}
const codec = <T>(c: Codec<T>): Codec<unknown> => c as Codec<unknown>;

const codecs: Codec<unknown>[] = [
  codec({
    name: 'record',
    arb: fc.record({
      type: u8,
      version: u16,
      epoch: u16,
      seq: fc.integer({ min: 0, max: 2 ** 48 - 1 }),
      fragment: bytes(0, 300),
    }),
    encode: encodeRecord,
    decode: (b) => {
      const { record, size } = decodeRecord(b);
      if (size !== b.length) throw new DtlsParseError('record', 'trailing', size);
      return record;
    },
  }),
  codec({
    name: 'handshake fragment',
    arb: fc
      .record({
        msgType: u8,
        messageSeq: u16,
        fragment: bytes(0, 200),
        extra: fc.integer({ min: 0, max: 1000 }),
      })
      .chain((r) =>
        fc.integer({ min: 0, max: r.extra }).map((off) => ({
          msgType: r.msgType,
          messageSeq: r.messageSeq,
          length: r.fragment.length + r.extra,
          fragmentOffset: off,
          fragment: r.fragment,
        })),
      ),
    encode: encodeHandshakeFragment,
    decode: (b) => decodeHandshakeFragment(b).frag,
  }),
  codec({
    name: 'ClientHello',
    arb: fc.record({
      version: u16,
      random: bytes(32, 32),
      sessionId: bytes(0, 32),
      cookie: bytes(0, 255),
      cipherSuites: fc.array(u16, { minLength: 1, maxLength: 20 }),
      compressionMethods: fc.array(u8, { minLength: 1, maxLength: 4 }),
      extensions: exts,
    }),
    encode: encodeClientHello,
    decode: decodeClientHello,
  }),
  codec({
    name: 'HelloVerifyRequest',
    arb: fc.record({ version: u16, cookie: bytes(0, 255) }),
    encode: encodeHelloVerifyRequest,
    decode: decodeHelloVerifyRequest,
  }),
  codec({
    name: 'ServerHello',
    arb: fc.record({
      version: u16,
      random: bytes(32, 32),
      sessionId: bytes(0, 32),
      cipherSuite: u16,
      compressionMethod: u8,
      extensions: exts,
    }),
    encode: encodeServerHello,
    decode: decodeServerHello,
  }),
  codec({
    name: 'Certificate',
    arb: fc.record({ certificates: fc.array(bytes(1, 300), { maxLength: 4 }) }),
    encode: encodeCertificateMessage,
    decode: decodeCertificateMessage,
  }),
  codec({
    name: 'ServerKeyExchange',
    arb: fc.record({
      namedCurve: u16,
      publicKey: bytes(1, 97),
      signatureScheme: u16,
      signature: bytes(0, 140),
    }),
    encode: encodeServerKeyExchange,
    decode: decodeServerKeyExchange,
  }),
  codec({
    name: 'CertificateRequest',
    arb: fc.record({
      certificateTypes: fc.array(u8, { minLength: 1, maxLength: 5 }),
      signatureSchemes: fc.array(u16, { maxLength: 12 }),
      authorities: bytes(0, 50),
    }),
    encode: encodeCertificateRequest,
    decode: decodeCertificateRequest,
  }),
  codec({
    name: 'ClientKeyExchange',
    arb: fc.record({ publicKey: bytes(1, 255) }),
    encode: encodeClientKeyExchange,
    decode: decodeClientKeyExchange,
  }),
  codec({
    name: 'CertificateVerify',
    arb: fc.record({ signatureScheme: u16, signature: bytes(0, 300) }),
    encode: encodeCertificateVerify,
    decode: decodeCertificateVerify,
  }),
  codec({
    name: 'Finished',
    arb: fc.record({ verifyData: bytes(12, 12) }),
    encode: encodeFinished,
    decode: decodeFinished,
  }),
  codec({
    name: 'Alert',
    arb: fc.record({ level: u8, description: u8 }),
    encode: encodeAlert,
    decode: decodeAlert,
  }),
  codec({
    name: 'extensions block',
    arb: fc.array(ext, { maxLength: 8 }),
    encode: (e) => {
      const w = new ByteWriter();
      writeExtensions(w, e);
      return w.finish().subarray(2);
    },
    decode: decodeExtensions,
  }),
  codec({
    name: 'use_srtp',
    arb: fc.record({ profiles: fc.array(u16, { minLength: 1, maxLength: 8 }), mki: bytes(0, 20) }),
    encode: (v) => encodeUseSrtp(v).data,
    decode: decodeUseSrtp,
  }),
  codec({
    name: 'supported_groups',
    arb: fc.array(u16, { minLength: 1, maxLength: 10 }),
    encode: (v) => encodeSupportedGroups(v).data,
    decode: decodeSupportedGroups,
  }),
  codec({
    name: 'signature_algorithms',
    arb: fc.array(u16, { minLength: 1, maxLength: 10 }),
    encode: (v) => encodeSignatureAlgorithms(v).data,
    decode: decodeSignatureAlgorithms,
  }),
  codec({
    name: 'ec_point_formats',
    arb: fc.array(u8, { minLength: 1, maxLength: 4 }),
    encode: (v) => encodeEcPointFormats(v).data,
    decode: decodeEcPointFormats,
  }),
];

/** Runs `fn`; only DtlsParseError may escape it. */
function onlyParseErrors(fn: () => unknown): boolean {
  try {
    fn();
    return true;
  } catch (err) {
    return err instanceof DtlsParseError;
  }
}

for (const c of codecs) {
  t.test(`${c.name}: decode(encode(x)) = x`, async (t) => {
    fc.assert(
      fc.property(c.arb, (v) => {
        const enc = c.encode(v);
        t.same(c.decode(enc), v);
        t.same(c.encode(c.decode(enc)), enc);
      }),
      { numRuns: 200 },
    );
  });

  t.test(`${c.name}: every truncation and garbage raise only DtlsParseError`, async (t) => {
    fc.assert(
      fc.property(c.arb, (v) => {
        const enc = c.encode(v);
        for (let n = 0; n < enc.length; n++) {
          if (!onlyParseErrors(() => c.decode(enc.subarray(0, n)))) return false;
        }
        return true;
      }),
      { numRuns: 100 },
    );
    fc.assert(
      fc.property(bytes(0, 400), (g) => onlyParseErrors(() => c.decode(g))),
      { numRuns: 300 },
    );
    t.pass();
  });
}

t.test('splitRecords walks several records and stops at a malformed one', async (t) => {
  const r1 = encodeRecord({ type: 22, version: 0xfefd, epoch: 0, seq: 1, fragment: new Uint8Array([1, 2]) });
  const r2 = encodeRecord({ type: 23, version: 0xfefd, epoch: 1, seq: 2, fragment: new Uint8Array([3]) });
  const d = new Uint8Array([...r1, ...r2, 22, 0xfe, 0xfd, 0]); // then a truncated header
  const { records, malformed } = splitRecords(d);
  t.equal(records.length, 2);
  t.same(records[1]?.fragment, new Uint8Array([3]));
  t.ok(malformed instanceof DtlsParseError);
  t.equal(malformed?.what, 'record');
  // A length field that claims more than is there.
  const bad = new Uint8Array([...r1]);
  bad[12] = 200;
  t.equal(splitRecords(bad).records.length, 0);
  fc.assert(fc.property(bytes(0, 500), (g) => onlyParseErrors(() => splitRecords(g))));
});

t.test('over-long record length is refused (RFC 5246 §6.2.3)', async (t) => {
  const h = new Uint8Array(13 + 20000);
  h[0] = 23;
  new DataView(h.buffer).setUint16(11, 2 ** 14 + 2049);
  t.throws(() => decodeRecord(h), DtlsParseError);
});
