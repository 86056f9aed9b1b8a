/**
 * Throw-away PKI for TLS/mTLS tests, made with the openssl CLI in a temp dir at test time (no
 * private key is ever committed): a CA, a server certificate for 127.0.0.1/localhost, and client
 * certificates signed by that CA or by an unrelated one.
 */
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';

export interface KeyPair {
  /** Certificate, PEM. */
  readonly cert: string;
  /** Private key, PEM (PKCS#8). */
  readonly key: string;
  /** Paths of the same, for code that takes files. */
  readonly certFile: string;
  readonly keyFile: string;
}

export interface TestPki {
  readonly dir: string;
  readonly ca: KeyPair;
  /** Server certificate (SAN IP:127.0.0.1, DNS:localhost) signed by `ca`. */
  readonly server: KeyPair;
  /** Client certificate (CN=fleet-manager, clientAuth) signed by `ca`. */
  readonly client: KeyPair;
  /** A second, unrelated CA and a client certificate it signed: the stranger. */
  readonly otherCa: KeyPair;
  readonly otherClient: KeyPair;
  /** Removes the directory. */
  close(): void;
}

function openssl(args: string[], cwd: string): void {
  try {
    execFileSync('openssl', args, { cwd, stdio: ['ignore', 'ignore', 'pipe'] });
  } catch (err) {
    const e = err as NodeJS.ErrnoException & { stderr?: Buffer };
    if (e.code === 'ENOENT')
      throw new Error('openssl CLI not found: apt-get install -y openssl', { cause: err });
    throw new Error(`openssl ${args[0]} failed: ${e.stderr?.toString() ?? String(err)}`, { cause: err });
  }
}

function pair(dir: string, name: string): KeyPair {
  const certFile = path.join(dir, `${name}.crt`);
  const keyFile = path.join(dir, `${name}.key`);
  return { cert: readFileSync(certFile, 'utf8'), key: readFileSync(keyFile, 'utf8'), certFile, keyFile };
}

/** `openssl req` arguments for a new P-256 key and a subject `CN=<name>`. */
function newKeyArgs(name: string): string[] {
  return `-newkey ec -pkeyopt ec_paramgen_curve:P-256 -nodes -keyout ${name}.key -subj /CN=${name}`.split(
    ' ',
  );
}

function makeCa(dir: string, name: string): void {
  const ext = [
    '-addext',
    'basicConstraints=critical,CA:TRUE',
    '-addext',
    'keyUsage=critical,keyCertSign,cRLSign',
  ];
  openssl(['req', '-x509', ...newKeyArgs(name), '-out', `${name}.crt`, '-days', '1', ...ext], dir);
}

function makeLeaf(dir: string, name: string, ca: string, ext: string): void {
  openssl(['req', ...newKeyArgs(name), '-out', `${name}.csr`], dir);
  writeFileSync(path.join(dir, `${name}.ext`), ext);
  const sign = `x509 -req -in ${name}.csr -CA ${ca}.crt -CAkey ${ca}.key -CAcreateserial -days 1`.split(' ');
  openssl([...sign, '-out', `${name}.crt`, '-extfile', `${name}.ext`], dir);
}

/**
 * @example
 * const pki = createTestPki(); t.teardown(() => pki.close());
 * grpc.ServerCredentials.createSsl(Buffer.from(pki.ca.cert), [{ cert_chain: ..., private_key: ... }], true);
 */
export function createTestPki(): TestPki {
  const dir = mkdtempSync(path.join(tmpdir(), 'edgegw-pki-'));
  try {
    makeCa(dir, 'ca');
    makeCa(dir, 'other-ca');
    makeLeaf(dir, 'server', 'ca', 'subjectAltName=IP:127.0.0.1,DNS:localhost\nextendedKeyUsage=serverAuth\n');
    makeLeaf(dir, 'fleet-manager', 'ca', 'extendedKeyUsage=clientAuth\n');
    makeLeaf(dir, 'stranger', 'other-ca', 'extendedKeyUsage=clientAuth\n');
  } catch (err) {
    rmSync(dir, { recursive: true, force: true });
    throw err;
  }
  return {
    dir,
    ca: pair(dir, 'ca'),
    server: pair(dir, 'server'),
    client: pair(dir, 'fleet-manager'),
    otherCa: pair(dir, 'other-ca'),
    otherClient: pair(dir, 'stranger'),
    close: () => rmSync(dir, { recursive: true, force: true }),
  };
}
