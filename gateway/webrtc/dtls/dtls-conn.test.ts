import t from 'tap';
import { ManualClock } from '../transport/index.ts';
import {
  dtlsClient,
  dtlsServer,
  generateCertificate,
  NamedGroup,
  supportedCipherSuites,
  type DtlsCertificate,
  type DtlsConn,
  type DtlsOptions,
} from './index.ts';
import { prng, testPipe, type TestPipeEnd } from './test-helpers.ts';

const enc = new TextEncoder();
const dec = new TextDecoder();

let certs: [DtlsCertificate, DtlsCertificate];
t.before(async () => {
  const c = new ManualClock();
  certs = [await generateCertificate(c), await generateCertificate(c)];
});

type TapTest = Pick<typeof t, 'same'>;

interface Setup {
  clock: ManualClock;
  a: TestPipeEnd;
  b: TestPipeEnd;
  client: Promise<DtlsConn>;
  server: Promise<DtlsConn>;
}

/** Client on `a`, server on `b`; datagrams cross the pipe after `delay()` ms of ManualClock time. */
function setup(
  opts: {
    client?: Partial<DtlsOptions>;
    server?: Partial<DtlsOptions>;
    delay?: () => number;
    /** Runs before either side sends anything (the client's first ClientHello leaves at once). */
    wire?: (a: TestPipeEnd, b: TestPipeEnd, clock: ManualClock) => void;
  } = {},
): Setup {
  const clock = new ManualClock();
  const [a, b] = testPipe();
  const delay = opts.delay ?? (() => 1);
  a.deliver = (fn) => void clock.setTimer(delay(), fn);
  b.deliver = (fn) => void clock.setTimer(delay(), fn);
  opts.wire?.(a, b, clock);
  const server = dtlsServer(b, {
    certificate: certs[1],
    clock,
    remoteFingerprint: certs[0].fingerprint,
    ...opts.server,
  });
  const client = dtlsClient(a, {
    certificate: certs[0],
    clock,
    remoteFingerprint: certs[1].fingerprint,
    ...opts.client,
  });
  return { clock, a, b, client, server };
}

/** Advances virtual time in steps, letting promise callbacks run between them. */
async function run(clock: ManualClock, ms: number, step = 10): Promise<void> {
  for (let i = 0; i < ms; i += step) {
    clock.advance(step);
    await new Promise((r) => setImmediate(r));
  }
}

/** Runs virtual time until both sides settled (or `ms` passed), then returns both conns. */
async function connected(s: Setup, ms = 2000): Promise<[DtlsConn, DtlsConn]> {
  let settled = 0;
  const both = Promise.all([s.client, s.server]);
  for (const p of [s.client, s.server])
    p.then(
      () => settled++,
      () => settled++,
    );
  for (let i = 0; i < ms && settled < 2; i += 10) {
    s.clock.advance(10);
    await new Promise((r) => setImmediate(r));
  }
  return both;
}

async function roundTrip(t: TapTest, s: Setup, client: DtlsConn, server: DtlsConn): Promise<void> {
  const got: string[] = [];
  server.onData((d) => {
    got.push(dec.decode(d));
    server.send(d);
  });
  const back: string[] = [];
  client.onData((d) => back.push(dec.decode(d)));
  client.send(enc.encode('ping'));
  await run(s.clock, 20);
  t.same(got, ['ping'], 'server got application data');
  t.same(back, ['ping'], 'client got the echo');
}

for (const suite of supportedCipherSuites.filter((s) => s.auth === 'ecdsa')) {
  for (const group of [NamedGroup.x25519, NamedGroup.secp256r1]) {
    t.test(`handshake ${suite.name} over group ${group}`, async (t) => {
      const s = setup({ client: { cipherSuites: [suite.id], groups: [group] } });
      const [client, server] = await connected(s);
      t.equal(client.cipherSuite, suite.name);
      t.equal(server.cipherSuite, suite.name);
      t.equal(client.selectedSrtpProfile, 0x0007, 'AEAD_AES_128_GCM first by default');
      t.ok(client.extendedMasterSecret && server.extendedMasterSecret, 'EMS negotiated');
      t.same(
        client.exportKeyingMaterial('EXTRACTOR-dtls_srtp', undefined, 56),
        server.exportKeyingMaterial('EXTRACTOR-dtls_srtp', undefined, 56),
      );
      t.notSame(
        client.exportKeyingMaterial('EXTRACTOR-dtls_srtp', new Uint8Array([1]), 56),
        client.exportKeyingMaterial('EXTRACTOR-dtls_srtp', undefined, 56),
        'context changes the output (RFC 5705 §4)',
      );
      t.equal(client.remoteFingerprint, certs[1].fingerprint);
      t.equal(server.remoteFingerprint, certs[0].fingerprint);
      await roundTrip(t, s, client, server);
      client.close();
      server.close();
    });
  }
}

t.test('server picks the SRTP profile by its own preference', async (t) => {
  const s = setup({ client: { srtpProfiles: [0x0007, 0x0001] }, server: { srtpProfiles: [0x0001, 0x0007] } });
  const [client, server] = await connected(s);
  t.equal(client.selectedSrtpProfile, 0x0001);
  t.equal(server.selectedSrtpProfile, 0x0001);
  client.close();
});

t.test('without HelloVerifyRequest and without client certificate', async (t) => {
  const s = setup({
    server: { helloVerify: false, requireClientCertificate: false, remoteFingerprint: undefined },
  });
  const [client, server] = await connected(s);
  t.equal(server.remoteCertificate, undefined, 'no client certificate requested');
  await roundTrip(t, s, client, server);
  client.close();
});

// Datagram indexes: client sends CH, CH+cookie, flight 5; server sends HVR, flight 4, flight 6.
for (const [name, dropClient, dropServer] of [
  ['first ClientHello', [0], []],
  ['HelloVerifyRequest', [], [0]],
  ['flight 4', [], [1]],
  ['flight 5', [2], []],
  ['flight 6', [], [2]],
  ['flights 4 and 5 twice', [2, 3], [1, 2]],
] as const) {
  t.test(`a lost ${name} is retransmitted`, async (t) => {
    let ci = 0;
    let si = 0;
    const s = setup({
      wire: (a, b) => {
        a.filter = () => !(dropClient as readonly number[]).includes(ci++);
        b.filter = () => !(dropServer as readonly number[]).includes(si++);
      },
    });
    const [client, server] = await connected(s, 8000);
    t.ok(client.stats.retransmissions + server.stats.retransmissions > 0, 'something was retransmitted');
    await roundTrip(t, s, client, server);
    client.close();
  });
}

t.test('retransmission timer starts at 1 s and doubles (RFC 6347 §4.2.4.1)', async (t) => {
  const times: number[] = [];
  const s = setup({
    client: { handshakeTimeoutMs: 20_000 },
    wire: (a, _b, clock) => {
      a.filter = () => {
        times.push(clock.now());
        return false;
      };
    },
  });
  await run(s.clock, 20_000, 100);
  await t.rejects(s.client, { code: 'DTLS_HANDSHAKE_TIMEOUT' });
  s.server.catch(() => undefined);
  s.b.close();
  t.same(times, [0, 1000, 3000, 7000, 15000]);
  t.ok(s.a.closed, 'conn below closed');
});

t.test('retransmission timer is capped by retransmitMaxMs', async (t) => {
  const times: number[] = [];
  const s = setup({
    client: { handshakeTimeoutMs: 10_000, retransmitInitialMs: 500, retransmitMaxMs: 1000 },
    wire: (a, _b, clock) => {
      a.filter = () => {
        times.push(clock.now());
        return false;
      };
    },
  });
  await run(s.clock, 5000, 50);
  t.same(times, [0, 500, 1500, 2500, 3500, 4500]);
  await run(s.clock, 6000, 100);
  await t.rejects(s.client, { code: 'DTLS_HANDSHAKE_TIMEOUT' });
  s.server.catch(() => undefined);
  s.b.close();
});

t.test('random loss, duplication and reordering: every seed completes', async (t) => {
  for (let seed = 1; seed <= 25; seed++) {
    const rnd = prng(seed);
    const s = setup({
      delay: () => 1 + Math.floor(rnd() * 30),
      // 30 % loss can eat four HelloVerifyRequests in a row: give backoff room (1+2+4+8+16+32 s).
      client: { mtu: 300, handshakeTimeoutMs: 120_000 },
      server: { mtu: 300, handshakeTimeoutMs: 120_000 },
      wire: (a, b) => {
        for (const end of [a, b]) {
          const deliver = end.deliver;
          end.filter = () => rnd() > 0.3;
          end.deliver = (fn) => {
            deliver(fn);
            if (rnd() < 0.2) deliver(fn); // duplicate
          };
        }
      },
    });
    const [client, server] = await connected(s, 120_000);
    t.same(
      client.exportKeyingMaterial('EXTRACTOR-dtls_srtp', undefined, 32),
      server.exportKeyingMaterial('EXTRACTOR-dtls_srtp', undefined, 32),
      `seed ${seed}`,
    );
    client.close();
    server.close();
  }
});

t.test('small MTU fragments flights; every datagram fits', async (t) => {
  const mtu = 150;
  const s = setup({ client: { mtu }, server: { mtu } });
  const [client, server] = await connected(s);
  const all = [...s.a.sent, ...s.b.sent];
  t.ok(
    all.every((d) => d.length <= mtu),
    `max datagram ${Math.max(...all.map((d) => d.length))}`,
  );
  t.ok(s.b.sent.length > 6, `server flight 4 split into ${s.b.sent.length} datagrams`);
  await roundTrip(t, s, client, server);
  client.close();
});

t.test('wrong remote fingerprint: typed error and a fatal alert to the peer', async (t) => {
  const s = setup({ client: { remoteFingerprint: certs[0].fingerprint } });
  await run(s.clock, 100);
  await t.rejects(s.client, { code: 'DTLS_FINGERPRINT_MISMATCH', name: 'DtlsFingerprintMismatchError' });
  await t.rejects(s.server, { code: 'DTLS_REMOTE_ALERT', description: 42 });
});

t.test('server rejects a client certificate that does not match', async (t) => {
  const s = setup({ server: { remoteFingerprint: 'sha-256 ' + '00:'.repeat(31) + '00' } });
  await run(s.clock, 100);
  await t.rejects(s.server, { code: 'DTLS_FINGERPRINT_MISMATCH' });
  await t.rejects(s.client, { code: 'DTLS_REMOTE_ALERT', description: 42 });
});

t.test('no common cipher suite: handshake_failure', async (t) => {
  const s = setup({ client: { cipherSuites: [0xc02b] }, server: { cipherSuites: [0xc02c] } });
  await run(s.clock, 100);
  await t.rejects(s.server, { code: 'DTLS_NO_SHARED_CIPHER' });
  await t.rejects(s.client, { code: 'DTLS_REMOTE_ALERT', description: 40 });
});

t.test('a client offering only ECDHE_RSA suites cannot use our ECDSA server', async (t) => {
  const s = setup({ client: { cipherSuites: [0xc02f, 0xcca8] } });
  await run(s.clock, 100);
  await t.rejects(s.server, { code: 'DTLS_NO_SHARED_CIPHER' });
  await t.rejects(s.client, { code: 'DTLS_REMOTE_ALERT', description: 40 });
});

t.test('close sends close_notify; the peer closes cleanly', async (t) => {
  const s = setup();
  const [client, server] = await connected(s);
  const closed = new Promise<Error | undefined>((r) => server.onClose(r));
  client.close();
  await run(s.clock, 10);
  t.equal(await closed, undefined);
  t.ok(server.closed && s.b.closed);
  t.throws(() => client.send(enc.encode('x')), { code: 'TRANSPORT_CLOSED' });
  t.throws(() => client.exportKeyingMaterial('x', undefined, 1), { code: 'DTLS_NOT_CONNECTED' });
});

t.test('abort signal ends the handshake with DTLS_ABORTED', async (t) => {
  const ac = new AbortController();
  const s = setup({ server: { signal: ac.signal }, wire: (a) => void (a.filter = () => false) });
  ac.abort();
  await t.rejects(s.server, { code: 'DTLS_ABORTED' });
  s.client.catch(() => undefined);
  s.a.close();
});

t.test('the conn below closing during the handshake rejects with DTLS_CLOSED', async (t) => {
  const s = setup();
  s.a.close();
  await t.rejects(s.client, { code: 'DTLS_CLOSED' });
  s.server.catch(() => undefined);
  s.b.close();
});

t.test('application data that arrives before onData is queued; replays are dropped', async (t) => {
  const s = setup();
  const [client, server] = await connected(s);
  let last: Uint8Array | undefined;
  const send = s.a.send.bind(s.a);
  s.a.send = (d: Uint8Array) => {
    last = Uint8Array.from(d);
    send(d);
  };
  client.send(enc.encode('early'));
  await run(s.clock, 10);
  const got: string[] = [];
  server.onData((d) => got.push(dec.decode(d)));
  t.same(got, ['early']);
  if (last) s.b.handler?.(last, s.a.localAddr); // replay the same record
  t.equal(server.stats.replayedRecords, 1);
  t.same(got, ['early']);
  client.close();
});

t.test('a conn below that delivers synchronously and re-entrantly still completes', async (t) => {
  const clock = new ManualClock();
  const [a, b] = testPipe(); // default deliver: at once, inside the peer's send()
  const server = dtlsServer(b, { certificate: certs[1], clock });
  const client = dtlsClient(a, { certificate: certs[0], clock });
  const [c, s] = await Promise.all([client, server]);
  t.equal(c.stats.retransmissions + s.stats.retransmissions, 0, 'no retransmission needed');
  const got: string[] = [];
  s.onData((d) => {
    got.push(dec.decode(d));
    s.send(d);
  });
  const back: string[] = [];
  c.onData((d) => back.push(dec.decode(d)));
  c.send(enc.encode('sync'));
  t.same([got, back], [['sync'], ['sync']]);
  c.close();
});

t.test(
  'after the handshake: a fatal alert from the peer closes with a typed error; abort closes',
  async (t) => {
    const ac = new AbortController();
    const s = setup({ server: { signal: ac.signal } });
    const [client, server] = await connected(s);
    const clientClosed = new Promise<Error | undefined>((r) => client.onClose(r));
    // The server aborts: a clean close (close_notify), so the client closes without error.
    ac.abort();
    await run(s.clock, 10);
    t.ok(server.closed, 'abort closed the server');
    t.equal(await clientClosed, undefined);

    const s2 = setup();
    const [c2, s2conn] = await connected(s2);
    const closed = new Promise<Error | undefined>((r) => c2.onClose(r));
    // A protected fatal alert (internal_error) from the server side of the association.
    (s2conn as unknown as { sendAlert(level: number, d: number): void }).sendAlert(2, 80);
    await run(s2.clock, 10);
    const err = await closed;
    t.match(err, { code: 'DTLS_REMOTE_ALERT', description: 80, level: 2 });
    s2conn.close();
  },
);
