import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import t from 'tap';
import { StateIoError, openRuntimeState } from '../config/index.ts';
import type { RuntimeState, StateStore } from '../config/index.ts';
import { createEventHub, openMemoryStreamRegistry } from './index.ts';
import type { StreamEntry, StreamSpec } from './index.ts';

const spec = (name: string, sourceUrl = `rtsp://cam/${name}`): StreamSpec => ({
  name,
  sourceUrl,
  rtspTransport: 'auto',
  description: '',
});

function tempDir(t: { teardown(fn: () => void): void }): string {
  const d = mkdtempSync(path.join(tmpdir(), 'edgegw-registry-'));
  t.teardown(() => rmSync(d, { recursive: true, force: true }));
  return d;
}

/** A store whose saves fail while `failing` is set. */
function flakyStore(dir: string): StateStore<RuntimeState> & { failing: boolean } {
  const real = openRuntimeState(dir);
  const store = {
    failing: false,
    path: real.path,
    load: () => real.load(),
    flush: () => real.flush(),
    save: (s: RuntimeState) =>
      store.failing ? Promise.reject(new StateIoError(real.path, 'write (disk full)')) : real.save(s),
  };
  return store;
}

t.test('a failed save changes nothing: no stream, no event, no listener call', async (t) => {
  const store = flakyStore(tempDir(t));
  const events = createEventHub();
  const seen: string[] = [];
  events.subscribe({}, (e) => seen.push(e.kind));
  const added: StreamEntry[] = [];
  const reg = await openMemoryStreamRegistry({ store, events, listener: { added: (e) => added.push(e) } });
  await reg.add(spec('a'));
  store.failing = true;
  await t.rejects(reg.add(spec('b')), StateIoError);
  await t.rejects(reg.update('a', { description: 'x' }), StateIoError);
  await t.rejects(reg.remove('a'), StateIoError);
  t.same(
    (await reg.list()).map((e) => [e.name, e.description]),
    [['a', '']],
  );
  t.same(seen, ['stream_added']);
  t.same(
    added.map((e) => e.name),
    ['a'],
  );
  store.failing = false;
  await reg.add(spec('b'));
  t.same((await reg.list()).map((e) => e.name).sort(), ['a', 'b'], 'works again once the disk does');
});

t.test(
  'live status comes from the hub hook; runtime entries keep their timestamps across restarts',
  async (t) => {
    const dir = tempDir(t);
    let clock = new Date('2026-01-01T00:00:00.000Z');
    const reg = await openMemoryStreamRegistry({
      store: openRuntimeState(dir),
      now: () => clock,
      status: (name) =>
        name === 'a'
          ? {
              state: 'online',
              reason: '',
              viewers: 3,
              bytesIn: 1000,
              videoCodec: 'H264',
              width: 1280,
              height: 720,
            }
          : undefined,
    });
    await reg.add(spec('a'));
    clock = new Date('2026-01-02T00:00:00.000Z');
    await reg.update('a', { rtspTransport: 'tcp' });
    const a = await reg.get('a');
    t.match(a, { status: { state: 'online', viewers: 3, width: 1280 }, rtspTransport: 'tcp' });
    t.equal(a?.createdAt.toISOString(), '2026-01-01T00:00:00.000Z');
    t.equal(a?.updatedAt.toISOString(), '2026-01-02T00:00:00.000Z');
    await reg.flush();
    const again = await openMemoryStreamRegistry({ store: openRuntimeState(dir) });
    const b = await again.get('a');
    t.equal(b?.createdAt.toISOString(), '2026-01-01T00:00:00.000Z');
    t.equal(b?.status.state, 'unknown', 'no hub: unknown');
  },
);

t.test('a corrupt state file is reported through loaded, and the registry starts empty', async (t) => {
  const dir = tempDir(t);
  (await import('node:fs')).writeFileSync(path.join(dir, 'state.json'), '{"version":1,');
  const reg = await openMemoryStreamRegistry({ store: openRuntimeState(dir) });
  t.equal(reg.loaded.source, 'corrupt');
  t.match(reg.loaded.corrupt, { code: 'STATE_CORRUPT' });
  t.same(await reg.list(), []);
});
