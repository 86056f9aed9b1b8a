import { spawn } from 'node:child_process';
import { mkdtempSync, readFileSync, readdirSync, rmSync, writeFileSync, existsSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import t from 'tap';
import {
  StateCorruptError,
  StateIoError,
  StateVersionError,
  createStateStore,
  openRuntimeState,
  runtimeStateSchema,
  type RuntimeState,
} from './index.ts';
import { stateNumber } from './state-store.kill-state.ts';

const here = path.dirname(fileURLToPath(import.meta.url));

function tempDir(t: { teardown(fn: () => void): void }): string {
  const d = mkdtempSync(path.join(tmpdir(), 'edgegw-state-'));
  t.teardown(() => rmSync(d, { recursive: true, force: true }));
  return d;
}

function recordingLogger() {
  const lines: { level: string; obj: object; msg: string | undefined }[] = [];
  return {
    lines,
    warn: (obj: object, msg?: string) => void lines.push({ level: 'warn', obj, msg }),
    error: (obj: object, msg?: string) => void lines.push({ level: 'error', obj, msg }),
  };
}

t.test('no file: empty state; save then load round-trips', async (t) => {
  const dir = path.join(tempDir(t), 'nested', 'data');
  const store = openRuntimeState(dir);
  t.same(await store.load(), { state: { version: 1, streams: [] }, source: 'empty' });
  const s = stateNumber(7);
  await store.save(s);
  t.same(JSON.parse(readFileSync(store.path, 'utf8')), s);
  const again = await openRuntimeState(dir).load();
  t.equal(again.source, 'file');
  t.same(again.state, s);
  t.same(readdirSync(dir), ['state.json'], 'no temp file left');
});

t.test('concurrent saves are serialised in call order; the last one wins', async (t) => {
  const dir = tempDir(t);
  const store = openRuntimeState(dir);
  const saves = Array.from({ length: 60 }, (_, i) => store.save(stateNumber(i)));
  await Promise.all(saves);
  t.same((await store.load()).state, stateNumber(59));
  t.same(readdirSync(dir), ['state.json']);
});

t.test('a failed save rejects with StateIoError and does not stop later saves', async (t) => {
  const dir = tempDir(t);
  const store = openRuntimeState(dir);
  await store.save(stateNumber(1));
  const bad = { version: 1, streams: [{ name: 'bad name!' }] } as unknown as RuntimeState;
  await t.rejects(store.save(bad), StateIoError);
  await t.rejects(store.save(bad), { code: 'STATE_IO', message: /fails its schema: streams\.0\./ });
  t.same(JSON.parse(readFileSync(store.path, 'utf8')), stateNumber(1), 'old state intact');
  await store.save(stateNumber(2));
  t.same((await store.load()).state, stateNumber(2));
});

t.test('a file that is not JSON is set aside, reported and logged; the gateway starts empty', async (t) => {
  const dir = tempDir(t);
  const garbage = '{"version":1,"streams":[{"name":"cam-1","sourceUrl":"rtsp://h/"';
  writeFileSync(path.join(dir, 'state.json'), garbage);
  const logger = recordingLogger();
  const store = createStateStore<RuntimeState>({
    dir,
    version: 1,
    schema: runtimeStateSchema,
    empty: () => ({ version: 1, streams: [] }),
    logger,
    now: () => new Date('2026-11-25T17:45:21.123Z'),
  });
  const res = await store.load();
  t.equal(res.source, 'corrupt');
  t.same(res.state, { version: 1, streams: [] });
  t.type(res.corrupt, StateCorruptError);
  const aside = path.join(dir, 'state.json.corrupt-2026-11-25T17-45-21.123Z');
  t.match(res.corrupt, { code: 'STATE_CORRUPT', setAsideAs: aside, problem: /^not JSON: / });
  t.equal(readFileSync(aside, 'utf8'), garbage, 'the bytes are kept for inspection');
  t.notOk(existsSync(store.path), 'the corrupt file is no longer in the way');
  t.ok(logger.lines.some((l) => l.level === 'error' && /is corrupt .*set aside as/.test(l.msg ?? '')));

  // The same timestamp again: a second file does not overwrite the first one set aside.
  writeFileSync(path.join(dir, 'state.json'), 'also garbage');
  const second = await store.load();
  t.equal(second.corrupt?.setAsideAs, `${aside}-1`);
  t.equal(readFileSync(aside, 'utf8'), garbage);
});

t.test('valid JSON that fails the schema is corrupt too, naming the field', async (t) => {
  const dir = tempDir(t);
  const doc = { version: 1, streams: [{ ...stateNumber(1).streams[0], rtspTransport: 'carrier-pigeon' }] };
  writeFileSync(path.join(dir, 'state.json'), JSON.stringify(doc));
  const res = await openRuntimeState(dir).load();
  t.equal(res.source, 'corrupt');
  t.match(res.corrupt?.problem, /^streams\.0\.rtspTransport: /);
  const dup = { version: 1, streams: [stateNumber(1).streams[0], stateNumber(1).streams[0]] };
  writeFileSync(path.join(dir, 'state.json'), JSON.stringify(dup));
  t.match((await openRuntimeState(dir).load()).corrupt?.problem, /duplicate stream names/);
});

t.test('a newer version is refused, not set aside (a downgrade must not destroy state)', async (t) => {
  const dir = tempDir(t);
  writeFileSync(path.join(dir, 'state.json'), JSON.stringify({ version: 2, streams: [], plugins: [] }));
  const err = await t.rejects(openRuntimeState(dir).load(), StateVersionError);
  t.match(err, { code: 'STATE_VERSION_UNSUPPORTED', found: 2, supported: 1 });
  t.same(readdirSync(dir), ['state.json']);
});

t.test('temp files a killed save left behind are removed on load', async (t) => {
  const dir = tempDir(t);
  await openRuntimeState(dir).save(stateNumber(3));
  writeFileSync(path.join(dir, '.state.json.tmp-999-0'), '{"version":1,"str');
  const logger = recordingLogger();
  const res = await openRuntimeState(dir, logger).load();
  t.same(res.state, stateNumber(3));
  t.same(readdirSync(dir), ['state.json']);
  t.ok(logger.lines.some((l) => l.level === 'warn'));
});

interface ChildReport {
  source: string;
  seq: number;
}

/** Starts the saving child, waits for its first report, lets it write for `ms`, SIGKILLs it. */
async function runAndKill(dir: string, ms: number): Promise<ChildReport> {
  const child = spawn(
    process.execPath,
    ['--import', 'tsx', path.join(here, 'state-store.kill-child.ts'), dir],
    {
      stdio: ['ignore', 'pipe', 'pipe'],
    },
  );
  let out = '';
  let err = '';
  child.stderr.on('data', (d: Buffer) => (err += d.toString()));
  const exited = new Promise<NodeJS.Signals | number | null>((resolve) =>
    child.once('exit', (code, signal) => resolve(signal ?? code)),
  );
  const report = await new Promise<ChildReport>((resolve, reject) => {
    child.stdout.on('data', (d: Buffer) => {
      out += d.toString();
      const nl = out.indexOf('\n');
      if (nl >= 0) resolve(JSON.parse(out.slice(0, nl)) as ChildReport);
    });
    void exited.then((how) => reject(new Error(`child exited (${String(how)}) before reporting: ${err}`)));
  });
  await new Promise((r) => setTimeout(r, ms));
  child.kill('SIGKILL');
  const how = await exited;
  if (how !== 'SIGKILL') throw new Error(`child ended with ${String(how)}, not SIGKILL: ${err}`);
  return report;
}

t.test('SIGKILL at random moments during saves always leaves the old or the new state', async (t) => {
  const dir = tempDir(t);
  let lastSeq = 0;
  let savesAfterFirst = 0;
  const kills = 6;
  for (let run = 0; run < kills; run++) {
    const ms = 30 + Math.floor(Math.random() * 250);
    const report = await runAndKill(dir, ms);
    // The child loaded what the previous run left: a whole, valid file every time.
    t.equal(report.source, run === 0 ? 'empty' : 'file', `run ${run}: child found ${report.source}`);
    t.ok(report.seq > lastSeq, `run ${run}: the child resumed after state ${lastSeq}`);
    const text = readFileSync(path.join(dir, 'state.json'), 'utf8');
    const parsed = runtimeStateSchema.safeParse(JSON.parse(text));
    t.ok(parsed.success, `run ${run} (killed after ${ms} ms): the file parses and validates`);
    if (!parsed.success) return;
    const seq = Number(parsed.data.streams[0]?.description);
    t.same(parsed.data, stateNumber(seq), `run ${run}: file is exactly state ${seq}, one that was written`);
    t.ok(seq >= report.seq, `run ${run}: state ${seq} is not older than the first save of the run`);
    savesAfterFirst += seq - report.seq;
    lastSeq = seq;
    const junk = readdirSync(dir).filter((n) => n !== 'state.json' && !n.startsWith('.state.json.tmp-'));
    t.same(junk, [], 'nothing but the state file and at most a temp file');
  }
  // The kills landed while the children were saving, not before their loops began.
  t.ok(savesAfterFirst > kills, `${savesAfterFirst} saves completed after the children's first ones`);
});
