import t from 'tap';
import { spawnSync } from 'node:child_process';
import {
  chmodSync,
  copyFileSync,
  mkdtempSync,
  readFileSync,
  rmSync,
  writeFileSync,
  mkdirSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { REPO_ROOT } from './gateway-process.ts';

// setup.sh runs against shims of dpkg-query, apt-get, node and npm placed first on PATH: its logic
// is exercised without touching the machine's packages or node_modules.

interface Sandbox {
  dir: string;
  calls(): string[];
  run(args: string[], opts?: { uid?: number }): { status: number | null; stdout: string; stderr: string };
}

function sandbox(
  t: { teardown(fn: () => unknown): void },
  opts: { missing?: string[]; nodeVersion?: string; lockfile?: boolean; nodeModulesCurrent?: boolean },
): Sandbox {
  const dir = mkdtempSync(join(tmpdir(), 'edgegw-setup-'));
  chmodSync(dir, 0o755);
  t.teardown(() => rmSync(dir, { recursive: true, force: true }));
  const bin = join(dir, 'bin');
  mkdirSync(bin);
  const log = join(dir, 'calls.log');
  writeFileSync(log, '');
  chmodSync(log, 0o666);
  const shim = (name: string, body: string) => {
    writeFileSync(join(bin, name), `#!/bin/sh\necho "${name} $*" >> ${log}\n${body}\n`);
    chmodSync(join(bin, name), 0o755);
  };
  const missing = opts.missing ?? [];
  shim(
    'dpkg-query',
    `for last; do :; done; case " ${missing.join(' ')} " in *" $last "*) echo -n not-installed;; *) echo -n installed;; esac`,
  );
  shim('apt-get', 'exit 0');
  shim('node', `echo ${opts.nodeVersion ?? 'v20.19.0'}`);
  shim('npm', 'exit 0');
  copyFileSync(join(REPO_ROOT, 'setup.sh'), join(dir, 'setup.sh'));
  chmodSync(join(dir, 'setup.sh'), 0o755);
  writeFileSync(join(dir, 'package.json'), '{}');
  if (opts.lockfile !== false) writeFileSync(join(dir, 'package-lock.json'), '{}');
  if (opts.nodeModulesCurrent) {
    mkdirSync(join(dir, 'node_modules'));
    const hidden = join(dir, 'node_modules', '.package-lock.json');
    writeFileSync(hidden, '{}');
    const later = new Date(Date.now() + 60_000);
    spawnSync('touch', ['-d', later.toISOString(), hidden]);
  }
  return {
    dir,
    calls: () => readFileSync(log, 'utf8').split('\n').filter(Boolean),
    run: (args, { uid } = {}) => {
      const command =
        uid === undefined ? [] : ['setpriv', `--reuid=${uid}`, `--regid=${uid}`, '--clear-groups'];
      const [exe = '', ...rest] = [...command, join(dir, 'setup.sh'), ...args];
      const r = spawnSync(exe, rest, {
        env: { PATH: `${bin}:/usr/bin:/bin:/usr/sbin:/sbin`, HOME: dir },
        encoding: 'utf8',
      });
      return { status: r.status, stdout: r.stdout, stderr: r.stderr };
    },
  };
}

const isRoot = process.getuid?.() === 0;

t.test('warm machine: nothing to install, npm skipped', async (t) => {
  const s = sandbox(t, { nodeModulesCurrent: true });
  const r = s.run([]);
  t.equal(r.status, 0, r.stderr);
  t.match(r.stdout, /system packages: all 23 installed/);
  t.match(r.stdout, /node v20\.19\.0/);
  t.match(r.stdout, /node_modules is current/);
  t.notOk(
    s.calls().some((c) => c.startsWith('apt-get') || c.startsWith('npm')),
    'no apt-get, no npm',
  );
  const queried = s.calls().filter((c) => c.startsWith('dpkg-query'));
  t.equal(queried.length, 23, 'each package checked with dpkg-query');
  t.ok(queried.some((c) => c.endsWith(' chromium')));
  t.notOk(
    queried.some((c) => c.endsWith(' grpcurl')),
    'grpcurl is not packaged in Debian 12',
  );
});

t.test(
  'as root: apt-get update once, then install only the missing packages',
  { skip: !isRoot && 'needs root' },
  async (t) => {
    const s = sandbox(t, { missing: ['coturn', 'nats-server'] });
    const r = s.run(['--system-only']);
    t.equal(r.status, 0, r.stderr);
    t.same(
      s.calls().filter((c) => c.startsWith('apt-get')),
      [
        'apt-get update',
        'apt-get install -y --no-install-recommends -o DPkg::Lock::Timeout=600 nats-server coturn',
      ],
    );
    t.notOk(
      s.calls().some((c) => c.startsWith('npm') || c.startsWith('node')),
      '--system-only',
    );
  },
);

t.test(
  'not root with packages missing: prints the sudo command, exits 1',
  { skip: !isRoot && 'needs root to drop to nobody' },
  async (t) => {
    const s = sandbox(t, { missing: ['chromium'] });
    const r = s.run([], { uid: 65534 });
    t.equal(r.status, 1);
    t.match(r.stderr, 'missing Debian packages: chromium');
    t.match(r.stderr, 'sudo apt-get update');
    t.match(
      r.stderr,
      'sudo DEBIAN_FRONTEND=noninteractive apt-get install -y --no-install-recommends -o DPkg::Lock::Timeout=600 chromium',
    );
    t.notOk(s.calls().some((c) => c.startsWith('apt-get') || c.startsWith('npm')));
  },
);

t.test('Node older than 20 fails with how to get it', async (t) => {
  const s = sandbox(t, { nodeVersion: 'v18.19.0' });
  const r = s.run(['--npm-only']);
  t.equal(r.status, 1);
  t.match(r.stderr, 'Node v18.19.0 found; Node >= 20 is required');
  t.match(r.stderr, 'nodejs.org');
  t.notOk(s.calls().some((c) => c.startsWith('npm')));
});

t.test('npm ci with a lockfile, npm install without one', async (t) => {
  const withLock = sandbox(t, {});
  t.equal(withLock.run(['--npm-only']).status, 0);
  t.ok(withLock.calls().includes('npm ci'));
  const current = sandbox(t, { nodeModulesCurrent: true });
  t.equal(current.run(['--npm-only', '--force-npm']).status, 0);
  t.ok(current.calls().includes('npm ci'), '--force-npm reinstalls');
  const noLock = sandbox(t, { lockfile: false });
  t.equal(noLock.run(['--npm-only']).status, 0);
  t.ok(noLock.calls().includes('npm install'));
});

t.test('unknown option', async (t) => {
  const s = sandbox(t, {});
  const r = s.run(['--bogus']);
  t.equal(r.status, 2);
  t.match(r.stderr, 'unknown option --bogus');
});
