import t from 'tap';
import { spawnSync } from 'node:child_process';
import { copyFileSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

/*
 * Issue 2: the dependency direction of DESIGN.md is enforced, and a violating import fails the lint
 * step CI runs. The rule set is run on small trees of our own (so the test cannot pass by accident
 * on a tree that happens to be clean), and on the real tree.
 */
const root = fileURLToPath(new URL('..', import.meta.url));
const depcruise = join(root, 'node_modules', '.bin', 'depcruise');

function cruise(files: Record<string, string>): { status: number | null; out: string } {
  const dir = mkdtempSync(join(tmpdir(), 'edgegw-deps-'));
  try {
    copyFileSync(join(root, '.dependency-cruiser.cjs'), join(dir, '.dependency-cruiser.cjs'));
    writeFileSync(
      join(dir, 'tsconfig.json'),
      JSON.stringify({ compilerOptions: { allowImportingTsExtensions: true, noEmit: true } }),
    );
    for (const [path, text] of Object.entries(files)) {
      mkdirSync(dirname(join(dir, path)), { recursive: true });
      writeFileSync(join(dir, path), text);
    }
    const r = spawnSync(depcruise, ['--config', '.dependency-cruiser.cjs', 'gateway'], {
      cwd: dir,
      encoding: 'utf8',
    });
    return { status: r.status, out: r.stdout + r.stderr };
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

const transport = { 'gateway/webrtc/transport/index.ts': 'export const clock = 1;\n' };

t.test('a leaf (srtp) importing transport fails', async (t) => {
  const r = cruise({
    ...transport,
    'gateway/webrtc/srtp/index.ts':
      "import { clock } from '../transport/index.ts';\nexport const x = clock;\n",
  });
  t.not(r.status, 0);
  t.match(r.out, /srtp-imports-only-nothing/);
});

t.test('reaching into another module past its index.ts fails', async (t) => {
  const r = cruise({
    'gateway/webrtc/transport/clock.ts': 'export const clock = 1;\n',
    'gateway/webrtc/transport/index.ts': "export { clock } from './clock.ts';\n",
    'gateway/webrtc/stun/index.ts':
      "import { clock } from '../transport/clock.ts';\nexport const x = clock;\n",
  });
  t.not(r.status, 0);
  t.match(r.out, /public-api-through-index/);
});

t.test('webrtc importing the edge (http) fails', async (t) => {
  const r = cruise({
    'gateway/http/index.ts': 'export const app = 1;\n',
    'gateway/webrtc/ice/index.ts': "import { app } from '../../http/index.ts';\nexport const x = app;\n",
  });
  t.not(r.status, 0);
  t.match(r.out, /webrtc-and-media-stay-below-the-edge/);
});

t.test('an allowed import (stun -> transport via index.ts) passes', async (t) => {
  const r = cruise({
    ...transport,
    'gateway/webrtc/stun/index.ts':
      "import { clock } from '../transport/index.ts';\nexport const x = clock;\n",
  });
  t.equal(r.status, 0, r.out);
});

t.test('the real tree passes', async (t) => {
  const r = spawnSync(depcruise, ['--config', '.dependency-cruiser.cjs', 'gateway'], {
    cwd: root,
    encoding: 'utf8',
  });
  t.equal(r.status, 0, r.stdout + r.stderr);
});
