/**
 * Interop with OpenSSL (the DTLS stack of libdatachannel/node-datachannel and many SFUs) through the
 * `openssl s_server` / `s_client` CLI over loopback UDP. OpenSSL prints the RFC 5705 keying material
 * it exported (`-keymatexport EXTRACTOR-dtls_srtp`), so both sides' DTLS-SRTP keys are compared, and
 * application data crosses both ways through its stdin/stdout.
 */
import { execFileSync, spawn, type ChildProcessWithoutNullStreams } from 'node:child_process';
import dgram from 'node:dgram';
import { once } from 'node:events';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import t from 'tap';
import { addr, systemClock } from '../transport/index.ts';
import {
  dtlsClient,
  dtlsServer,
  fingerprint,
  generateCertificate,
  NamedGroup,
  supportedCipherSuites,
  type DtlsConn,
} from './index.ts';
import { LoopbackUdpConn } from './test-helpers.ts';

/** A missing openssl CLI fails the tests (with the install command), it does not skip them. */
let openssl = '';
try {
  openssl = execFileSync('which', ['openssl']).toString().trim();
} catch {
  openssl = '';
}
if (!openssl) t.fail('openssl CLI not found: apt-get install openssl');

async function bind(): Promise<dgram.Socket> {
  const s = dgram.createSocket('udp4');
  s.bind(0, '127.0.0.1');
  await once(s, 'listening');
  return s;
}

async function freePort(): Promise<number> {
  const s = await bind();
  const p = s.address().port;
  s.close();
  return p;
}

/** Collects a child's stdout; `waitFor` resolves with the first match of `re`. */
class Peer {
  out = '';
  constructor(readonly proc: ChildProcessWithoutNullStreams) {
    proc.stdout.on('data', (d: Buffer) => (this.out += d.toString()));
    proc.stderr.on('data', (d: Buffer) => (this.out += d.toString()));
  }
  async waitFor(re: RegExp, ms = 5000): Promise<RegExpExecArray> {
    const end = performance.now() + ms;
    for (;;) {
      const m = re.exec(this.out);
      if (m) return m;
      if (performance.now() > end || this.proc.exitCode !== null) {
        throw new Error(`openssl never printed ${re}; output:\n${this.out}`);
      }
      await new Promise((r) => setTimeout(r, 20));
    }
  }
  stop(): void {
    if (this.proc.exitCode === null) this.proc.kill();
  }
}

const SRTP = ['-use_srtp', 'SRTP_AEAD_AES_128_GCM:SRTP_AES128_CM_SHA1_80'];
const KEYMAT = ['-keymatexport', 'EXTRACTOR-dtls_srtp', '-keymatexportlen', '56'];
const OSSL_SUITE: Record<number, string> = {
  0xc02b: 'ECDHE-ECDSA-AES128-GCM-SHA256',
  0xc02c: 'ECDHE-ECDSA-AES256-GCM-SHA384',
  0xcca9: 'ECDHE-ECDSA-CHACHA20-POLY1305',
  0xc02f: 'ECDHE-RSA-AES128-GCM-SHA256',
  0xcca8: 'ECDHE-RSA-CHACHA20-POLY1305',
};

let dir = '';
let opensslDer = new Uint8Array(0);
let opensslRsaDer = new Uint8Array(0);
t.before(() => {
  dir = mkdtempSync(join(tmpdir(), 'dtls-openssl-'));
  execFileSync(
    openssl,
    [
      'req',
      '-x509',
      '-newkey',
      'ec',
      '-pkeyopt',
      'ec_paramgen_curve:prime256v1',
      '-nodes',
      '-subj',
      '/CN=openssl-peer',
      '-days',
      '2',
      '-keyout',
      join(dir, 'k.pem'),
      '-out',
      join(dir, 'c.pem'),
    ],
    { stdio: 'ignore' },
  );
  // An RSA server too: our client then speaks ECDHE_RSA and verifies OpenSSL's ServerKeyExchange
  // signature, which OpenSSL makes with rsa_pss_rsae_sha256 (0x0804) from our signature_algorithms.
  execFileSync(
    openssl,
    ['req', '-x509', '-newkey', 'rsa:2048', '-nodes', '-subj', '/CN=openssl-rsa', '-days', '2'].concat([
      '-keyout',
      join(dir, 'rk.pem'),
      '-out',
      join(dir, 'rc.pem'),
    ]),
    { stdio: 'ignore' },
  );
  const rsaPem = readFileSync(join(dir, 'rc.pem'), 'utf8');
  opensslRsaDer = new Uint8Array(
    Buffer.from(rsaPem.replace(/-----[^-]+-----/g, '').replace(/\s+/g, ''), 'base64'),
  );
  const pem = readFileSync(join(dir, 'c.pem'), 'utf8');
  opensslDer = new Uint8Array(Buffer.from(pem.replace(/-----[^-]+-----/g, '').replace(/\s+/g, ''), 'base64'));
});
t.teardown(() => {
  if (dir) rmSync(dir, { recursive: true, force: true });
});

type Asserts = Pick<typeof t, 'match' | 'equal'>;

async function exchangeData(t: Asserts, conn: DtlsConn, peer: Peer): Promise<void> {
  conn.send(new TextEncoder().encode('hello-openssl\n'));
  await peer.waitFor(/hello-openssl/);
  const got = new Promise<string>((r) => conn.onData((d) => r(Buffer.from(d).toString())));
  peer.proc.stdin.write('hello-from-openssl\n');
  t.match(await got, /hello-from-openssl/);
}

const cases: [number, number, boolean, 'ec' | 'rsa'][] = [];
for (const s of supportedCipherSuites.filter((x) => x.auth === 'ecdsa'))
  for (const g of [NamedGroup.x25519, NamedGroup.secp256r1]) cases.push([s.id, g, false, 'ec']);
cases.push([0xc02b, NamedGroup.x25519, true, 'ec']);
cases.push([0xc02f, NamedGroup.x25519, false, 'rsa'], [0xcca8, NamedGroup.secp256r1, false, 'rsa']);

for (const [suite, group, listen, key] of cases) {
  const name = `our client -> openssl s_server ${OSSL_SUITE[suite]} group ${group}${listen ? ' (-listen: HelloVerifyRequest)' : ''}`;
  t.test(name, async (t) => {
    const port = await freePort();
    const args = [
      's_server',
      '-dtls1_2',
      '-accept',
      `127.0.0.1:${port}`,
      '-cert',
      join(dir, key === 'rsa' ? 'rc.pem' : 'c.pem'),
      '-key',
      join(dir, key === 'rsa' ? 'rk.pem' : 'k.pem'),
    ];
    args.push(...SRTP, ...KEYMAT, '-Verify', '1', '-naccept', '1');
    // OpenSSL's -groups also bounds the curve of the client's ECDSA certificate: keep P-256 listed.
    args.push('-groups', group === NamedGroup.x25519 ? 'X25519:P-256' : 'P-256');
    if (listen) args.push('-listen');
    const peer = new Peer(spawn(openssl, args));
    t.teardown(() => peer.stop());
    await peer.waitFor(/ACCEPT/);
    const conn = new LoopbackUdpConn(await bind(), addr('127.0.0.1', port));
    const ours = await generateCertificate(systemClock);
    const client = await dtlsClient(conn, {
      certificate: ours,
      remoteFingerprint: fingerprint(key === 'rsa' ? opensslRsaDer : opensslDer),
      cipherSuites: [suite],
      groups: [group],
      handshakeTimeoutMs: 10_000,
    });
    t.teardown(() => client.close());
    t.teardown(() => {
      if (t.passing()) return;
      t.comment(peer.out);
    });
    const km = await peer.waitFor(/Keying material: ([0-9A-F]+)/);
    t.equal(
      Buffer.from(client.exportKeyingMaterial('EXTRACTOR-dtls_srtp', undefined, 56))
        .toString('hex')
        .toUpperCase(),
      km[1],
    );
    t.equal(client.selectedSrtpProfile, 0x0007);
    t.equal(client.namedGroup, group);
    t.match(peer.out, `CIPHER is ${OSSL_SUITE[suite]}`);
    t.match(peer.out, /SRTP Extension negotiated, profile=SRTP_AEAD_AES_128_GCM/);
    t.ok(client.extendedMasterSecret, 'extended master secret negotiated');
    await exchangeData(t, client, peer);
  });
}

for (const [suite, group] of [
  // s_client's -groups also bounds our certificate's curve (P-256); our server prefers x25519.
  [0xc02b, 'X25519:P-256'],
  [0xcca9, 'P-256'],
] as const) {
  t.test(`openssl s_client -> our server ${OSSL_SUITE[suite]} ${group}`, async (t) => {
    const conn = new LoopbackUdpConn(await bind());
    const ours = await generateCertificate(systemClock);
    const serverP = dtlsServer(conn, {
      certificate: ours,
      remoteFingerprint: fingerprint(opensslDer),
      handshakeTimeoutMs: 10_000,
    });
    const args = [
      's_client',
      '-dtls1_2',
      '-connect',
      `127.0.0.1:${conn.localAddr.port}`,
      '-cert',
      join(dir, 'c.pem'),
    ];
    args.push(
      '-key',
      join(dir, 'k.pem'),
      '-cipher',
      OSSL_SUITE[suite] ?? '',
      '-groups',
      group,
      ...SRTP,
      ...KEYMAT,
    );
    const peer = new Peer(spawn(openssl, args));
    t.teardown(() => peer.stop());
    const server = await serverP;
    t.teardown(() => server.close());
    t.teardown(() => {
      if (!t.passing()) t.comment(peer.out);
    });
    const km = await peer.waitFor(/Keying material: ([0-9A-F]+)/);
    t.equal(
      Buffer.from(server.exportKeyingMaterial('EXTRACTOR-dtls_srtp', undefined, 56))
        .toString('hex')
        .toUpperCase(),
      km[1],
    );
    t.equal(server.selectedSrtpProfile, 0x0007);
    t.equal(server.namedGroup, group === 'X25519:P-256' ? NamedGroup.x25519 : NamedGroup.secp256r1);
    t.equal(server.remoteFingerprint, fingerprint(opensslDer));
    t.match(peer.out, /Verify return code: 18/, 'openssl saw our self-signed certificate');
    await exchangeData(t, server, peer);
  });
}
