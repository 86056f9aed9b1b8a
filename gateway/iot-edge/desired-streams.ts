import { configSchema, type RtspTransport } from '../config/index.ts';
import { maskSourceUrl, type StreamOrigin, type StreamRegistry } from '../control/index.ts';
import type { DesiredState, JsonObject } from './desired-document.ts';
import { isJsonObject } from './desired-document.ts';
import {
  DesiredStreamError,
  IotEdgeError,
  ReadOnlyDesiredStreamError,
  StreamRejectedError,
} from './errors.ts';

/** One desired stream, validated: the gateway config's `streams.<name>` shape with defaults filled. */
export interface DesiredStream {
  readonly url: string;
  readonly transport: RtspTransport;
  readonly onDemand: boolean;
}

/** A stream the gateway runs now, as the plan compares it. */
export interface CurrentStream {
  readonly name: string;
  readonly origin: StreamOrigin;
  readonly sourceUrl: string;
  readonly rtspTransport: RtspTransport;
  readonly onDemand: boolean;
}

/** Desired `streams` split into valid entries and rejected ones (by name). */
export interface ParsedDesiredStreams {
  readonly valid: ReadonlyMap<string, DesiredStream>;
  readonly invalid: ReadonlyMap<string, IotEdgeError>;
}

/** What to do for one stream name. */
export type StreamAction =
  | { readonly kind: 'add' | 'update' | 'keep'; readonly name: string; readonly stream: DesiredStream }
  | { readonly kind: 'remove'; readonly name: string }
  | { readonly kind: 'reject'; readonly name: string; readonly error: IotEdgeError };

/** Every URL in `text` with its password masked (`rtsp://user:***@…`). */
export function redactUrls(text: string): string {
  return text.replace(/[a-z][a-z0-9+.-]*:\/\/[^\s"'<>]+/gi, (u) => maskSourceUrl(u));
}

const streamsSchema = configSchema.shape.streams;

/**
 * Validates each entry of desired `streams` alone with the gateway's own config schema, so one bad
 * entry is rejected while the others apply. `undefined`/`null` means no streams.
 *
 * @returns the split, or a {@link DesiredStreamError} when `streams` is not an object at all
 */
export function parseDesiredStreams(value: unknown): ParsedDesiredStreams | DesiredStreamError {
  const valid = new Map<string, DesiredStream>();
  const invalid = new Map<string, IotEdgeError>();
  if (value === undefined || value === null) return { valid, invalid };
  if (!isJsonObject(value)) return new DesiredStreamError('streams', 'must be an object of streams by name');
  for (const [name, entry] of Object.entries(value)) {
    const r = streamsSchema.safeParse({ [name]: entry });
    const parsed = r.success ? r.data[name] : undefined;
    if (parsed !== undefined) {
      valid.set(name, { url: parsed.url, transport: parsed.transport, onDemand: parsed.onDemand });
      continue;
    }
    const issue = r.error?.issues[0];
    const where = issue?.path.slice(1).map(String).join('.');
    const detail = redactUrls(`${where ? `${where}: ` : ''}${issue?.message ?? 'invalid'}`);
    invalid.set(name, new DesiredStreamError(name, detail));
  }
  return { valid, invalid };
}

function same(c: CurrentStream, d: DesiredStream): boolean {
  return c.sourceUrl === d.url && c.rtspTransport === d.transport && c.onDemand === d.onDemand;
}

/**
 * The changes that make the gateway's streams what the twin desires. Streams from the config file
 * or built in are never touched (a desired entry naming one is rejected). A stream absent from the
 * desired document is removed only when the twin manages it (`managed`: applied earlier, by this
 * process or, per the reported properties, a previous one), so streams added over gRPC stay.
 * An invalid entry leaves a running stream of that name as it is. Order: remove, update, add.
 *
 * @example
 * planStreams(parseDesiredStreams({ cam: { url: 'rtsp://h/cam' } }), [], new Set()); // [{kind:'add', name:'cam', …}]
 */
export function planStreams(
  desired: ParsedDesiredStreams,
  current: readonly CurrentStream[],
  managed: ReadonlySet<string>,
): StreamAction[] {
  const byName = new Map(current.map((c) => [c.name, c]));
  const removes: StreamAction[] = [];
  const others: StreamAction[] = [];
  const adds: StreamAction[] = [];
  for (const [name, error] of desired.invalid) others.push({ kind: 'reject', name, error });
  for (const [name, stream] of desired.valid) {
    const cur = byName.get(name);
    if (cur === undefined) adds.push({ kind: 'add', name, stream });
    else if (cur.origin !== 'runtime')
      others.push({ kind: 'reject', name, error: new ReadOnlyDesiredStreamError(name, cur.origin) });
    else others.push({ kind: same(cur, stream) ? 'keep' : 'update', name, stream });
  }
  for (const name of managed) {
    if (desired.valid.has(name) || desired.invalid.has(name)) continue;
    if (byName.get(name)?.origin === 'runtime') removes.push({ kind: 'remove', name });
  }
  return [...removes, ...others, ...adds];
}

/** A stream's entry in the reported properties (`null` removes it from them). */
export type ReportedStream =
  | {
      readonly status: 'applied';
      readonly url: string;
      readonly transport: RtspTransport;
      readonly onDemand: boolean;
      readonly desiredVersion: number;
    }
  | {
      readonly status: 'error';
      readonly code: string;
      readonly message: string;
      readonly desiredVersion: number;
    }
  | null;

/** Options of {@link DesiredStreams}. */
export interface DesiredStreamsOptions {
  /** The registry gRPC StreamService uses (add/update/remove of runtime streams, persisted). */
  readonly registry: StreamRegistry;
  /** On-demand flags of runtime streams (read when the registry starts a source). */
  readonly onDemand: Map<string, boolean>;
  readonly logger?: { info(obj: object, msg: string): void; warn(obj: object, msg: string): void };
}

/**
 * Applies desired `streams` through the stream registry and says what to report.
 *
 * @example
 * const ds = new DesiredStreams({ registry: fleet.streams, onDemand: fleet.onDemand });
 * ds.adoptReported(twin.reported);
 * const reported = await ds.apply(desiredState); // publish as a reported-properties patch
 */
export class DesiredStreams {
  readonly #opts: DesiredStreamsOptions;
  /** Names with an entry in the reported properties, and whether it says applied. */
  readonly #reported = new Map<string, 'applied' | 'error'>();
  #queue: Promise<unknown> = Promise.resolve();

  constructor(opts: DesiredStreamsOptions) {
    this.#opts = opts;
  }

  /** Learns which streams a previous run applied, from the twin's reported properties. */
  adoptReported(reported: unknown): void {
    const streams = isJsonObject(reported) ? reported.streams : undefined;
    if (!isJsonObject(streams)) return;
    for (const [name, v] of Object.entries(streams)) {
      if (!isJsonObject(v)) continue;
      if (v.status === 'applied' || v.status === 'error') this.#reported.set(name, v.status);
    }
  }

  /** Applies `state` (one at a time) and resolves with the reported-properties patch. */
  apply(state: DesiredState): Promise<JsonObject> {
    const run = this.#queue.then(() => this.#apply(state));
    this.#queue = run.catch(() => {});
    return run;
  }

  async #apply(state: DesiredState): Promise<JsonObject> {
    const { registry, onDemand, logger } = this.#opts;
    const version = state.version;
    const parsed = parseDesiredStreams(state.doc.streams);
    if (parsed instanceof IotEdgeError) {
      logger?.warn({ code: parsed.code, desiredVersion: version }, parsed.message);
      return { desiredVersion: version, streamsError: { code: parsed.code, message: parsed.message } };
    }
    const current: CurrentStream[] = (await registry.list()).map((e) => ({
      name: e.name,
      origin: e.origin,
      sourceUrl: e.sourceUrl,
      rtspTransport: e.rtspTransport,
      onDemand: onDemand.get(e.name) ?? false,
    }));
    const managed = new Set([...this.#reported].filter(([, s]) => s === 'applied').map(([n]) => n));
    const out: Record<string, ReportedStream> = {};
    const applied = (s: DesiredStream): ReportedStream => ({
      status: 'applied',
      url: maskSourceUrl(s.url),
      transport: s.transport,
      onDemand: s.onDemand,
      desiredVersion: version,
    });
    const failed = (err: IotEdgeError): ReportedStream => ({
      status: 'error',
      code: err.code,
      message: redactUrls(err.message),
      desiredVersion: version,
    });
    for (const action of planStreams(parsed, current, managed)) {
      const { name } = action;
      try {
        switch (action.kind) {
          case 'remove':
            await registry.remove(name);
            onDemand.delete(name);
            out[name] = null;
            break;
          case 'update': {
            onDemand.set(name, action.stream.onDemand);
            await registry.update(name, {
              sourceUrl: action.stream.url,
              rtspTransport: action.stream.transport,
            });
            out[name] = applied(action.stream);
            break;
          }
          case 'add':
            onDemand.set(name, action.stream.onDemand);
            await registry.add({
              name,
              sourceUrl: action.stream.url,
              rtspTransport: action.stream.transport,
              description: 'from the IoT Edge module twin',
            });
            out[name] = applied(action.stream);
            break;
          case 'keep':
            out[name] = applied(action.stream);
            break;
          case 'reject':
            out[name] = failed(action.error);
            break;
        }
      } catch (err) {
        if (action.kind === 'add') onDemand.delete(name);
        const detail = err instanceof Error ? err.message : 'registry refused the change';
        out[name] = failed(new StreamRejectedError(name, redactUrls(detail), { cause: err }));
      }
      const r = out[name];
      if (action.kind !== 'keep')
        logger?.info(
          {
            stream: name,
            action: action.kind,
            desiredVersion: version,
            ...(r?.status === 'error' ? { code: r.code, error: r.message } : {}),
          },
          `twin: stream ${name} ${action.kind === 'reject' || r?.status === 'error' ? 'rejected' : action.kind}`,
        );
    }
    // Reported entries of streams no longer desired (removed above, never applied, or rejected) go.
    for (const name of this.#reported.keys()) if (!(name in out)) out[name] = null;
    for (const [name, r] of Object.entries(out)) {
      if (r === null) this.#reported.delete(name);
      else this.#reported.set(name, r.status);
    }
    return { desiredVersion: version, streamsError: null, streams: out };
  }
}
