import t from 'tap';
import fc from 'fast-check';
import { RtpReorderBuffer } from './reorder-buffer.ts';
import { H264Depacketizer } from './h264-depacketizer.ts';
import { H264Packetizer } from './h264-packetizer.ts';
import { rewriteRtpHeaderFields } from './rewrite-header.ts';
import { decodeRtp } from './rtp-packet.ts';
import type { AccessUnit } from './access-unit-assembler.ts';
import { joinAnnexB } from './annex-b.ts';

/** Moves each element by at most `maxShift` positions (a bounded reordering). */
function jitter<T>(items: T[], keys: number[], maxShift: number): T[] {
  return items
    .map((x, i) => ({ x, k: i + ((keys[i % keys.length] as number) % (maxShift + 1)) }))
    .sort((a, b) => a.k - b.k)
    .map((e) => e.x);
}

t.test('bounded reordering and duplicates come out in order, nothing skipped', async (t) => {
  fc.assert(
    fc.property(
      fc.integer({ min: 0, max: 0xffff }),
      fc.integer({ min: 1, max: 300 }),
      fc.array(fc.nat(), { minLength: 1, maxLength: 50 }),
      fc.integer({ min: 0, max: 20 }),
      (start, n, keys, dups) => {
        const seqs = Array.from({ length: n }, (_, i) => (start + i) & 0xffff);
        const input = jitter(seqs, keys, 20);
        // the first arrival defines where the stream starts: put the true first in front
        input.splice(input.indexOf(start), 1);
        input.unshift(start);
        for (let i = 0; i < dups; i++) {
          const from = (i * 13) % input.length; // a duplicate arrives a little after its original
          input.splice(Math.min(input.length, from + 1 + (i % 5)), 0, input[from] as number);
        }
        const out: number[] = [];
        const rb = new RtpReorderBuffer<number>({
          onRelease: (x, seq) => out.push(seq === x ? x : -1),
          maxWaitPackets: 32,
        });
        for (const s of input) rb.push(s, s);
        rb.flush();
        return out.length === n && out.every((s, i) => s === seqs[i]) && rb.stats.skipped === 0;
      },
    ),
  );
  t.pass();
});

t.test('a real hole is skipped after maxWaitPackets newer packets; late arrivals dropped', async (t) => {
  const out: number[] = [];
  const rb = new RtpReorderBuffer<number>({ onRelease: (x) => out.push(x), maxWaitPackets: 4 });
  rb.push(10, 10);
  for (const s of [12, 13, 14]) rb.push(s, s);
  t.same(out, [10], 'waiting for 11');
  t.equal(rb.pending, 3);
  rb.push(15, 15);
  t.same(out, [10, 12, 13, 14, 15], 'gave 11 up');
  rb.push(11, 11);
  t.equal(rb.stats.late, 1);
  t.equal(rb.stats.skipped, 1);
  rb.push(15, 15);
  t.equal(rb.stats.late, 2, 'a duplicate of a released packet is late');
  // a jump past the window gives up the holes that no longer fit, then waits as usual
  rb.push(16 + 1000, 1016);
  t.equal(rb.pending, 1);
  t.equal(rb.stats.skipped, 1 + 1000 - 3, 'all but the last maxWait-1 holes before it');
  rb.flush();
  t.same(out.slice(-1), [1016]);
  t.throws(() => new RtpReorderBuffer({ onRelease: () => {}, capacity: 100 }), { code: 'RTP_BAD_ARGUMENT' });
});

t.test('reorder buffer + depacketizer: reordered packets lose no access unit', async (t) => {
  fc.assert(
    fc.property(
      fc.array(fc.nat(), { minLength: 1, maxLength: 40 }),
      fc.integer({ min: 50, max: 1200 }),
      (keys, mtu) => {
        const aus: Uint8Array[][] = [];
        for (let i = 0; i < 12; i++) {
          const slice = new Uint8Array(200 + i * 150).fill(i);
          slice[0] = i === 0 ? 0x65 : 0x41;
          slice[1] = 0x80 | i; // first_mb_in_slice = 0
          aus.push(
            i === 0 ? [Uint8Array.of(0x67, 0x42, 0xc0, 0x1f), Uint8Array.of(0x68, 0xce), slice] : [slice],
          );
        }
        const pkts: Uint8Array[] = [];
        let seq = 65520;
        const p = new H264Packetizer({ mtu });
        aus.forEach((au, i) =>
          p.packetize(au, (pkt) => pkts.push((rewriteRtpHeaderFields(pkt, 1, seq++, i * 3000, 96), pkt))),
        );
        const got: AccessUnit[] = [];
        const d = new H264Depacketizer({ onAccessUnit: (au) => got.push(au) });
        const rb = new RtpReorderBuffer<Uint8Array>({ onRelease: (pkt) => d.pushPacket(decodeRtp(pkt)) });
        const input = jitter(pkts, keys, 8);
        input.splice(input.indexOf(pkts[0] as Uint8Array), 1);
        input.unshift(pkts[0] as Uint8Array);
        for (const pkt of input) rb.push(decodeRtp(pkt).sequenceNumber, pkt);
        rb.flush();
        return (
          got.length === aus.length &&
          got.every((au, i) => Buffer.from(au.annexB).equals(joinAnnexB(aus[i] as Uint8Array[])))
        );
      },
    ),
    { numRuns: 100 },
  );
  t.pass();
});
