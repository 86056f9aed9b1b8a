import { mkdir, open, readdir, readFile, rename, unlink } from 'node:fs/promises';
import path from 'node:path';
import type { z } from 'zod';
import { StateCorruptError, StateIoError, StateVersionError } from './errors.ts';

/** What the store logs: corrupt files (error), stale temp files removed (warn). pino fits. */
export interface StateLogger {
  warn(obj: object, msg?: string): void;
  error(obj: object, msg?: string): void;
}

/** Options of {@link createStateStore}. */
export interface StateStoreOptions<T extends { version: number }> {
  /** Directory of the state file (EDGEGW_DATA_DIR); created if missing. */
  readonly dir: string;
  /** File name inside `dir`. Default `state.json`. */
  readonly file?: string;
  /** The schema version this code writes and reads (the file's `version` field). */
  readonly version: T['version'];
  /** zod schema of the whole file, `version` included. */
  readonly schema: z.ZodType<T>;
  /** The state to start from when there is no file (or it was corrupt). */
  readonly empty: () => T;
  readonly logger?: StateLogger;
  /** Wall clock for the `.corrupt-<timestamp>` suffix. Default `new Date()`. */
  readonly now?: () => Date;
}

/** Result of {@link StateStore.load}. */
export interface StateLoadResult<T> {
  readonly state: T;
  /** `file`: read from disk; `empty`: no file yet; `corrupt`: the file was set aside. */
  readonly source: 'file' | 'empty' | 'corrupt';
  /** Set when `source` is `corrupt`: what was wrong and where the file went. */
  readonly corrupt?: StateCorruptError;
}

/** Runtime state persisted as one JSON file, replaced atomically on every save. */
export interface StateStore<T> {
  /** Absolute path of the state file. */
  readonly path: string;
  /**
   * Reads and validates the file. A missing file gives `empty()`. A file that is not JSON or
   * fails the schema is renamed to `<file>.corrupt-<timestamp>`, logged as an error and reported
   * in the result; a newer `version` throws {@link StateVersionError} and leaves the file alone.
   * Removes temp files a killed process left behind.
   */
  load(): Promise<StateLoadResult<T>>;
  /**
   * Writes `state` atomically: temp file in the same directory, fsync, rename over the old file,
   * fsync the directory. Saves are serialised in call order; the promise resolves once this
   * state is durable. A kill at any moment leaves the old or the new file, never a mix.
   *
   * @throws StateIoError when writing fails (the old file is intact).
   */
  save(state: T): Promise<void>;
  /** Resolves when every save issued so far has finished. Further saves still work. */
  flush(): Promise<void>;
}

const TMP_MARK = '.tmp-';

/** fsyncs a directory so a rename inside it survives a power cut (POSIX: rename is atomic, not durable). */
async function syncDir(dir: string): Promise<void> {
  const handle = await open(dir, 'r');
  try {
    await handle.sync();
  } finally {
    await handle.close();
  }
}

function issueText(error: z.ZodError): string {
  const issue = error.issues[0];
  if (issue === undefined) return 'does not match the schema';
  const where = issue.path.map(String).join('.');
  return `${where === '' ? '(root)' : where}: ${issue.message}`;
}

/**
 * @example
 * const store = createStateStore({ dir: config.dataDir, version: 1, schema: runtimeStateSchema,
 *   empty: () => ({ version: 1, streams: [] }), logger });
 * const { state, corrupt } = await store.load();
 * await store.save({ ...state, streams: [...state.streams, added] });
 */
export function createStateStore<T extends { version: number }>(opts: StateStoreOptions<T>): StateStore<T> {
  const dir = path.resolve(opts.dir);
  const file = opts.file ?? 'state.json';
  const target = path.join(dir, file);
  const now = opts.now ?? (() => new Date());
  let seq = 0;
  let tail: Promise<void> = Promise.resolve();

  const write = async (state: T): Promise<void> => {
    // Validate what we write too: a bug must not persist a file the next start sets aside.
    const checked = opts.schema.safeParse(state);
    if (!checked.success) {
      throw new StateIoError(target, `write (state fails its schema: ${issueText(checked.error)})`, {
        cause: checked.error,
      });
    }
    const data = JSON.stringify(checked.data, null, 2) + '\n';
    const tmp = path.join(dir, `.${file}${TMP_MARK}${process.pid}-${seq++}`);
    try {
      await mkdir(dir, { recursive: true });
      const handle = await open(tmp, 'w', 0o600);
      try {
        await handle.writeFile(data, 'utf8');
        await handle.sync();
      } finally {
        await handle.close();
      }
      await rename(tmp, target);
      await syncDir(dir);
    } catch (cause) {
      await unlink(tmp).catch(() => {});
      throw new StateIoError(target, 'write', { cause });
    }
  };

  const setAside = async (problem: string, cause: unknown): Promise<StateCorruptError> => {
    const stamp = now().toISOString().replace(/:/g, '-');
    let aside = `${target}.corrupt-${stamp}`;
    const taken = new Set(await readdir(dir).catch(() => [] as string[]));
    for (let n = 1; taken.has(path.basename(aside)); n++) aside = `${target}.corrupt-${stamp}-${n}`;
    try {
      await rename(target, aside);
      await syncDir(dir);
    } catch (err) {
      throw new StateIoError(target, 'set aside corrupt', { cause: err });
    }
    const error = new StateCorruptError(target, aside, problem, { cause });
    opts.logger?.error({ err: error, path: target, setAsideAs: aside, problem }, error.message);
    return error;
  };

  const removeStaleTemps = async (): Promise<void> => {
    const names = await readdir(dir).catch(() => [] as string[]);
    for (const name of names) {
      if (!name.startsWith(`.${file}${TMP_MARK}`)) continue;
      await unlink(path.join(dir, name)).catch(() => {});
      opts.logger?.warn(
        { file: path.join(dir, name) },
        'removed a temp file an interrupted save left behind',
      );
    }
  };

  return {
    path: target,
    async load() {
      await tail;
      let text: string;
      try {
        text = await readFile(target, 'utf8');
      } catch (cause) {
        if ((cause as NodeJS.ErrnoException).code === 'ENOENT') {
          await removeStaleTemps();
          return { state: opts.empty(), source: 'empty' };
        }
        throw new StateIoError(target, 'read', { cause });
      }
      await removeStaleTemps();
      let doc: unknown;
      try {
        doc = JSON.parse(text);
      } catch (cause) {
        const corrupt = await setAside(`not JSON: ${(cause as Error).message}`, cause);
        return { state: opts.empty(), source: 'corrupt', corrupt };
      }
      const version =
        typeof doc === 'object' && doc !== null ? (doc as { version?: unknown }).version : undefined;
      if (typeof version === 'number' && Number.isInteger(version) && version > opts.version) {
        throw new StateVersionError(target, version, opts.version);
      }
      const parsed = opts.schema.safeParse(doc);
      if (!parsed.success) {
        const corrupt = await setAside(issueText(parsed.error), parsed.error);
        return { state: opts.empty(), source: 'corrupt', corrupt };
      }
      return { state: parsed.data, source: 'file' };
    },
    save(state) {
      const done = tail.then(() => write(state));
      // The chain continues past a failed save; the caller sees its own failure.
      tail = done.catch(() => {});
      return done;
    },
    flush() {
      return tail;
    },
  };
}
