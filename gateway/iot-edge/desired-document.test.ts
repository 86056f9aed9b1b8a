import t from 'tap';
import { applyDesiredUpdate, mergePatch } from './desired-document.ts';

t.test('merge patch (RFC 7396 §3 examples)', async (t) => {
  t.same(mergePatch({ a: 'b' }, { a: 'c' }), { a: 'c' });
  t.same(mergePatch({ a: 'b' }, { b: 'c' }), { a: 'b', b: 'c' });
  t.same(mergePatch({ a: 'b' }, { a: null }), {});
  t.same(mergePatch({ a: 'b', b: 'c' }, { a: null }), { b: 'c' });
  t.same(mergePatch({ a: ['b'] }, { a: 'c' }), { a: 'c' });
  t.same(mergePatch({ a: { b: 'c' } }, { a: { b: 'd', c: null } }), { a: { b: 'd' } });
  t.same(mergePatch({ a: [{ b: 'c' }] }, { a: [1] }), { a: [1] });
  t.same(mergePatch({}, { a: { bb: { ccc: null } } }), { a: { bb: {} } });
  const target = { s: { cam: { url: 'x' } } };
  mergePatch(target, { s: { cam: null } });
  t.same(target, { s: { cam: { url: 'x' } } }, 'inputs unchanged');
});

t.test('$version: full replaces, next patch merges, stale and gaps are told apart', async (t) => {
  const full = applyDesiredUpdate(
    undefined,
    { streams: { a: { url: 'u' } }, $version: 4, $metadata: {} },
    true,
  );
  t.equal(full.kind, 'replaced');
  if (full.kind !== 'replaced') return;
  t.same(full.state, { version: 4, doc: { streams: { a: { url: 'u' } } } }, 'metadata dropped');
  const next = applyDesiredUpdate(full.state, { streams: { a: null, b: { url: 'v' } }, $version: 5 }, false);
  t.equal(next.kind, 'merged');
  if (next.kind !== 'merged') return;
  t.same(next.state, { version: 5, doc: { streams: { b: { url: 'v' } } } });
  t.same(applyDesiredUpdate(next.state, { streams: {}, $version: 5 }, false), { kind: 'stale', version: 5 });
  t.same(applyDesiredUpdate(next.state, { streams: {}, $version: 3 }, false), { kind: 'stale', version: 3 });
  t.same(
    applyDesiredUpdate(next.state, { streams: {}, $version: 4 }, true),
    { kind: 'stale', version: 4 },
    'an old full twin too',
  );
  t.equal(
    applyDesiredUpdate(next.state, { streams: {}, $version: 5 }, true).kind,
    'replaced',
    'same-version full twin re-applies',
  );
  t.same(applyDesiredUpdate(next.state, { $version: 7 }, false), { kind: 'gap', version: 7 });
  t.same(applyDesiredUpdate(undefined, { $version: 1 }, false), { kind: 'gap', version: 1 });
  for (const bad of [null, 3, 'x', [], {}, { $version: '5' }, { $version: -1 }, { $version: 1.5 }])
    t.same(applyDesiredUpdate(next.state, bad, false), { kind: 'invalid' }, JSON.stringify(bad));
});
