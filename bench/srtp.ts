/**
 * SRTP protect/unprotect cost per 1200-byte RTP packet: our SrtpContext against a naive baseline
 * (a new cipher and a new HMAC per packet, the pure-JS norm) and werift's SRTP, measured in the
 * same run, plus OpenSSL's raw throughput on 1200 bytes for reference.
 *
 *   npm run bench:srtp            (node --import tsx bench/srtp.ts)
 *   SRTP_BENCH_ROUNDS=40 npm run bench:srtp
 *
 * Times are CPU time (user+system of this process) per packet, best round of several, rounds of
 * the implementations interleaved in rotating order, so that machine noise and heap state hit
 * them alike. Not a test: it asserts nothing and never gates CI.
 */
import {
  createCipheriv,
  createDecipheriv,
  createHmac,
  hash,
  randomBytes,
  timingSafeEqual,
} from 'node:crypto';
import { execFileSync } from 'node:child_process';
import { RtpPacket, SrtpSession } from 'werift';
import {
  deriveSessionKeys,
  srtpProfile,
  SrtpContext,
  SRTP_AEAD_AES_128_GCM,
  SRTP_AES128_CM_HMAC_SHA1_80,
  type SrtpSessionKeys,
} from '../gateway/webrtc/srtp/index.ts';

const PACKET = 1200;
const ROUND = 4096;
const ROUNDS = Number(process.env.SRTP_BENCH_ROUNDS ?? 20);

function rtpPacket(seq: number): Buffer {
  const b = randomBytes(PACKET);
  b[0] = 0x80;
  b[1] = 96;
  b.writeUInt16BE(seq & 0xffff, 2);
  b.writeUInt32BE(0x12345678, 8);
  return b;
}

/** One implementation under test: `run(n)` processes n packets. */
interface Case {
  name: string;
  setup: () => (n: number) => void;
}

/**
 * CPU µs per packet of the best round. Rounds are interleaved across cases, in a rotating order,
 * so that machine noise and heap state hit every case alike. (A forced GC before each round was
 * tried: its concurrent sweeping then bills the next round, which made every figure worse.)
 */
function measure(cases: Case[]): Map<string, number> {
  const best = new Map<string, number>();
  const runners = cases.map((c) => ({ name: c.name, run: c.setup() }));
  for (const r of runners) r.run(ROUND); // warm-up / JIT
  for (let round = 0; round < ROUNDS; round++) {
    for (let k = 0; k < runners.length; k++) {
      const r = runners[(round + k) % runners.length] as (typeof runners)[0];
      const t0 = process.cpuUsage();
      r.run(ROUND);
      const d = process.cpuUsage(t0);
      const us = (d.user + d.system) / ROUND;
      best.set(r.name, Math.min(best.get(r.name) ?? Infinity, us));
    }
  }
  return best;
}

// ---------------------------------------------------------------------------------------------
// Naive baseline: what a straightforward implementation does (new cipher/HMAC per packet, concat).

function naiveCmIv(salt: Uint8Array, ssrc: number, index: number): Buffer {
  const iv = Buffer.alloc(16);
  iv.set(salt, 0);
  iv.writeUInt32BE((iv.readUInt32BE(4) ^ ssrc) >>> 0, 4);
  iv.writeUInt32BE((iv.readUInt32BE(8) ^ Math.floor(index / 65536)) >>> 0, 8);
  iv.writeUInt16BE(iv.readUInt16BE(12) ^ (index & 0xffff), 12);
  return iv;
}

function naiveGcmIv(salt: Uint8Array, ssrc: number, index: number): Buffer {
  const iv = Buffer.alloc(12);
  iv.writeUInt32BE(ssrc, 2);
  iv.writeUInt32BE(Math.floor(index / 65536), 6);
  iv.writeUInt16BE(index & 0xffff, 10);
  for (let i = 0; i < 12; i++) iv[i] = (iv[i] as number) ^ (salt[i] as number);
  return iv;
}

function naiveProtect(profile: number, k: SrtpSessionKeys, pkt: Buffer, index: number): Buffer {
  const ssrc = pkt.readUInt32BE(8);
  const header = pkt.subarray(0, 12);
  if (profile === SRTP_AEAD_AES_128_GCM) {
    const c = createCipheriv('aes-128-gcm', k.rtpKey, naiveGcmIv(k.rtpSalt, ssrc, index));
    c.setAAD(header);
    const ct = c.update(pkt.subarray(12));
    c.final();
    return Buffer.concat([header, ct, c.getAuthTag()]);
  }
  const ct = createCipheriv('aes-128-ctr', k.rtpKey, naiveCmIv(k.rtpSalt, ssrc, index)).update(
    pkt.subarray(12),
  );
  const roc = Buffer.alloc(4);
  roc.writeUInt32BE(Math.floor(index / 65536));
  const tag = createHmac('sha1', k.rtpAuthKey).update(header).update(ct).update(roc).digest().subarray(0, 10);
  return Buffer.concat([header, ct, tag]);
}

function naiveUnprotect(profile: number, k: SrtpSessionKeys, pkt: Buffer, index: number): Buffer {
  const ssrc = pkt.readUInt32BE(8);
  const header = pkt.subarray(0, 12);
  if (profile === SRTP_AEAD_AES_128_GCM) {
    const d = createDecipheriv('aes-128-gcm', k.rtpKey, naiveGcmIv(k.rtpSalt, ssrc, index));
    d.setAAD(header);
    d.setAuthTag(pkt.subarray(pkt.length - 16));
    const pt = d.update(pkt.subarray(12, pkt.length - 16));
    d.final();
    return Buffer.concat([header, pt]);
  }
  const end = pkt.length - 10;
  const roc = Buffer.alloc(4);
  roc.writeUInt32BE(Math.floor(index / 65536));
  const tag = createHmac('sha1', k.rtpAuthKey)
    .update(pkt.subarray(0, end))
    .update(roc)
    .digest()
    .subarray(0, 10);
  if (!timingSafeEqual(tag, pkt.subarray(end))) throw new Error('auth');
  const pt = createDecipheriv('aes-128-ctr', k.rtpKey, naiveCmIv(k.rtpSalt, ssrc, index)).update(
    pkt.subarray(12, end),
  );
  return Buffer.concat([header, pt]);
}

// ---------------------------------------------------------------------------------------------

function casesFor(profile: number): { protect: Case[]; unprotect: Case[] } {
  const p = srtpProfile(profile);
  const masterKey = randomBytes(p.keyLength);
  const masterSalt = randomBytes(p.saltLength);
  const keys = deriveSessionKeys(p, masterKey, masterSalt);
  const pkt = rtpPacket(0);
  const out = Buffer.alloc(PACKET + 16);

  // ROUND protected packets with consecutive sequence numbers, for the unprotect runs.
  const sender = new SrtpContext({ profile, masterKey, masterSalt });
  const protectedPackets: Buffer[] = [];
  for (let i = 0; i < ROUND; i++) protectedPackets.push(Buffer.from(sender.protectRtp(rtpPacket(i))));
  const weriftKeys = {
    localMasterKey: masterKey,
    localMasterSalt: masterSalt,
    remoteMasterKey: masterKey,
    remoteMasterSalt: masterSalt,
  };
  const weriftProfile = profile as typeof SRTP_AES128_CM_HMAC_SHA1_80 | typeof SRTP_AEAD_AES_128_GCM;
  const parsed = RtpPacket.deSerialize(pkt);

  const oursProtect = (batch: number) => () => {
    const ctx = new SrtpContext({ profile, masterKey, masterSalt, keystreamBatch: batch });
    let seq = 0;
    return (n: number) => {
      for (let i = 0; i < n; i++) {
        pkt[2] = (seq >>> 8) & 0xff;
        pkt[3] = seq & 0xff;
        seq = (seq + 1) & 0xffff;
        ctx.protectRtpInto(pkt, out);
      }
    };
  };
  const protect: Case[] = [
    { name: 'ours', setup: oursProtect(8) },
    {
      name: 'naive',
      setup: () => {
        let seq = 0;
        return (n) => {
          for (let i = 0; i < n; i++) {
            pkt.writeUInt16BE(seq, 2);
            naiveProtect(profile, keys, pkt, seq);
            seq = (seq + 1) & 0xffff;
          }
        };
      },
    },
    {
      name: 'werift',
      setup: () => {
        const s = new SrtpSession({ keys: weriftKeys, profile: weriftProfile });
        let seq = 0;
        return (n) => {
          for (let i = 0; i < n; i++) {
            parsed.header.sequenceNumber = seq;
            seq = (seq + 1) & 0xffff;
            s.encrypt(parsed.payload, parsed.header);
          }
        };
      },
    },
  ];
  protect.push({
    name: 'ours, parts',
    setup: () => {
      // The relay's shape: a per-viewer 12-byte header in front of a shared payload.
      const ctx = new SrtpContext({ profile, masterKey, masterSalt });
      const header = Buffer.from(pkt.subarray(0, 12));
      const payload = pkt.subarray(12);
      let seq = 0;
      return (n: number) => {
        for (let i = 0; i < n; i++) {
          header[2] = (seq >>> 8) & 0xff;
          header[3] = seq & 0xff;
          seq = (seq + 1) & 0xffff;
          ctx.protectRtpPartsInto(header, payload, out);
        }
      };
    },
  });
  if (!p.aead) protect.push({ name: 'ours, keystream batch 1', setup: oursProtect(1) });

  const unprotect: Case[] = [
    {
      name: 'ours',
      setup: () => (n) => {
        // A fresh receiver per round: the packets' indices are new to it (replay window).
        const ctx = new SrtpContext({ profile, masterKey, masterSalt });
        for (let i = 0; i < n; i++) ctx.unprotectRtpInto(protectedPackets[i] as Buffer, out);
      },
    },
    {
      name: 'naive',
      setup: () => (n) => {
        for (let i = 0; i < n; i++) naiveUnprotect(profile, keys, protectedPackets[i] as Buffer, i);
      },
    },
    {
      name: 'werift',
      setup: () => (n) => {
        const s = new SrtpSession({ keys: weriftKeys, profile: weriftProfile });
        for (let i = 0; i < n; i++) s.decrypt(protectedPackets[i] as Buffer);
      },
    },
  ];
  return { protect, unprotect };
}

/** Primitive costs through Node, one call each, for the "what bounds it" lines. */
function primitives(): Map<string, number> {
  const key = randomBytes(16);
  const data = randomBytes(PACKET + 68);
  const small = randomBytes(84);
  const ecb = createCipheriv('aes-128-ecb', key, null);
  ecb.setAutoPadding(false);
  const blocks8 = Buffer.alloc(8 * 75 * 16);
  return measure([
    {
      name: 'HMAC-SHA1 as two crypto.hash calls (1268 + 84 bytes)',
      setup: () => (n) => {
        for (let i = 0; i < n; i++) {
          hash('sha1', data, 'binary');
          hash('sha1', small, 'binary');
        }
      },
    },
    {
      name: 'HMAC-SHA1 createHmac per packet',
      setup: () => (n) => {
        for (let i = 0; i < n; i++)
          createHmac('sha1', key)
            .update(data.subarray(0, PACKET + 4))
            .digest();
      },
    },
    {
      name: 'AES-ECB keystream, 8 packets per call, per packet',
      setup: () => (n) => {
        for (let i = 0; i < n; i += 8) ecb.update(blocks8);
      },
    },
    {
      name: 'AES-128-CTR createCipheriv + update per packet',
      setup: () => (n) => {
        for (let i = 0; i < n; i++)
          createCipheriv('aes-128-ctr', key, data.subarray(0, 16)).update(data.subarray(0, 1188));
      },
    },
    {
      name: 'AES-128-GCM createCipheriv..getAuthTag per packet',
      setup: () => (n) => {
        for (let i = 0; i < n; i++) {
          const c = createCipheriv('aes-128-gcm', key, data.subarray(0, 12));
          c.setAAD(data.subarray(0, 12));
          c.update(data.subarray(12, PACKET));
          c.final();
          c.getAuthTag();
        }
      },
    },
  ]);
}

/** OpenSSL's own throughput on 1200-byte buffers (`openssl speed`, CPU time), as µs per packet. */
function opensslFloor(args: string[]): string {
  try {
    const text = execFileSync('openssl', ['speed', '-seconds', '1', '-bytes', String(PACKET), ...args], {
      encoding: 'utf8',
      stdio: ['ignore', 'pipe', 'ignore'],
    });
    const last = text.trim().split('\n').pop() ?? '';
    const m = /([\d.]+)k\s*$/.exec(last);
    if (m === null) return 'n/a';
    const bytesPerSecond = Number(m[1]) * 1000;
    return ((PACKET / bytesPerSecond) * 1e6).toFixed(2);
  } catch {
    return 'n/a (openssl not found)';
  }
}

const fmt = (x: number | undefined): string => (x === undefined ? '-' : x.toFixed(2));

console.log(`SRTP cost per ${PACKET}-byte RTP packet, CPU µs (best of ${ROUNDS} rounds x ${ROUND} packets)`);
console.log(`node ${process.version}, ${process.arch}`);
for (const profile of [SRTP_AES128_CM_HMAC_SHA1_80, SRTP_AEAD_AES_128_GCM]) {
  const name = srtpProfile(profile).name;
  const { protect, unprotect } = casesFor(profile);
  for (const [op, cases] of [
    ['protect', protect],
    ['unprotect', unprotect],
  ] as const) {
    const r = measure(cases);
    const ours = r.get('ours') ?? NaN;
    const naive = r.get('naive') ?? NaN;
    console.log(
      `${name.padEnd(28)} ${op.padEnd(9)}  ours ${fmt(ours)}  naive ${fmt(naive)}  naive/ours ${(naive / ours).toFixed(1)}x` +
        `  werift ${fmt(r.get('werift'))}` +
        (r.has('ours, parts') ? `  ours(header+payload parts) ${fmt(r.get('ours, parts'))}` : '') +
        (r.has('ours, keystream batch 1') ? `  ours(batch 1) ${fmt(r.get('ours, keystream batch 1'))}` : ''),
    );
  }
}
console.log('\nNode primitives, CPU µs per packet:');
for (const [k, v] of primitives()) console.log(`  ${k.padEnd(52)} ${fmt(v)}`);
console.log('\nOpenSSL raw floor (openssl speed, 1200-byte buffers), µs per packet:');
console.log(`  AES-128-CTR ${opensslFloor(['-evp', 'aes-128-ctr'])}`);
console.log(`  HMAC-SHA1   ${opensslFloor(['-hmac', 'sha1'])}`);
console.log(`  AES-128-GCM ${opensslFloor(['-evp', 'aes-128-gcm'])}`);
