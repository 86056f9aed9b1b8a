import type { RuntimeState, StateLoadResult, StateStore, StoredStream } from '../config/index.ts';
import type { EventInput } from './event-hub.ts';
import { NotFoundError, ReadOnlyStreamError, StreamExistsError } from './errors.ts';
import { UNKNOWN_STATUS } from './stream-registry.ts';
import type {
  StreamEntry,
  StreamOrigin,
  StreamPatch,
  StreamRegistry,
  StreamSpec,
  StreamStatus,
} from './stream-registry.ts';
import { validateStreamName, validateStreamPatch, validateStreamSpec } from './stream-validation.ts';

/** A stream the registry cannot change: from the config file, or built in (demo). */
export interface FixedStream {
  readonly spec: StreamSpec;
  readonly origin: Exclude<StreamOrigin, 'runtime'>;
}

/** Told after each change is persisted, so the media hub can start, restart or stop a source. */
export interface StreamRegistryListener {
  added?(entry: StreamEntry): void;
  updated?(entry: StreamEntry, previous: StreamEntry): void;
  removed?(entry: StreamEntry): void;
}

/** Options of {@link openMemoryStreamRegistry}. */
export interface MemoryStreamRegistryOptions {
  /** Where runtime streams persist (`openRuntimeState(dataDir)`). */
  readonly store: StateStore<RuntimeState>;
  /** Read-only streams (config file, built-in). Listed first when a runtime stream has the same name. */
  readonly fixed?: readonly FixedStream[];
  /** Live status of a stream from the media hub; default: unknown. */
  readonly status?: (name: string) => StreamStatus | undefined;
  /** Publishes stream_added / stream_updated / stream_removed. */
  readonly events?: { publish(event: EventInput): unknown };
  readonly listener?: StreamRegistryListener;
  /** Wall clock for createdAt/updatedAt. */
  readonly now?: () => Date;
}

/** The in-memory registry, with what the load found (for the start-up log). */
export interface MemoryStreamRegistry extends StreamRegistry {
  readonly loaded: StateLoadResult<RuntimeState>;
  /** Resolves when every change issued so far is persisted. */
  flush(): Promise<void>;
}

/**
 * A {@link StreamRegistry} that keeps streams in memory and persists runtime streams through the
 * state store before each change takes effect: when `add` resolves, the stream survives a restart;
 * when persisting fails, nothing changed. Changes are serialised, so two concurrent adds of one
 * name give one success and one ALREADY_EXISTS.
 *
 * @example
 * const streams = await openMemoryStreamRegistry({ store: openRuntimeState(config.dataDir, logger),
 *   fixed: [{ origin: 'builtin', spec: demoSpec }], events });
 * await startControlServer({ ..., streams });
 */
export async function openMemoryStreamRegistry(
  opts: MemoryStreamRegistryOptions,
): Promise<MemoryStreamRegistry> {
  const now = opts.now ?? (() => new Date());
  const loaded = await opts.store.load();
  const startedAt = now();
  const fixed = new Map<string, FixedStream>();
  for (const f of opts.fixed ?? []) fixed.set(f.spec.name, f);
  let runtime = new Map<string, StoredStream>(loaded.state.streams.map((s) => [s.name, s]));
  let queue: Promise<unknown> = Promise.resolve();

  const status = (name: string): StreamStatus => opts.status?.(name) ?? UNKNOWN_STATUS;
  const fromFixed = (f: FixedStream): StreamEntry => ({
    ...f.spec,
    origin: f.origin,
    status: status(f.spec.name),
    createdAt: startedAt,
    updatedAt: startedAt,
  });
  const fromStored = (s: StoredStream): StreamEntry => ({
    name: s.name,
    sourceUrl: s.sourceUrl,
    rtspTransport: s.rtspTransport,
    description: s.description,
    origin: 'runtime',
    status: status(s.name),
    createdAt: new Date(s.createdAt),
    updatedAt: new Date(s.updatedAt),
  });
  const lookup = (name: string): StreamEntry | undefined => {
    const f = fixed.get(name);
    if (f !== undefined) return fromFixed(f);
    const r = runtime.get(name);
    return r === undefined ? undefined : fromStored(r);
  };
  const mutable = (name: string): StoredStream => {
    const f = fixed.get(name);
    if (f !== undefined) throw new ReadOnlyStreamError(name, f.origin);
    const r = runtime.get(name);
    if (r === undefined) throw new NotFoundError('stream', name);
    return r;
  };
  /** Persists `next`, then makes it current. One mutation at a time. */
  const commit = async (next: Map<string, StoredStream>): Promise<void> => {
    await opts.store.save({ version: 1, streams: [...next.values()] });
    runtime = next;
  };
  const serial = <T>(fn: () => Promise<T>): Promise<T> => {
    const run = queue.then(fn);
    queue = run.catch(() => {});
    return run;
  };

  return {
    loaded,
    list() {
      const names = new Set([...fixed.keys(), ...runtime.keys()]);
      return [...names].map((n) => lookup(n)).filter((e): e is StreamEntry => e !== undefined);
    },
    get: lookup,
    add(spec) {
      return serial(async () => {
        validateStreamSpec(spec);
        if (lookup(spec.name) !== undefined) throw new StreamExistsError(spec.name);
        const at = now().toISOString();
        const stored: StoredStream = { ...spec, createdAt: at, updatedAt: at };
        await commit(new Map(runtime).set(spec.name, stored));
        const entry = fromStored(stored);
        opts.events?.publish({ kind: 'stream_added', streamName: spec.name });
        opts.listener?.added?.(entry);
        return entry;
      });
    },
    update(name, patch: StreamPatch) {
      return serial(async () => {
        validateStreamName(name);
        validateStreamPatch(patch);
        const current = mutable(name);
        const defined = Object.fromEntries(Object.entries(patch).filter(([, v]) => v !== undefined));
        const stored: StoredStream = { ...current, ...defined, updatedAt: now().toISOString() };
        await commit(new Map(runtime).set(name, stored));
        const entry = fromStored(stored);
        opts.events?.publish({ kind: 'stream_updated', streamName: name });
        opts.listener?.updated?.(entry, fromStored(current));
        return entry;
      });
    },
    remove(name) {
      return serial(async () => {
        validateStreamName(name);
        const current = mutable(name);
        const next = new Map(runtime);
        next.delete(name);
        await commit(next);
        opts.events?.publish({ kind: 'stream_removed', streamName: name });
        opts.listener?.removed?.(fromStored(current));
      });
    },
    flush: () => queue.then(() => opts.store.flush()),
  };
}
