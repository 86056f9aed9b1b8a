/**
 * The desired properties as this module last knew them, kept current from the full twin and
 * desired-property patches. Twin patches merge like a JSON merge patch (RFC 7396): objects merge
 * key by key, `null` deletes a key, anything else replaces. Each desired document and patch carries
 * `$version`, which IoT Hub increases by one per change: an update older than (or as old as) what
 * we hold is stale and ignored; a patch that skips a version means one was missed, so the caller
 * asks for the whole twin again.
 */

/** A JSON object. */
export type JsonObject = { [key: string]: unknown };

/** What we hold: the desired document (without `$`-metadata keys) and its `$version`. */
export interface DesiredState {
  readonly version: number;
  readonly doc: JsonObject;
}

/** The outcome of {@link applyDesiredUpdate}. */
export type DesiredOutcome =
  | { readonly kind: 'replaced' | 'merged'; readonly state: DesiredState }
  /** Older than or as old as the held version: ignored. */
  | { readonly kind: 'stale'; readonly version: number }
  /** A patch after a missed one (or before the first full twin): get the whole twin. */
  | { readonly kind: 'gap'; readonly version: number }
  /** Not an object with a numeric `$version`. */
  | { readonly kind: 'invalid' };

export function isJsonObject(v: unknown): v is JsonObject {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

/** `target` with `patch` merged in (RFC 7396 §2). Pure: neither input changes. */
export function mergePatch(target: unknown, patch: unknown): unknown {
  if (!isJsonObject(patch)) return patch;
  const out: JsonObject = isJsonObject(target) ? { ...target } : {};
  for (const [k, v] of Object.entries(patch)) {
    if (v === null) delete out[k];
    else out[k] = mergePatch(out[k], v);
  }
  return out;
}

/** The document without IoT Hub's `$version`/`$metadata` keys. */
function withoutMeta(doc: JsonObject): JsonObject {
  return Object.fromEntries(Object.entries(doc).filter(([k]) => !k.startsWith('$')));
}

/**
 * Applies a full desired document (`full: true`, from a twin GET) or a desired patch to `held`.
 *
 * @example
 * const r = applyDesiredUpdate(undefined, { streams: {}, $version: 4 }, true); // replaced, version 4
 * applyDesiredUpdate(r.state, { streams: { cam: null }, $version: 4 }, false); // stale
 */
export function applyDesiredUpdate(
  held: DesiredState | undefined,
  update: unknown,
  full: boolean,
): DesiredOutcome {
  if (!isJsonObject(update)) return { kind: 'invalid' };
  const version = update.$version;
  if (typeof version !== 'number' || !Number.isSafeInteger(version) || version < 0)
    return { kind: 'invalid' };
  if (held !== undefined && version <= held.version && !(full && version === held.version))
    return { kind: 'stale', version };
  if (full) return { kind: 'replaced', state: { version, doc: withoutMeta(update) } };
  if (held === undefined || version !== held.version + 1) return { kind: 'gap', version };
  const merged = mergePatch(held.doc, withoutMeta(update)) as JsonObject;
  return { kind: 'merged', state: { version, doc: merged } };
}
