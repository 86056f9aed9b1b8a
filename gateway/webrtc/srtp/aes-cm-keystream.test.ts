import t from 'tap';
import fc from 'fast-check';
import { createCipheriv } from 'node:crypto';
import { AesCmKeystream, xorKeystream } from './aes-cm-keystream.ts';
import { hex, loadVectors } from './test-support.ts';

interface B2 {
  keystreamSegmentOctets: number;
  sessionKey: string;
  sessionSaltShifted: string;
  blocks: { counter: string; keystream: string }[];
}
const v = loadVectors<B2>('rfc3711/aes-cm-keystream.json');

t.test('RFC 3711 B.2: keystream blocks 0,1,2 and 0xFEFF..0xFF01 of the 65282-block segment', async (t) => {
  const salt = hex(v.sessionSaltShifted).subarray(0, 14);
  const ks = new AesCmKeystream(hex(v.sessionKey), salt);
  const blocks = v.keystreamSegmentOctets / 16;
  t.equal(blocks, 65282);
  const batch = ks.generate(0, 0, 1, blocks);
  t.equal(batch.bytes.length, v.keystreamSegmentOctets);
  const base = hex(v.sessionSaltShifted);
  for (const b of v.blocks) {
    const ctr = hex(b.counter);
    // The block number is the counter minus the offset (the low 16 bits here).
    const j = ((ctr[14] as number) << 8) | (ctr[15] as number);
    t.same(ctr.subarray(0, 14), base.subarray(0, 14));
    t.equal(
      Buffer.from(batch.bytes.subarray(j * 16, j * 16 + 16)).toString('hex'),
      b.keystream.toLowerCase(),
      `block ${b.counter}`,
    );
  }
});

/** Reference: OpenSSL AES-CTR with the RFC 3711 §4.1.1 IV, one cipher per packet (the naive way). */
function reference(key: Uint8Array, salt: Uint8Array, ssrc: number, index: number, len: number): Uint8Array {
  const iv = Buffer.alloc(16);
  iv.set(salt, 0);
  iv.writeUInt32BE((iv.readUInt32BE(4) ^ ssrc) >>> 0, 4);
  iv.writeUInt32BE((iv.readUInt32BE(8) ^ Math.floor(index / 65536)) >>> 0, 8);
  iv.writeUInt16BE((iv.readUInt16BE(12) ^ (index & 0xffff)) >>> 0, 12);
  return createCipheriv('aes-128-ctr', key, iv).update(new Uint8Array(len));
}

t.test('batched keystream equals per-packet AES-CTR for every packet in the batch', async (t) => {
  fc.assert(
    fc.property(
      fc.uint8Array({ minLength: 16, maxLength: 16 }),
      fc.uint8Array({ minLength: 14, maxLength: 14 }),
      fc.integer({ min: 0, max: 0xffffffff }),
      fc.integer({ min: 0, max: 2 ** 48 - 20 }),
      fc.integer({ min: 1, max: 9 }),
      fc.integer({ min: 1, max: 80 }),
      (key, salt, ssrc, first, count, blocks) => {
        const batch = new AesCmKeystream(key, salt).generate(ssrc, first, count, blocks);
        for (let p = 0; p < count; p++) {
          const want = reference(key, salt, ssrc, first + p, blocks * 16);
          const got = batch.bytes.subarray(p * blocks * 16, (p + 1) * blocks * 16);
          if (Buffer.compare(Buffer.from(got), Buffer.from(want)) !== 0) return false;
        }
        return true;
      },
    ),
    { numRuns: 200 },
  );
  t.pass();
});

t.test('xorKeystream matches a byte-wise XOR for any length and word offset', async (t) => {
  const ks = new AesCmKeystream(new Uint8Array(16).fill(7), new Uint8Array(14)).generate(1, 2, 2, 5);
  fc.assert(
    fc.property(
      fc.integer({ min: 0, max: 4 }),
      fc.integer({ min: 0, max: 80 }),
      fc.uint8Array({ minLength: 120, maxLength: 120 }),
      (w, len, data) => {
        const ab = new ArrayBuffer(120);
        const dst = new Uint8Array(ab);
        dst.set(data);
        const off = w * 4;
        xorKeystream(dst, new Int32Array(ab), off, ks, 16, len);
        for (let i = 0; i < 120; i++) {
          const want =
            i >= off && i < off + len ? (data[i] as number) ^ (ks.bytes[16 + i - off] as number) : data[i];
          if (dst[i] !== want) return false;
        }
        return true;
      },
    ),
  );
  t.pass();
});
