import t from 'tap';
import fc from 'fast-check';
import { rtpHeaderLength, rtpSequenceNumber, rtpSsrc } from './rtp-header.ts';
import { rtcpSenderSsrc } from './rtcp-header.ts';
import { SrtpError } from './errors.ts';
import { buildRtp } from './test-support.ts';

t.test('header length counts CSRCs and the extension (RFC 3550 §5.1, §5.3.1)', async (t) => {
  fc.assert(
    fc.property(
      fc.integer({ min: 0, max: 15 }),
      fc.option(fc.integer({ min: 0, max: 20 }), { nil: undefined }),
      fc.integer({ min: 0, max: 40 }),
      fc.integer({ min: 0, max: 0xffff }),
      fc.integer({ min: 0, max: 0xffffffff }),
      (cc, extWords, payload, seq, ssrc) => {
        const pkt = buildRtp({
          seq,
          ssrc,
          csrcs: Array.from({ length: cc }, (_, i) => i),
          extension: extWords === undefined ? undefined : new Uint8Array(extWords * 4),
          payload: new Uint8Array(payload),
        });
        const want = 12 + 4 * cc + (extWords === undefined ? 0 : 4 + 4 * extWords);
        return (
          rtpHeaderLength(pkt, pkt.length) === want && rtpSequenceNumber(pkt) === seq && rtpSsrc(pkt) === ssrc
        );
      },
    ),
  );
  t.pass();
});

t.test('every truncation of a header is SRTP_TRUNCATED; version != 2 is SRTP_BAD_HEADER', async (t) => {
  const pkt = buildRtp({
    seq: 1,
    ssrc: 2,
    csrcs: [1, 2, 3],
    extension: new Uint8Array(12),
    payload: new Uint8Array(0),
  });
  const full = rtpHeaderLength(pkt, pkt.length);
  t.equal(full, pkt.length);
  for (let n = 0; n < full; n++)
    t.throws(() => rtpHeaderLength(pkt, n), { code: 'SRTP_TRUNCATED' }, `${n} bytes`);
  for (const v of [0, 1, 3]) {
    const bad = Uint8Array.from(pkt);
    bad[0] = (v << 6) | ((bad[0] as number) & 0x3f);
    t.throws(() => rtpHeaderLength(bad, bad.length), { code: 'SRTP_BAD_HEADER' });
  }
  t.throws(() => rtcpSenderSsrc(new Uint8Array(7).fill(0x80), 7), { code: 'SRTP_TRUNCATED' });
  t.equal(rtcpSenderSsrc(Uint8Array.from([0x80, 200, 0, 1, 1, 2, 3, 4]), 8), 0x01020304);
});

t.test('garbage: only SrtpError, never a read past the end', async (t) => {
  fc.assert(
    fc.property(fc.uint8Array({ maxLength: 100 }), (b) => {
      try {
        const n = rtpHeaderLength(b, b.length);
        return n <= b.length && n % 4 === 0;
      } catch (e) {
        return e instanceof SrtpError;
      }
    }),
    { numRuns: 2000 },
  );
  t.pass();
});
