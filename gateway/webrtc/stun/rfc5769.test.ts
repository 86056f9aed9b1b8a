import { readFileSync } from 'node:fs';
import t from 'tap';
import { decodeStun, encodeStun, longTermKey, shortTermKey, StunError, verifyIntegrity } from './index.ts';

const dir = new URL('../../../test/vectors/rfc5769/', import.meta.url);
function vector(name: string): Uint8Array {
  const text = readFileSync(new URL(name, dir), 'utf8')
    .split('\n')
    .filter((l) => !l.startsWith('#'))
    .join(' ');
  return new Uint8Array(Buffer.from(text.replace(/\s+/g, ''), 'hex'));
}
const pwd = shortTermKey('VOkJxbRl1RmTxUk/WvJxBt');
const tid = new Uint8Array(Buffer.from('b7e7a701bc34d686fa87dfae', 'hex'));

t.test('§2.1 sample request', async (t) => {
  const raw = vector('sample-request.hex');
  t.equal(raw.length, 108);
  const m = decodeStun(raw, { integrityKey: pwd });
  t.equal(m.cls, 'request');
  t.equal(m.method, 1);
  t.same(m.transactionId, tid);
  t.same(m.attrs, {
    software: 'STUN test client',
    priority: 0x6e0001ff,
    iceControlled: 0x932ff9b151263b36n,
    username: 'evtj:h6vY',
  });
  t.ok(m.fingerprint);
  t.same(m.unknownRequired, []);
  t.notOk(verifyIntegrity(m, shortTermKey('wrong')));
  t.same(encodeStun(m, { integrityKey: pwd, fingerprint: true, padByte: 0x20 }), raw, 'byte-exact re-encode');
});

t.test('§2.2 sample IPv4 response', async (t) => {
  const raw = vector('sample-ipv4-response.hex');
  const m = decodeStun(raw, { integrityKey: pwd });
  t.equal(m.cls, 'success');
  t.same(m.attrs, {
    software: 'test vector',
    xorMappedAddress: { address: '192.0.2.1', port: 32853, family: 'IPv4' },
  });
  t.same(encodeStun(m, { integrityKey: pwd, fingerprint: true, padByte: 0x20 }), raw);
});

t.test('§2.3 sample IPv6 response', async (t) => {
  const raw = vector('sample-ipv6-response.hex');
  const m = decodeStun(raw, { integrityKey: pwd });
  t.same(m.attrs.xorMappedAddress, {
    address: '2001:db8:1234:5678:11:2233:4455:6677',
    port: 32853,
    family: 'IPv6',
  });
  t.same(encodeStun(m, { integrityKey: pwd, fingerprint: true, padByte: 0x20 }), raw);
});

t.test('§2.4 sample request with long-term authentication', async (t) => {
  const raw = vector('sample-long-term-request.hex');
  const user = '\u30de\u30c8\u30ea\u30c3\u30af\u30b9';
  const key = longTermKey(user, 'example.org', 'TheMatrIX');
  const m = decodeStun(raw, { integrityKey: key });
  t.same(m.attrs, { username: user, nonce: 'f//499k954d6OL34oL9FSTvy64sA', realm: 'example.org' });
  t.notOk(m.fingerprint);
  t.same(encodeStun(m, { integrityKey: key }), raw);
});

t.test('a flipped bit anywhere in a vector is caught', async (t) => {
  const raw = vector('sample-request.hex');
  let caught = 0;
  for (let i = 0; i < raw.length; i++) {
    const bad = raw.slice();
    bad[i] = (bad[i] as number) ^ 0x01;
    try {
      const m = decodeStun(bad);
      // Accepted only if a later check refuses it: the HMAC covers everything before it. A flip in
      // FINGERPRINT's type turns it into an unknown attribute after MESSAGE-INTEGRITY, which RFC 8489
      // §14.5 says to ignore: the message stays authentic, it just has no fingerprint any more.
      if (!verifyIntegrity(m, pwd)) caught++;
      else if (i >= 100 && i < 102 && !m.fingerprint) caught++;
    } catch (e) {
      t.ok(e instanceof StunError, `byte ${i}`);
      caught++;
    }
  }
  t.equal(caught, raw.length);
});
