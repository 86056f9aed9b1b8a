import { readFileSync } from 'node:fs';
import t from 'tap';
import { exportKeyingMaterial, keyBlock, prf, verifyData } from './prf.ts';

interface Vector {
  hash: string;
  secret: string;
  label: string;
  seed: string;
  output: string;
}
const vectors = JSON.parse(
  readFileSync(new URL('../../../test/vectors/tls12-prf/prf.json', import.meta.url), 'utf8'),
) as Vector[];
const hex = (s: string): Uint8Array => new Uint8Array(Buffer.from(s, 'hex'));
const toHex = (b: Uint8Array): string => Buffer.from(b).toString('hex');

t.test('PRF matches the published P_SHA256 / P_SHA384 vectors', async (t) => {
  t.equal(vectors.length, 2);
  for (const v of vectors) {
    const out = prf(v.hash, hex(v.secret), v.label, hex(v.seed), v.output.length / 2);
    t.equal(toHex(out), v.output, v.hash);
    // Any prefix length gives the prefix of the stream.
    t.equal(toHex(prf(v.hash, hex(v.secret), v.label, hex(v.seed), 7)), v.output.slice(0, 14));
  }
});

t.test(
  'exporter seed: client_random + server_random [+ uint16 length + context] (RFC 5705 §4)',
  async (t) => {
    const master = new Uint8Array(48).fill(1);
    const cr = new Uint8Array(32).fill(2);
    const sr = new Uint8Array(32).fill(3);
    const seed = new Uint8Array([...cr, ...sr]);
    t.same(
      exportKeyingMaterial('sha256', master, 'EXTRACTOR-dtls_srtp', cr, sr, undefined, 60),
      prf('sha256', master, 'EXTRACTOR-dtls_srtp', seed, 60),
    );
    const ctx = new Uint8Array([9, 9, 9]);
    t.same(
      exportKeyingMaterial('sha256', master, 'x', cr, sr, ctx, 20),
      prf('sha256', master, 'x', new Uint8Array([...seed, 0, 3, ...ctx]), 20),
    );
    // An empty context is not the same as no context.
    t.notSame(
      exportKeyingMaterial('sha256', master, 'x', cr, sr, new Uint8Array(0), 20),
      exportKeyingMaterial('sha256', master, 'x', cr, sr, undefined, 20),
    );
  },
);

t.test('key block splits client key, server key, client IV, server IV (RFC 5246 §6.3)', async (t) => {
  const master = new Uint8Array(48).fill(5);
  const cr = new Uint8Array(32).fill(6);
  const sr = new Uint8Array(32).fill(7);
  const kb = keyBlock('sha256', master, cr, sr, 16, 4);
  const raw = prf('sha256', master, 'key expansion', new Uint8Array([...sr, ...cr]), 40);
  t.same(kb.clientWriteKey, raw.subarray(0, 16));
  t.same(kb.serverWriteKey, raw.subarray(16, 32));
  t.same(kb.clientWriteIv, raw.subarray(32, 36));
  t.same(kb.serverWriteIv, raw.subarray(36, 40));
  t.equal(verifyData('sha256', master, 'client finished', new Uint8Array(32)).length, 12);
});
