import t from 'tap';
import fc from 'fast-check';
import { randomBytes } from 'node:crypto';
import { SrtpContext } from './srtp-context.ts';
import {
  SRTP_AEAD_AES_128_GCM,
  SRTP_AEAD_AES_256_GCM,
  SRTP_AES128_CM_HMAC_SHA1_32,
  SRTP_AES128_CM_HMAC_SHA1_80,
  srtpProfile,
} from './profiles.ts';
import { SrtpError } from './errors.ts';
import { buildRtcp, buildRtp, toHex, type RtpSpec } from './test-support.ts';

const PROFILES = [
  SRTP_AES128_CM_HMAC_SHA1_80,
  SRTP_AES128_CM_HMAC_SHA1_32,
  SRTP_AEAD_AES_128_GCM,
  SRTP_AEAD_AES_256_GCM,
] as const;

type Extra = { replayWindow?: number; maxSsrcs?: number; encryptRtcp?: boolean; keystreamBatch?: number };
type Options = ConstructorParameters<typeof SrtpContext>[0];
/** Options of every context made by pair(), so a test can build a fresh receiver with the same keys. */
const optionsOf = new WeakMap<SrtpContext, Options>();

function pair(profile: number, extra: Extra = {}) {
  const p = srtpProfile(profile);
  const opts: Options = {
    profile,
    masterKey: randomBytes(p.keyLength),
    masterSalt: randomBytes(p.saltLength),
    ...extra,
  };
  const tx = new SrtpContext(opts);
  const rx = new SrtpContext(opts);
  optionsOf.set(tx, opts);
  optionsOf.set(rx, opts);
  return { tx, rx };
}

function ctxOptions(ctx: SrtpContext): Options {
  const o = optionsOf.get(ctx);
  if (o === undefined) throw new Error('context not made by pair()');
  return o;
}

/** Run fn and return the SrtpError code it throws, or 'ok'; anything else thrown fails the test. */
function outcome(fn: () => unknown): string {
  try {
    fn();
    return 'ok';
  } catch (e) {
    if (e instanceof SrtpError) return e.code;
    throw e;
  }
}

const rtpSpec: fc.Arbitrary<RtpSpec> = fc.record({
  seq: fc.integer({ min: 0, max: 0xffff }),
  ssrc: fc.integer({ min: 0, max: 0xffffffff }),
  timestamp: fc.integer({ min: 0, max: 0xffffffff }),
  payloadType: fc.integer({ min: 0, max: 127 }),
  marker: fc.boolean(),
  csrcs: fc.array(fc.integer({ min: 0, max: 0xffffffff }), { maxLength: 15 }),
  extension: fc.option(
    fc.integer({ min: 0, max: 6 }).chain((w) => fc.uint8Array({ minLength: w * 4, maxLength: w * 4 })),
    { nil: undefined },
  ),
  payload: fc.uint8Array({ maxLength: 1400 }),
  padding: fc.integer({ min: 0, max: 3 }),
});

for (const profile of PROFILES) {
  const name = srtpProfile(profile).name;

  t.test(`${name}: protect→unprotect round trip (CSRCs, extension, padding, empty payload)`, async (t) => {
    fc.assert(
      fc.property(rtpSpec, (spec) => {
        const { tx, rx } = pair(profile);
        const rtp = buildRtp(spec);
        const srtp = tx.protectRtp(rtp);
        if (srtp.length !== rtp.length + tx.rtpOverhead) return false;
        const back = rx.unprotectRtp(srtp);
        return Buffer.compare(Buffer.from(back), Buffer.from(rtp)) === 0;
      }),
      { numRuns: 60 },
    );
    t.pass();
  });

  t.test(`${name}: protectRtpPartsInto(header, payload) equals protectRtpInto(packet)`, async (t) => {
    fc.assert(
      fc.property(rtpSpec, (spec) => {
        const { tx } = pair(profile);
        const whole = new SrtpContext(ctxOptions(tx));
        const rtp = buildRtp(spec);
        const h = rtp.length - spec.payload.length - (spec.padding ?? 0);
        // Padding belongs to the payload part.
        const a = new Uint8Array(rtp.length + 16);
        const b = new Uint8Array(rtp.length + 16);
        const n = tx.protectRtpPartsInto(rtp.subarray(0, h), rtp.subarray(h), a);
        const m = whole.protectRtpInto(rtp, b);
        return n === m && toHex(a.subarray(0, n)) === toHex(b.subarray(0, m));
      }),
      { numRuns: 40 },
    );
    const rtp = buildRtp({ seq: 1, ssrc: 1, payload: new Uint8Array(10) });
    const { tx } = pair(profile);
    t.throws(() => tx.protectRtpPartsInto(rtp.subarray(0, 14), rtp.subarray(14), new Uint8Array(64)), {
      code: 'SRTP_BAD_HEADER',
    });
    t.throws(() => tx.protectRtpPartsInto(rtp.subarray(0, 12), rtp.subarray(12), new Uint8Array(20)), {
      code: 'SRTP_OUTPUT_TOO_SMALL',
    });
  });

  t.test(`${name}: the header is sent in the clear, the payload is not`, async (t) => {
    const { tx } = pair(profile);
    const rtp = buildRtp({ seq: 7, ssrc: 99, csrcs: [1, 2], payload: new Uint8Array(64).fill(0xaa) });
    const srtp = tx.protectRtp(rtp);
    t.equal(toHex(srtp.subarray(0, 20)), toHex(rtp.subarray(0, 20)));
    t.not(toHex(srtp.subarray(20, 84)), toHex(rtp.subarray(20, 84)));
  });

  t.test(`${name}: any single-bit flip of a protected packet is rejected`, async (t) => {
    const { tx } = pair(profile);
    const rtp = buildRtp({
      seq: 1000,
      ssrc: 0xdeadbeef,
      extension: new Uint8Array(8).fill(1),
      payload: randomBytes(200),
    });
    const srtp = tx.protectRtp(rtp);
    fc.assert(
      fc.property(fc.integer({ min: 0, max: srtp.length * 8 - 1 }), (bit) => {
        // A fresh receiver each time, so replay state never explains the rejection.
        const rx = new SrtpContext(ctxOptions(tx));
        const bad = Uint8Array.from(srtp);
        bad[bit >>> 3] = (bad[bit >>> 3] as number) ^ (0x80 >>> (bit & 7));
        const code = outcome(() => rx.unprotectRtp(bad));
        return code !== 'ok';
      }),
      { numRuns: 300 },
    );
    t.equal(
      outcome(() => new SrtpContext(ctxOptions(tx)).unprotectRtp(srtp)),
      'ok',
      'the unmodified packet passes',
    );
  });

  t.test(`${name}: truncations and garbage never throw anything but SrtpError`, async (t) => {
    const { tx, rx } = pair(profile);
    const rtp = buildRtp({
      seq: 5,
      ssrc: 5,
      csrcs: [9],
      extension: new Uint8Array(4),
      payload: randomBytes(50),
    });
    const srtp = tx.protectRtp(rtp);
    for (let n = 0; n < srtp.length; n++) {
      const code = outcome(() => rx.unprotectRtp(srtp.subarray(0, n)));
      t.not(code, 'ok', `prefix of ${n} bytes`);
    }
    fc.assert(
      fc.property(fc.uint8Array({ maxLength: 300 }), (junk) => {
        outcome(() => rx.unprotectRtp(junk));
        outcome(() => rx.unprotectRtcp(junk));
        outcome(() => tx.protectRtp(junk));
        outcome(() => tx.protectRtcp(junk));
        return true;
      }),
      { numRuns: 500 },
    );
    // Garbage that looks like RTP v2 with a header longer than the packet.
    const lying = buildRtp({ seq: 1, ssrc: 1, payload: new Uint8Array(30) });
    lying[0] = 0x9f; // X=1, CC=15
    t.equal(
      outcome(() => tx.protectRtp(lying)),
      'SRTP_TRUNCATED',
    );
    lying[0] = 0x40;
    t.equal(
      outcome(() => tx.protectRtp(lying)),
      'SRTP_BAD_HEADER',
    );
  });

  t.test(`${name}: replayed and too-old packets are rejected (RFC 3711 §3.3.2)`, async (t) => {
    const { tx, rx } = pair(profile, { replayWindow: 64 });
    const sent: Uint8Array[] = [];
    for (let seq = 100; seq < 300; seq++)
      sent.push(tx.protectRtp(buildRtp({ seq, ssrc: 42, payload: randomBytes(20) })));
    const first = sent[0] as Uint8Array;
    t.equal(
      outcome(() => rx.unprotectRtp(first)),
      'ok',
    );
    t.equal(
      outcome(() => rx.unprotectRtp(first)),
      'SRTP_REPLAYED',
      'duplicate',
    );
    // Deliver 101..299 except 250, then 250 late (inside the window) and 110 (too old).
    for (let i = 1; i < sent.length; i++) if (i !== 150) rx.unprotectRtp(sent[i] as Uint8Array);
    t.equal(
      outcome(() => rx.unprotectRtp(sent[150] as Uint8Array)),
      'ok',
      'late but inside the window',
    );
    t.equal(
      outcome(() => rx.unprotectRtp(sent[150] as Uint8Array)),
      'SRTP_REPLAYED',
    );
    try {
      rx.unprotectRtp(sent[10] as Uint8Array);
      t.fail('too old accepted');
    } catch (e) {
      t.match(e, { code: 'SRTP_REPLAYED', reason: 'too-old' });
    }
    // A forged packet does not move the window: a forged far-future index then a normal next packet.
    const next = tx.protectRtp(buildRtp({ seq: 300, ssrc: 42, payload: randomBytes(20) }));
    const forged = Uint8Array.from(
      tx.protectRtp(buildRtp({ seq: 5000, ssrc: 42, payload: randomBytes(20) })),
    );
    forged[forged.length - 1] = (forged[forged.length - 1] as number) ^ 1;
    t.equal(
      outcome(() => rx.unprotectRtp(forged)),
      'SRTP_AUTH_FAILED',
    );
    t.equal(
      outcome(() => rx.unprotectRtp(next)),
      'ok',
    );
  });

  t.test(`${name}: ROC across the sequence-number wrap, with reordering (RFC 3711 §3.3.1)`, async (t) => {
    fc.assert(
      fc.property(
        fc.integer({ min: 0, max: 0xffff }),
        fc.integer({ min: 50, max: 400 }),
        fc.array(fc.tuple(fc.nat(), fc.nat()), { maxLength: 40 }),
        (start, count, swaps) => {
          const { tx, rx } = pair(profile, { replayWindow: 128 });
          const packets: { seq: number; rtp: Uint8Array; srtp: Uint8Array }[] = [];
          for (let i = 0; i < count; i++) {
            const seq = (start + i) & 0xffff;
            const rtp = buildRtp({ seq, ssrc: 7, payload: randomBytes(1 + (i % 40)) });
            packets.push({ seq, rtp, srtp: tx.protectRtp(rtp) });
          }
          // Reorder by at most 20 positions (well inside the window and the ROC guess range); the
          // first packet stays first, since a receiver learns ROC 0 from the first packet it sees.
          for (const [a, b] of swaps) {
            const i = 1 + (a % (count - 1));
            const j = Math.min(count - 1, i + (b % 20));
            [packets[i], packets[j]] = [packets[j] as (typeof packets)[0], packets[i] as (typeof packets)[0]];
          }
          for (const p of packets) {
            const back = rx.unprotectRtp(p.srtp);
            if (Buffer.compare(Buffer.from(back), Buffer.from(p.rtp)) !== 0) return false;
          }
          return true;
        },
      ),
      { numRuns: 40 },
    );
    t.pass();
  });

  t.test(`${name}: a 3-wrap in-order stream decrypts byte-exact`, async (t) => {
    const { tx, rx } = pair(profile);
    let bad = 0;
    for (let i = 0; i < 3 * 65536 + 10; i += 97) {
      // Step over sequence numbers (a lossy but ordered stream) with gaps < 2^15.
      const rtp = buildRtp({
        seq: (65500 + i) & 0xffff,
        ssrc: 1,
        payload: Buffer.from([i & 255, (i >> 8) & 255]),
      });
      const back = rx.unprotectRtp(tx.protectRtp(rtp));
      if (Buffer.compare(Buffer.from(back), Buffer.from(rtp)) !== 0) bad++;
    }
    t.equal(bad, 0);
  });

  t.test(`${name}: SRTCP round trip, index increments, E flag, replay`, async (t) => {
    for (const encryptRtcp of [true, false]) {
      const { tx, rx } = pair(profile, { encryptRtcp });
      const rtcps: Uint8Array[] = [];
      for (let i = 0; i < 5; i++) {
        const rtcp = buildRtcp(0x11223344, randomBytes(40));
        const srtcp = tx.protectRtcp(rtcp);
        t.equal(srtcp.length, rtcp.length + tx.rtcpOverhead);
        const word = Buffer.from(srtcp).readUInt32BE(
          profile === SRTP_AEAD_AES_128_GCM || profile === SRTP_AEAD_AES_256_GCM
            ? srtcp.length - 4
            : rtcp.length,
        );
        t.equal(word & 0x7fffffff, i, 'SRTCP index starts at 0 and increments');
        t.equal(word >>> 31, encryptRtcp ? 1 : 0, 'E flag');
        if (!encryptRtcp)
          t.equal(toHex(srtcp.subarray(0, rtcp.length)), toHex(rtcp), 'E=0: body in the clear');
        else t.not(toHex(srtcp.subarray(8, rtcp.length)), toHex(rtcp.subarray(8)), 'E=1: body encrypted');
        t.equal(toHex(rx.unprotectRtcp(srtcp)), toHex(rtcp));
        rtcps.push(srtcp);
      }
      t.equal(
        outcome(() => rx.unprotectRtcp(rtcps[2] as Uint8Array)),
        'SRTP_REPLAYED',
      );
      const bad = Uint8Array.from(rtcps[4] as Uint8Array);
      bad[12] = (bad[12] as number) ^ 4;
      t.equal(
        outcome(() => new SrtpContext(ctxOptions(tx)).unprotectRtcp(bad)),
        'SRTP_AUTH_FAILED',
      );
    }
  });

  t.test(`${name}: SRTCP mutations and truncations are rejected`, async (t) => {
    const { tx } = pair(profile);
    const srtcp = tx.protectRtcp(buildRtcp(5, randomBytes(24)));
    fc.assert(
      fc.property(fc.integer({ min: 0, max: srtcp.length * 8 - 1 }), (bit) => {
        const bad = Uint8Array.from(srtcp);
        bad[bit >>> 3] = (bad[bit >>> 3] as number) ^ (0x80 >>> (bit & 7));
        return outcome(() => new SrtpContext(ctxOptions(tx)).unprotectRtcp(bad)) !== 'ok';
      }),
      { numRuns: 200 },
    );
    for (let n = 0; n < srtcp.length; n++) {
      t.not(
        outcome(() => new SrtpContext(ctxOptions(tx)).unprotectRtcp(srtcp.subarray(0, n))),
        'ok',
      );
    }
  });

  t.test(`${name}: *Into variants, in place, and output-size errors`, async (t) => {
    const { tx, rx } = pair(profile);
    const rtp = buildRtp({ seq: 9, ssrc: 3, payload: randomBytes(100) });
    const buf = new Uint8Array(rtp.length + 16);
    buf.set(rtp);
    const n = tx.protectRtpInto(buf.subarray(0, rtp.length), buf);
    t.equal(n, rtp.length + tx.rtpOverhead);
    const m = rx.unprotectRtpInto(buf.subarray(0, n), buf);
    t.equal(m, rtp.length);
    t.equal(toHex(buf.subarray(0, m)), toHex(rtp), 'in place both ways');
    t.throws(() => tx.protectRtpInto(rtp, new Uint8Array(rtp.length)), { code: 'SRTP_OUTPUT_TOO_SMALL' });
    t.throws(() => tx.protectRtcpInto(buildRtcp(1, new Uint8Array(8)), new Uint8Array(16)), {
      code: 'SRTP_OUTPUT_TOO_SMALL',
    });
  });
}

t.test('AES-CM keystream batching gives the same bytes as per-packet keystream', async (t) => {
  fc.assert(
    fc.property(
      fc.array(fc.tuple(fc.integer({ min: -3, max: 12 }), fc.integer({ min: 0, max: 2500 })), {
        minLength: 1,
        maxLength: 60,
      }),
      fc.integer({ min: 0, max: 0xffff }),
      (steps, start) => {
        const opts = {
          profile: SRTP_AES128_CM_HMAC_SHA1_80,
          masterKey: randomBytes(16),
          masterSalt: randomBytes(14),
        };
        const batched = new SrtpContext({ ...opts, keystreamBatch: 8 });
        const single = new SrtpContext({ ...opts, keystreamBatch: 1 });
        let seq = start;
        for (const [delta, size] of steps) {
          seq = (seq + delta) & 0xffff;
          const rtp = buildRtp({ seq, ssrc: 77, payload: new Uint8Array(size).fill(size & 255) });
          const a = batched.protectRtp(rtp);
          const b = single.protectRtp(rtp);
          if (Buffer.compare(Buffer.from(a), Buffer.from(b)) !== 0) return false;
        }
        return true;
      },
    ),
    { numRuns: 100 },
  );
  t.pass();
});

t.test(
  'per-SSRC state is bounded: receivers forget the least recently used SSRC, senders refuse',
  async (t) => {
    const { tx, rx } = pair(SRTP_AES128_CM_HMAC_SHA1_80, { maxSsrcs: 4 });
    const sender = new SrtpContext({ ...ctxOptions(tx), maxSsrcs: 8 });
    const firstOf = new Map<number, Uint8Array>();
    const send = (ssrc: number, seq: number) => {
      const srtp = sender.protectRtp(buildRtp({ seq, ssrc, payload: new Uint8Array(4) }));
      if (!firstOf.has(ssrc)) firstOf.set(ssrc, srtp);
      return outcome(() => rx.unprotectRtp(srtp));
    };
    for (const ssrc of [1, 2, 3, 4]) send(ssrc, 10);
    send(1, 11); // 1 is now the most recently used; 2 the least
    t.equal(send(5, 10), 'ok', 'a fifth SSRC is accepted');
    t.equal(rx.stats.rxRtpSsrcs, 4);
    t.equal(rx.stats.evictions, 1);
    t.equal(
      outcome(() => rx.unprotectRtp(firstOf.get(1) as Uint8Array)),
      'SRTP_REPLAYED',
      'SSRC 1 kept its state',
    );
    t.equal(
      outcome(() => rx.unprotectRtp(firstOf.get(2) as Uint8Array)),
      'ok',
      'SSRC 2 was forgotten: starts afresh',
    );
    // Senders never forget: the fifth SSRC on one context is refused, with no state change.
    for (const ssrc of [11, 12, 13, 14])
      tx.protectRtp(buildRtp({ seq: 1, ssrc, payload: new Uint8Array(4) }));
    t.equal(
      outcome(() => tx.protectRtp(buildRtp({ seq: 1, ssrc: 15, payload: new Uint8Array(4) }))),
      'SRTP_SSRC_LIMIT',
    );
    t.equal(tx.stats.txRtpSsrcs, 4);
    for (const ssrc of [11, 12, 13, 14]) tx.protectRtcp(buildRtcp(ssrc, new Uint8Array(8)));
    t.equal(
      outcome(() => tx.protectRtcp(buildRtcp(15, new Uint8Array(8)))),
      'SRTP_SSRC_LIMIT',
    );
    // Forgeries under new SSRCs create no receiving state.
    const before = rx.stats.rxRtpSsrcs;
    const evicted = rx.stats.evictions; // SSRC 2 coming back evicted another one
    t.equal(evicted, 2);
    for (let i = 0; i < 50; i++)
      outcome(() => rx.unprotectRtp(buildRtp({ seq: i, ssrc: 1000 + i, payload: new Uint8Array(20) })));
    t.equal(rx.stats.rxRtpSsrcs, before);
    t.equal(rx.stats.evictions, evicted);
  },
);

t.test('close() wipes state; later calls are SRTP_CLOSED', async (t) => {
  const { tx } = pair(SRTP_AEAD_AES_128_GCM);
  tx.close();
  tx.close();
  t.throws(() => tx.protectRtp(buildRtp({ seq: 1, ssrc: 1, payload: new Uint8Array(1) })), {
    code: 'SRTP_CLOSED',
  });
  t.throws(() => tx.unprotectRtcp(new Uint8Array(40)), { code: 'SRTP_CLOSED' });
});

t.test('unsupported profile and wrong key lengths', async (t) => {
  t.throws(
    () => new SrtpContext({ profile: 0x0005, masterKey: new Uint8Array(16), masterSalt: new Uint8Array(14) }),
    {
      code: 'SRTP_UNSUPPORTED_PROFILE',
    },
  );
  t.throws(
    () =>
      new SrtpContext({
        profile: SRTP_AEAD_AES_128_GCM,
        masterKey: new Uint8Array(16),
        masterSalt: new Uint8Array(14),
      }),
    {
      code: 'SRTP_BAD_KEY',
    },
  );
});
