import fc from 'fast-check';
import t from 'tap';
import { formatIpv4, formatIpv6, parseIpv4, parseIpv6 } from './ip.ts';

t.test('RFC 5952 canonical IPv6 text', async (t) => {
  const canon = (s: string) => formatIpv6(parseIpv6(s) as Uint8Array);
  t.equal(canon('2001:0db8:0000:0000:0000:0000:0000:0001'), '2001:db8::1');
  t.equal(canon('2001:db8:0:0:1:0:0:1'), '2001:db8::1:0:0:1', 'first of two equal runs');
  t.equal(canon('2001:db8:0:1:1:1:1:1'), '2001:db8:0:1:1:1:1:1', 'a single zero group is not compressed');
  t.equal(canon('::'), '::');
  t.equal(canon('::1'), '::1');
  t.equal(canon('1::'), '1::');
  t.equal(canon('::ffff:192.0.2.1'), '::ffff:c000:201');
  for (const bad of [
    '',
    ':',
    '1:2:3',
    '1::2::3',
    '12345::',
    'g::',
    '1:2:3:4:5:6:7:8:9',
    '1:2:3:4:5:6:7::8',
  ]) {
    t.equal(parseIpv6(bad), undefined, bad);
  }
  for (const bad of ['1.2.3', '256.1.1.1', '1.2.3.4.5', 'a.b.c.d', ''])
    t.equal(parseIpv4(bad), undefined, bad);
});

t.test('bytes -> text -> bytes', async (t) => {
  fc.assert(
    fc.property(fc.uint8Array({ minLength: 16, maxLength: 16 }), (b) => {
      const s = formatIpv6(b);
      return Buffer.compare(parseIpv6(s) as Uint8Array, b) === 0;
    }),
  );
  fc.assert(
    fc.property(
      fc.uint8Array({ minLength: 4, maxLength: 4 }),
      (b) => Buffer.compare(parseIpv4(formatIpv4(b)) as Uint8Array, b) === 0,
    ),
  );
  t.pass();
});
