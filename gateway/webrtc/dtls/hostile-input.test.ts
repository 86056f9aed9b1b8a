/**
 * Hostile input on live conns: garbage, truncated, bit-flipped, replayed and spoofed datagrams during
 * and after the handshake. Nothing may throw out of the conn; during the handshake the worst outcome
 * is a typed DtlsError; after it the association survives and keeps carrying data, and every drop is
 * counted.
 */
import t from 'tap';
import { ManualClock } from '../transport/index.ts';
import { ContentType } from './content-type.ts';
import { encodeRecord } from './record.ts';
import { dtlsClient, dtlsServer, DtlsError, generateCertificate, type DtlsCertificate } from './index.ts';
import { prng, testPipe, type TestPipeEnd } from './test-helpers.ts';

let certs: [DtlsCertificate, DtlsCertificate];
t.before(async () => {
  const c = new ManualClock();
  certs = [await generateCertificate(c), await generateCertificate(c)];
});

/** A hostile variant of a real datagram, or pure garbage. */
function mutate(rnd: () => number, real: Uint8Array | undefined): Uint8Array {
  const kind = Math.floor(rnd() * 5);
  if (!real || kind === 0)
    return Uint8Array.from({ length: Math.floor(rnd() * 300) }, () => Math.floor(rnd() * 256));
  const d = Uint8Array.from(real);
  if (kind === 1) return d.subarray(0, Math.floor(rnd() * d.length)); // truncated
  if (kind === 2) {
    for (let i = 0; i < 1 + rnd() * 4; i++) {
      const at = Math.floor(rnd() * d.length);
      d[at] = (d[at] ?? 0) ^ (1 << Math.floor(rnd() * 8)); // bit flips
    }
    return d;
  }
  if (kind === 3) return d; // replay as is
  // a record header claiming more than there is
  const v = new DataView(d.buffer);
  if (d.length >= 13) v.setUint16(11, 0xffff);
  return d;
}

async function tick(clock: ManualClock, ms: number): Promise<void> {
  for (let i = 0; i < ms; i += 10) {
    clock.advance(10);
    await new Promise((r) => setImmediate(r));
  }
}

t.test('garbage during the handshake: no throw, typed outcome; mostly still connects', async (t) => {
  let connectedRuns = 0;
  const runs = 30;
  for (let seed = 1; seed <= runs; seed++) {
    const rnd = prng(seed);
    const clock = new ManualClock();
    const [a, b] = testPipe();
    const inject = (end: TestPipeEnd, seen: Uint8Array[]): void => {
      const real = seen[Math.floor(rnd() * seen.length)];
      const bad = mutate(rnd, real);
      end.handler?.(bad, end.remoteAddr);
    };
    for (const [end, other] of [
      [a, b],
      [b, a],
    ] as const) {
      end.deliver = (fn) => {
        void clock.setTimer(1, fn);
        // Before every real datagram the attacker sends 1–3 hostile ones to the receiver.
        void clock.setTimer(1, () => {
          for (let i = 0; i < 1 + rnd() * 3; i++) inject(other, end.sent);
        });
      };
    }
    const server = dtlsServer(b, { certificate: certs[1], clock, handshakeTimeoutMs: 20_000 });
    const client = dtlsClient(a, { certificate: certs[0], clock, handshakeTimeoutMs: 20_000 });
    await tick(clock, 25_000);
    const settled = await Promise.allSettled([client, server]);
    for (const r of settled) {
      if (r.status === 'rejected')
        t.ok(
          r.reason instanceof DtlsError,
          `seed ${seed}: typed ${(r.reason as Error).name} ${(r.reason as DtlsError).code}: ${(r.reason as Error).message}`,
        );
    }
    if (settled.every((r) => r.status === 'fulfilled')) connectedRuns++;
    for (const r of settled) if (r.status === 'fulfilled') r.value.close();
  }
  t.ok(connectedRuns >= runs / 2, `${connectedRuns}/${runs} handshakes completed under attack`);
});

t.test(
  'after the handshake: garbage, flipped/replayed records, spoofed plaintext alerts are counted and dropped',
  async (t) => {
    const clock = new ManualClock();
    const [a, b] = testPipe();
    a.deliver = (fn) => void clock.setTimer(1, fn);
    b.deliver = (fn) => void clock.setTimer(1, fn);
    const sp = dtlsServer(b, { certificate: certs[1], clock });
    const cp = dtlsClient(a, { certificate: certs[0], clock });
    await tick(clock, 100);
    const [client, server] = await Promise.all([cp, sp]);
    const got: number[] = [];
    server.onData((d) => got.push(d[0] ?? -1));
    const rnd = prng(99);
    let n = 0;
    for (let i = 0; i < 500; i++) {
      client.send(Uint8Array.of(n++ & 0xff));
      const real = a.sent[a.sent.length - 1];
      b.handler?.(mutate(rnd, real), a.localAddr);
      if (i % 50 === 0) {
        // A spoofed plaintext fatal alert (epoch 0): unauthenticated, must not close us.
        b.handler?.(
          encodeRecord({
            type: ContentType.alert,
            version: 0xfefd,
            epoch: 0,
            seq: 1000 + i,
            fragment: Uint8Array.of(2, 40),
          }),
          a.localAddr,
        );
      }
      await tick(clock, 10);
    }
    t.notOk(server.closed, 'server still connected');
    t.equal(got.length, 500, 'every real record delivered exactly once');
    const s = server.stats;
    t.ok(s.badMacRecords > 0, `bad MAC ${s.badMacRecords}`);
    t.ok(s.replayedRecords > 0, `replayed ${s.replayedRecords}`);
    t.ok(s.malformedRecords > 0, `malformed ${s.malformedRecords}`);
    t.ok(s.droppedRecords >= 10, `dropped ${s.droppedRecords}`);
    client.close();
  },
);
