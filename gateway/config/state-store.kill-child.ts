/**
 * Child process of state-store.test.ts: loads the runtime state, reports what it found, then saves
 * numbered states in a tight loop until it is SIGKILLed. Not a test by itself.
 * argv: <dataDir>. stdout: one JSON line `{ source, seq }` after the load and the first save.
 */
import { openRuntimeState } from './runtime-state.ts';
import { stateNumber } from './state-store.kill-state.ts';

const dir = process.argv[2];
if (dir === undefined) throw new Error('usage: state-store.kill-child.ts <dataDir>');
const store = openRuntimeState(dir);
const loaded = await store.load();
const start = loaded.source === 'file' ? Number(loaded.state.streams[0]?.description ?? '0') + 1 : 1;
await store.save(stateNumber(start));
process.stdout.write(JSON.stringify({ source: loaded.source, seq: start }) + '\n');
for (let seq = start + 1; ; seq++) await store.save(stateNumber(seq));
