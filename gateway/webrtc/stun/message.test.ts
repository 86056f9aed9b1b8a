import fc from 'fast-check';
import t from 'tap';
import {
  AttrType,
  decodeStun,
  encodeStun,
  isStun,
  newTransactionId,
  shortTermKey,
  StunError,
  StunMethod,
  verifyIntegrity,
  type StunMessage,
} from './index.ts';

const ipv4 = fc.ipV4();
const ipv6 = fc.ipV6();
const addrArb = fc.oneof(
  fc.record({
    address: ipv4,
    port: fc.integer({ min: 0, max: 65535 }),
    family: fc.constant('IPv4' as const),
  }),
  fc.record({
    address: ipv6,
    port: fc.integer({ min: 0, max: 65535 }),
    family: fc.constant('IPv6' as const),
  }),
);
const text = (max: number) => fc.string({ unit: 'grapheme', maxLength: max });
const u64 = fc.bigInt({ min: 0n, max: 0xffffffffffffffffn });
const attrsArb = fc.record(
  {
    software: text(40),
    mappedAddress: addrArb,
    xorMappedAddress: addrArb,
    errorCode: fc.record({ code: fc.integer({ min: 300, max: 699 }), reason: text(30) }),
    unknownAttributes: fc.array(fc.integer({ min: 0, max: 0xffff }), { maxLength: 6 }),
    priority: fc.integer({ min: 0, max: 0xffffffff }),
    useCandidate: fc.constant(true),
    iceControlled: u64,
    iceControlling: u64,
    username: text(60),
    nonce: text(40),
    realm: text(40),
  },
  { requiredKeys: [] },
);
// Unknown attribute types: outside those the codec knows and the three trailing ones.
const known = new Set<number>(Object.values(AttrType));
const rawArb = fc.record({
  type: fc.integer({ min: 0, max: 0xffff }).filter((x) => !known.has(x)),
  value: fc.uint8Array({ maxLength: 24 }),
});
const msgArb: fc.Arbitrary<StunMessage> = fc.record({
  cls: fc.constantFrom('request', 'indication', 'success', 'error' as const),
  method: fc.integer({ min: 0, max: 0xfff }),
  transactionId: fc.uint8Array({ minLength: 12, maxLength: 12 }),
  attrs: attrsArb,
  unknown: fc.array(rawArb, { maxLength: 3 }),
});

/** IPv6 literals come back in RFC 5952 form, so compare through one more round trip. */
function normalise(m: StunMessage): unknown {
  const d = decodeStun(encodeStun(m));
  return {
    cls: d.cls,
    method: d.method,
    tid: [...d.transactionId],
    attrs: d.attrs,
    unknown: d.unknown ?? [],
  };
}

t.test('decode(encode(m)) equals m, with and without integrity and fingerprint', async (t) => {
  fc.assert(
    fc.property(msgArb, fc.boolean(), fc.boolean(), (m, mi, fp) => {
      const key = shortTermKey('pw');
      const bytes = encodeStun(m, { integrityKey: mi ? key : undefined, fingerprint: fp });
      if (m.method < 0x100 && !isStun(bytes)) return false; // RFC 7983 range covers methods < 0x100
      const d = decodeStun(bytes);
      const again = encodeStun(d, { integrityKey: mi ? key : undefined, fingerprint: fp });
      if (Buffer.compare(again, bytes) !== 0) return false;
      if (mi !== verifyIntegrity(d, key) || fp !== d.fingerprint) return false;
      const want = normalise(m) as { attrs: unknown };
      t.same(
        { cls: d.cls, method: d.method, tid: [...d.transactionId], attrs: d.attrs, unknown: d.unknown ?? [] },
        want,
      );
      const unknownRequired = (m.unknown ?? []).filter((u) => u.type < 0x8000).map((u) => u.type);
      return JSON.stringify(d.unknownRequired) === JSON.stringify(unknownRequired);
    }),
    { numRuns: 300 },
  );
});

t.test('known values decode as written', async (t) => {
  const m: StunMessage = {
    cls: 'error',
    method: StunMethod.Binding,
    transactionId: newTransactionId(),
    attrs: {
      errorCode: { code: 487, reason: 'Role Conflict' },
      xorMappedAddress: { address: '::ffff:10.0.0.1', port: 9, family: 'IPv6' },
      mappedAddress: { address: 'fe80::1', port: 1, family: 'IPv6' },
      unknownAttributes: [0x1234],
    },
  };
  const d = decodeStun(encodeStun(m));
  t.same(d.attrs.errorCode, { code: 487, reason: 'Role Conflict' });
  t.equal(d.attrs.xorMappedAddress?.address, '::ffff:a00:1');
  t.equal(d.attrs.mappedAddress?.address, 'fe80::1');
  t.equal(d.cls, 'error');
});

t.test('MESSAGE-INTEGRITY-SHA256 is verified, and preferred over SHA-1', async (t) => {
  const k = shortTermKey('secret');
  const m: StunMessage = {
    cls: 'request',
    method: 1,
    transactionId: newTransactionId(),
    attrs: { username: 'a:b' },
  };
  const both = decodeStun(encodeStun(m, { integrityKey: k, integritySha256Key: k, fingerprint: true }));
  t.ok(both.integritySha256);
  t.ok(verifyIntegrity(both, k));
  // SHA-1 under the right key but SHA-256 under a wrong key: SHA-256 decides.
  const mixed = decodeStun(encodeStun(m, { integrityKey: k, integritySha256Key: shortTermKey('x') }));
  t.notOk(verifyIntegrity(mixed, k));
  const err = t.throws(() => decodeStun(mixed.raw, { integrityKey: k })) as StunError;
  t.equal(err.code, 'STUN_BAD_INTEGRITY');
  t.notOk(verifyIntegrity(decodeStun(encodeStun(m)), k), 'no integrity attribute: not verified');
});

t.test('attributes after MESSAGE-INTEGRITY are ignored, after FINGERPRINT rejected', async (t) => {
  const k = shortTermKey('k');
  const base = encodeStun(
    { cls: 'request', method: 1, transactionId: newTransactionId(), attrs: { username: 'u:v' } },
    { integrityKey: k },
  );
  // Append a SOFTWARE attribute after MESSAGE-INTEGRITY and fix the length.
  const extra = new Uint8Array([0x80, 0x22, 0x00, 0x04, 0x41, 0x42, 0x43, 0x44]);
  const grown = new Uint8Array(base.length + 8);
  grown.set(base);
  grown.set(extra, base.length);
  grown[3] = grown.length - 20;
  const d = decodeStun(grown);
  t.equal(d.attrs.software, undefined);
  t.ok(verifyIntegrity(d, k));

  const fp = encodeStun(
    { cls: 'request', method: 1, transactionId: newTransactionId(), attrs: {} },
    { fingerprint: true },
  );
  const after = new Uint8Array(fp.length + 8);
  after.set(fp);
  after.set(extra, fp.length);
  after[3] = after.length - 20;
  const err = t.throws(() => decodeStun(after)) as StunError;
  t.equal(err.code, 'STUN_BAD_ATTRIBUTE');
  t.equal(err.offset, fp.length);
});

t.test('a bad FINGERPRINT is reported with its offset', async (t) => {
  const b = encodeStun(
    { cls: 'indication', method: 1, transactionId: newTransactionId(), attrs: {} },
    { fingerprint: true },
  );
  b[b.length - 1] = (b[b.length - 1] as number) ^ 0xff;
  const err = t.throws(() => decodeStun(b)) as StunError;
  t.equal(err.code, 'STUN_BAD_FINGERPRINT');
  t.equal(err.offset, b.length - 4);
});

t.test('every truncation of a valid message is rejected with a typed error', async (t) => {
  const full = encodeStun(
    {
      cls: 'request',
      method: 1,
      transactionId: newTransactionId(),
      attrs: { username: 'abcd:efgh', priority: 7, iceControlling: 5n, useCandidate: true, software: 'x' },
    },
    { integrityKey: shortTermKey('p'), fingerprint: true },
  );
  for (let n = 0; n < full.length; n++) {
    const cut = full.subarray(0, n);
    t.notOk(isStun(cut), `isStun false at ${n}`);
    const err = t.throws(() => decodeStun(cut), `len ${n}`) as StunError;
    t.ok(err instanceof StunError);
    t.ok(['STUN_TRUNCATED', 'STUN_BAD_LENGTH'].includes(err.code), `${n}: ${err.code}`);
  }
  // A truncated message whose length field was patched to match: still rejected (attribute cut).
  const patched = full.slice(0, 30);
  patched[2] = 0;
  patched[3] = 4;
  const e2 = t.throws(() => decodeStun(patched.subarray(0, 24))) as StunError;
  t.equal(e2.code, 'STUN_TRUNCATED');
  t.equal(e2.offset, 20);
});

t.test('garbage never throws anything but StunError', async (t) => {
  fc.assert(
    fc.property(fc.uint8Array({ maxLength: 120 }), fc.boolean(), (junk, dress) => {
      const b = junk.slice();
      if (dress && b.length >= 20) {
        // Make it pass the header checks so the attribute walker sees the junk.
        b[0] = (b[0] as number) & 0x3f;
        b.set([0x21, 0x12, 0xa4, 0x42], 4);
        const len = (b.length - 20) & ~3;
        b[2] = len >> 8;
        b[3] = len & 0xff;
      }
      try {
        decodeStun(
          dress && b.length >= 20 ? b.subarray(0, 20 + (((b[2] as number) << 8) | (b[3] as number))) : b,
        );
      } catch (e) {
        if (!(e instanceof StunError)) throw e;
      }
      return true;
    }),
    { numRuns: 2000 },
  );
  t.pass();
});

t.test('unknown comprehension-required attributes are reported, optional ones kept', async (t) => {
  const m: StunMessage = {
    cls: 'request',
    method: 1,
    transactionId: newTransactionId(),
    attrs: {},
    unknown: [
      { type: 0x7fff, value: new Uint8Array([1]) },
      { type: 0xc001, value: new Uint8Array([2, 3]) },
    ],
  };
  const d = decodeStun(encodeStun(m));
  t.same(d.unknownRequired, [0x7fff]);
  t.equal(d.unknown?.length, 2);
});

t.test('header checks', async (t) => {
  const ok = encodeStun({ cls: 'request', method: 1, transactionId: newTransactionId(), attrs: {} });
  const code = (b: Uint8Array) => (t.throws(() => decodeStun(b)) as StunError).code;
  const top = ok.slice();
  top[0] = 0x40;
  t.equal(code(top), 'STUN_NOT_STUN');
  const cookie = ok.slice();
  cookie[5] = 0;
  t.equal(code(cookie), 'STUN_NOT_STUN');
  const odd = ok.slice();
  odd[3] = 2;
  t.equal(code(odd), 'STUN_BAD_LENGTH');
  const trailing = new Uint8Array(ok.length + 4);
  trailing.set(ok);
  t.equal(code(trailing), 'STUN_BAD_LENGTH');
  t.notOk(isStun(trailing));
  t.ok(isStun(ok));
  t.notOk(isStun(new Uint8Array([0x16, 0xfe, 0xfd, ...new Array<number>(30).fill(0)])), 'DTLS is not STUN');
});

t.test('encode refuses bad values', async (t) => {
  const m = (attrs: StunMessage['attrs']): StunMessage => ({
    cls: 'request',
    method: 1,
    transactionId: newTransactionId(),
    attrs,
  });
  const code = (x: StunMessage) => (t.throws(() => encodeStun(x)) as StunError).code;
  t.equal(code(m({ priority: -1 })), 'STUN_ENCODE');
  t.equal(code(m({ errorCode: { code: 200, reason: '' } })), 'STUN_ENCODE');
  t.equal(code(m({ xorMappedAddress: { address: 'nope', port: 1, family: 'IPv4' } })), 'STUN_ENCODE');
  t.equal(code(m({ username: 'x'.repeat(513) })), 'STUN_ENCODE');
  t.equal(code({ ...m({}), transactionId: new Uint8Array(3) }), 'STUN_ENCODE');
  t.equal(code({ ...m({}), method: 0x1000 }), 'STUN_ENCODE');
});

t.test('decoding a Node Buffer view (as from a UDP socket) works and never mutates it', async (t) => {
  const k = shortTermKey('secret');
  const bytes = encodeStun(
    {
      cls: 'success',
      method: 1,
      transactionId: newTransactionId(),
      attrs: { xorMappedAddress: { address: '2001:db8::7', port: 5000, family: 'IPv6' }, software: 'x' },
    },
    { integrityKey: k, integritySha256Key: k, fingerprint: true },
  );
  const buf = Buffer.concat([Buffer.alloc(5), Buffer.from(bytes)]).subarray(5);
  const before = Buffer.from(buf);
  const d = decodeStun(buf, { integrityKey: k });
  t.ok(verifyIntegrity(d, k));
  t.equal(d.attrs.xorMappedAddress?.address, '2001:db8::7');
  t.same(Buffer.compare(buf, before), 0, 'input untouched');
});
