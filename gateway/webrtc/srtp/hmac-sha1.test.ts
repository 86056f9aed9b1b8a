import t from 'tap';
import fc from 'fast-check';
import { createHmac } from 'node:crypto';
import { HMAC_PREFIX, HmacSha1, tagMatches, writeTag } from './hmac-sha1.ts';

t.test('HmacSha1 (ipad block + two one-shot hashes) equals createHmac for any key and message', async (t) => {
  fc.assert(
    fc.property(fc.uint8Array({ maxLength: 100 }), fc.uint8Array({ maxLength: 3000 }), (key, msg) => {
      const h = new HmacSha1(key, 16); // small initial capacity: exercises growth
      h.ensure(msg.length);
      h.buf.set(msg, HMAC_PREFIX);
      const ours = Buffer.from(h.digest(msg.length), 'latin1').toString('hex');
      return ours === createHmac('sha1', key).update(msg).digest('hex');
    }),
    { numRuns: 300 },
  );
  t.pass();
});

t.test('writeTag / tagMatches over a truncated digest', async (t) => {
  const h = new HmacSha1(new Uint8Array(20).fill(9));
  h.buf.set([1, 2, 3], HMAC_PREFIX);
  const d = h.digest(3);
  const out = new Uint8Array(12);
  writeTag(d, out, 2, 10);
  t.ok(tagMatches(d, out, 2, 10));
  out[11] = (out[11] as number) ^ 1;
  t.notOk(tagMatches(d, out, 2, 10));
});
