import t from 'tap';
import { supportedCipherSuites } from './cipher-suite.ts';
import { RecordProtection } from './record-protection.ts';

t.test('every suite: seal/open round trip; any change fails authentication', async (t) => {
  t.ok(
    supportedCipherSuites.some((s) => s.id === 0xc02b),
    'AES_128_GCM is always there',
  );
  for (const s of supportedCipherSuites) {
    const key = new Uint8Array(s.keyLength).fill(7);
    const iv = new Uint8Array(s.fixedIvLength).fill(9);
    const p = new RecordProtection(s, key, iv);
    const pt = new TextEncoder().encode('application data for ' + s.name);
    const sealed = p.seal(1, 42, 23, pt);
    t.equal(sealed.length, pt.length + p.overhead, `${s.name} overhead ${p.overhead}`);
    t.same(p.open(1, 42, 23, sealed), pt);
    t.equal(p.open(1, 43, 23, sealed), undefined, 'other sequence number (AAD / nonce)');
    t.equal(p.open(2, 42, 23, sealed), undefined, 'other epoch');
    t.equal(p.open(1, 42, 22, sealed), undefined, 'other content type');
    for (let i = 0; i < sealed.length; i++) {
      const bad = Uint8Array.from(sealed);
      bad[i] = (bad[i] ?? 0) ^ 1;
      if (p.open(1, 42, 23, bad) !== undefined) t.fail(`${s.name}: flipped byte ${i} accepted`);
    }
    t.equal(p.open(1, 42, 23, sealed.subarray(0, p.overhead - 1)), undefined, 'too short');
    t.same(p.open(1, 42, 23, p.seal(1, 42, 23, new Uint8Array(0))), new Uint8Array(0), 'empty record');
  }
});

t.test(
  'AES-GCM nonce: 4-byte salt from the key block + 8-byte explicit epoch||seq (RFC 5288 §3)',
  async (t) => {
    const s = supportedCipherSuites.find((x) => x.id === 0xc02b);
    if (!s) return t.fail('no 0xC02B');
    const p = new RecordProtection(s, new Uint8Array(16), new Uint8Array(4));
    const sealed = p.seal(1, 0x0102030405, 23, new Uint8Array(3));
    t.same(sealed.subarray(0, 8), new Uint8Array([0, 1, 0, 0x01, 0x02, 0x03, 0x04, 0x05]));
  },
);
