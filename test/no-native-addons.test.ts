import t from 'tap';
import { execFileSync } from 'node:child_process';
import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';

/*
 * The image copies one node_modules to amd64, arm64 and riscv64 (DESIGN.md): a runtime dependency
 * with a native addon would make one architecture a port instead of a copy. Dev dependencies
 * (node-datachannel, esbuild) are test tools and never reach the image.
 */
const root = new URL('..', import.meta.url).pathname;

function runtimePackageDirs(): string[] {
  const out = execFileSync('npm', ['ls', '--omit=dev', '--all', '--parseable'], {
    cwd: root,
    encoding: 'utf8',
  });
  return out
    .split('\n')
    .map((l) => l.trim())
    .filter((l) => l && l !== root.replace(/\/$/, ''));
}

function nativeFiles(dir: string, depth = 0): string[] {
  const found: string[] = [];
  if (depth > 6) return found;
  for (const name of readdirSync(dir)) {
    if (name === 'node_modules') continue;
    const p = join(dir, name);
    const st = statSync(p, { throwIfNoEntry: false });
    if (!st) continue;
    if (st.isDirectory()) found.push(...nativeFiles(p, depth + 1));
    else if (name === 'binding.gyp' || name.endsWith('.node')) found.push(p);
  }
  return found;
}

t.test('no runtime dependency ships or builds a native addon', async (t) => {
  const dirs = runtimePackageDirs();
  t.ok(dirs.length > 20, `found ${dirs.length} runtime packages`);
  const offenders: string[] = [];
  for (const d of dirs) {
    offenders.push(...nativeFiles(d));
    const pkgPath = join(d, 'package.json');
    if (existsSync(pkgPath)) {
      const pkg = JSON.parse(readFileSync(pkgPath, 'utf8')) as {
        gypfile?: boolean;
        scripts?: Record<string, string>;
      };
      if (pkg.gypfile) offenders.push(`${d} (gypfile)`);
      const install = pkg.scripts?.install ?? '';
      if (/node-gyp|prebuild|node-pre-gyp/.test(install)) offenders.push(`${d} (install: ${install})`);
    }
  }
  t.same(offenders, [], 'native addons in runtime dependencies');
});

t.test('the check would see one: the dev-only node-datachannel is native', async (t) => {
  // Its binary comes in a per-platform optional package (@node-datachannel/linux-x64-gnu here).
  const d = join(root, 'node_modules', '@node-datachannel');
  t.ok(nativeFiles(d).length > 0, 'node-datachannel ships a .node binary');
  t.notOk(
    runtimePackageDirs().some((p) => /node-datachannel/.test(p)),
    'and it is not a runtime dependency',
  );
});
