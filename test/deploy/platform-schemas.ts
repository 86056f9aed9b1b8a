/**
 * The platforms' own schemas, as the platforms' own tools apply them:
 *
 * - Kubernetes: kubernetes-models (validators generated from the upstream OpenAPI definitions) for
 *   every kind/apiVersion in k3s/, plus `unknownK8sFields`: TypeScript's excess-property check of each
 *   object against kubernetes-models' interfaces (generated from the same definitions), standing in
 *   for kubectl's strict field validation (the OpenAPI validators accept unknown fields).
 * - Greengrass: the two recipe schemas of AWS's Greengrass Development Kit (schemas/SOURCE.md), on
 *   the recipe with every key lower-cased, as the GDK's RecipeValidator does before validating.
 * - Azure IoT Edge: the $edgeAgent 1.1 and $edgeHub 1.1 desired-properties schemas, each on
 *   `{ $edgeAgent: … }` / `{ $edgeHub: … }`, as `az iot edge set-modules` does; plus the limits the
 *   schemas do not express (createOptions chunks, twin size).
 *
 * Each validator returns a list of messages (empty = valid), so tests can assert both ways.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { Ajv, type AnySchemaObject, type ErrorObject, type Options, type ValidateFunction } from 'ajv';
import { Ajv2020 } from 'ajv/dist/2020.js';
import addFormatsModule from 'ajv-formats';
import ts from 'typescript';
import { REPO } from './manifest-helpers.ts';

const SCHEMAS = join(REPO, 'test/deploy/schemas');
const readSchema = (file: string) => JSON.parse(readFileSync(join(SCHEMAS, file), 'utf8')) as AnySchemaObject;

// ajv-formats is CommonJS: under NodeNext its default import is module.exports, which is the plugin.
const addFormats = addFormatsModule as unknown as (ajv: Ajv | Ajv2020) => void;

/**
 * The GDK's patterns are Python regular expressions and some start with the inline flag `(?i)`
 * (case-insensitive), which JavaScript has no syntax for: turn a leading `(?i)` into the `i` flag.
 * Everything else in these patterns means the same in both dialects.
 */
function pythonRegExp(pattern: string, flags: string): RegExp {
  return pattern.startsWith('(?i)') ? new RegExp(pattern.slice(4), flags + 'i') : new RegExp(pattern, flags);
}
pythonRegExp.code = 'pythonRegExp';

const AJV_OPTIONS: Options = {
  allErrors: true,
  // The upstream files carry keywords that strict mode refuses (e.g. the GDK's misspelt `anyof`,
  // `examples` in draft-04 files); they are annotations or unknown, and ignored as their tools do.
  strict: false,
  code: { regExp: pythonRegExp },
};

function messages(v: ValidateFunction, data: unknown): string[] {
  if (v(data)) return [];
  return (v.errors ?? []).map((e: ErrorObject) => `${e.instancePath || '/'} ${e.message ?? e.keyword}`);
}

// ---------------------------------------------------------------------------------------------
// Greengrass

/** Recursively lower-cases object keys (the GDK's `_convert_keys_to_lowercase`). */
export function lowerCaseKeys(v: unknown): unknown {
  if (Array.isArray(v)) return v.map(lowerCaseKeys);
  if (v !== null && typeof v === 'object')
    return Object.fromEntries(Object.entries(v).map(([k, x]) => [k.toLowerCase(), lowerCaseKeys(x)]));
  return v;
}

let recipeValidators: { name: string; validate: ValidateFunction }[] | undefined;

/**
 * Validates a recipe (as parsed from YAML/JSON) against both GDK schemas:
 * `recipe_schema.json` (draft-07) and `user_input_recipe_schema.json` (2020-12, what
 * `gdk component build` runs today). Returns messages prefixed with the schema's name.
 */
export function validateGreengrassRecipe(recipe: unknown): string[] {
  if (!recipeValidators) {
    const draft07 = new Ajv(AJV_OPTIONS);
    addFormats(draft07);
    const userInput = readSchema('greengrass-recipe.gdk-user-input.schema.json');
    // The file declares "http://json-schema.org/draft/2020-12/schema" (http, not the meta-schema's
    // https id); Python's jsonschema falls back to its latest draft, 2020-12, for an unknown URI.
    // Ajv2020 is told the same by the meta-schema's exact id.
    userInput['$schema'] = 'https://json-schema.org/draft/2020-12/schema';
    const d2020 = new Ajv2020(AJV_OPTIONS);
    addFormats(d2020);
    recipeValidators = [
      {
        name: 'recipe_schema.json',
        validate: draft07.compile(readSchema('greengrass-recipe.gdk.schema.json')),
      },
      { name: 'user_input_recipe_schema.json', validate: d2020.compile(userInput) },
    ];
  }
  const lower = lowerCaseKeys(recipe);
  return recipeValidators.flatMap((r) => messages(r.validate, lower).map((m) => `${r.name}: ${m}`));
}

// ---------------------------------------------------------------------------------------------
// Azure IoT Edge

/** Keywords in the draft-04 IoT Edge schemas whose meaning is the same in draft-07 (checked by a test). */
export const DRAFT04_SAFE_KEYWORDS = new Set([
  '$schema',
  'id',
  'title',
  'description',
  'examples',
  'type',
  'properties',
  'patternProperties',
  'additionalProperties',
  'required',
  'enum',
  'pattern',
  'minimum',
  'maximum',
  'anyOf',
  '$ref',
  'definitions',
  'contentMediaType',
]);

export const EDGE_AGENT_SCHEMA = 'azure-iot-edgeagent-deployment-1.1.json';
export const EDGE_HUB_SCHEMA = 'azure-iot-edgehub-deployment-1.1.json';

let edgeValidators: Record<'$edgeAgent' | '$edgeHub', ValidateFunction> | undefined;

/**
 * The draft-04 IoT Edge schemas, compiled with Ajv's draft-07 dialect (Ajv 8 ships no draft-04
 * meta-schema and `ajv-draft-04` is not installed): `$schema` and draft-04's `id` are dropped from the
 * compiled copy; every other keyword they use means the same in both drafts (see
 * DRAFT04_SAFE_KEYWORDS and the test that walks the files). `contentMediaType` stays an annotation,
 * as in the az CLI's draft-4 validator: createOptions' JSON is checked by `createOptionsErrors`.
 */
export function loadEdgeSchema(file: string): AnySchemaObject {
  const s = readSchema(file);
  delete s['$schema'];
  delete s['id'];
  return s;
}

/** Validates `modulesContent.$edgeAgent` and `.$edgeHub` against their desired-properties schemas. */
export function validateIotEdgeManifest(manifest: unknown): string[] {
  if (!edgeValidators) {
    const ajv = new Ajv(AJV_OPTIONS);
    addFormats(ajv);
    edgeValidators = {
      $edgeAgent: ajv.compile(loadEdgeSchema(EDGE_AGENT_SCHEMA)),
      $edgeHub: ajv.compile(loadEdgeSchema(EDGE_HUB_SCHEMA)),
    };
  }
  const content = (manifest as { modulesContent?: Record<string, unknown> }).modulesContent ?? {};
  const out: string[] = [];
  for (const key of ['$edgeAgent', '$edgeHub'] as const) {
    if (!(key in content)) out.push(`modulesContent.${key} missing`);
    else out.push(...messages(edgeValidators[key], { [key]: content[key] }).map((m) => `${key}: ${m}`));
  }
  return out;
}

/** IoT Edge reads createOptions from `createOptions`, then `createOptions01` … `createOptions07`. */
export const CREATE_OPTIONS_CHUNK = 512;
export const CREATE_OPTIONS_MAX_CHUNKS = 8;
/** A module twin's desired properties are limited to 32 KB. */
export const TWIN_DESIRED_MAX_BYTES = 32 * 1024;

const chunkKey = (i: number) => (i === 0 ? 'createOptions' : `createOptions${String(i).padStart(2, '0')}`);

/** The chunks in order, joined. */
export function joinCreateOptions(settings: Record<string, unknown>): string {
  let s = '';
  for (let i = 0; i < CREATE_OPTIONS_MAX_CHUNKS && chunkKey(i) in settings; i++)
    s += String(settings[chunkKey(i)]);
  return s;
}

/**
 * The createOptions limits of one module's settings: every chunk ≤ 512 characters, chunk keys
 * consecutive from `createOptions` (at most 8), and the reassembled string parses as JSON.
 */
export function createOptionsErrors(settings: Record<string, unknown>): string[] {
  const out: string[] = [];
  const keys = Object.keys(settings).filter((k) => /^createOptions/i.test(k));
  const expected = keys.map((_, i) => chunkKey(i));
  if (keys.length > CREATE_OPTIONS_MAX_CHUNKS)
    out.push(`${keys.length} createOptions chunks (max ${CREATE_OPTIONS_MAX_CHUNKS})`);
  if ([...keys].sort().join() !== expected.join())
    out.push(`createOptions chunks ${keys.join(',')} are not ${expected.join(',')}`);
  for (const k of keys) {
    const v = settings[k];
    if (typeof v !== 'string') out.push(`${k} is not a string`);
    else if (v.length > CREATE_OPTIONS_CHUNK)
      out.push(`${k}: ${v.length} characters (max ${CREATE_OPTIONS_CHUNK})`);
  }
  if (keys.length > 0)
    try {
      JSON.parse(joinCreateOptions(settings));
    } catch (e) {
      out.push(`reassembled createOptions is not JSON: ${(e as Error).message}`);
    }
  return out;
}

/** Every module twin's desired properties under 32 KB (UTF-8 bytes of their JSON). */
export function twinSizeErrors(manifest: unknown): string[] {
  const content =
    (manifest as { modulesContent?: Record<string, Record<string, unknown>> }).modulesContent ?? {};
  return Object.entries(content).flatMap(([name, twin]) => {
    const bytes = Buffer.byteLength(JSON.stringify(twin['properties.desired'] ?? {}));
    return bytes < TWIN_DESIRED_MAX_BYTES
      ? []
      : [`${name} desired properties: ${bytes} bytes (max ${TWIN_DESIRED_MAX_BYTES})`];
  });
}

// ---------------------------------------------------------------------------------------------
// Kubernetes

interface K8sModel {
  validate(): void;
}
type K8sModelClass = new (data: object) => K8sModel;

/** kind@apiVersion → the kubernetes-models module path and class name. */
const K8S_MODELS: Record<string, [module: string, name: string]> = {
  'Namespace@v1': ['kubernetes-models/v1/Namespace', 'Namespace'],
  'ConfigMap@v1': ['kubernetes-models/v1/ConfigMap', 'ConfigMap'],
  'Secret@v1': ['kubernetes-models/v1/Secret', 'Secret'],
  'Service@v1': ['kubernetes-models/v1/Service', 'Service'],
  'DaemonSet@apps/v1': ['kubernetes-models/apps/v1/DaemonSet', 'DaemonSet'],
};

/** Object kinds the validator knows; anything else fails validation (add it to K8S_MODELS). */
export const K8S_KINDS = Object.keys(K8S_MODELS);

interface K8sTyped {
  kind?: unknown;
  apiVersion?: unknown;
}

/** Validates one object with kubernetes-models; returns the validator's messages. */
export async function validateK8sObject(obj: object): Promise<string[]> {
  const { kind, apiVersion } = obj as K8sTyped;
  const entry = K8S_MODELS[`${String(kind)}@${String(apiVersion)}`];
  if (!entry) return [`no kubernetes-models class for ${String(kind)} ${String(apiVersion)}`];
  const mod = (await import(entry[0])) as Record<string, K8sModelClass>;
  const Model = mod[entry[1]];
  if (!Model) return [`${entry[0]} has no ${entry[1]}`];
  try {
    new Model(obj).validate();
    return [];
  } catch (e) {
    return [(e as Error).message];
  }
}

/**
 * Unknown (e.g. misspelt) fields, which `kubectl apply` refuses with its default strict field
 * validation but the OpenAPI validators accept: each object is type-checked as an object literal of
 * kubernetes-models' interface for its kind (`IDaemonSet` …), so TypeScript's excess-property check
 * names every field the API does not define. Returns the compiler's messages.
 */
export function unknownK8sFields(objects: object[]): string[] {
  const lines = [];
  const imports = new Set<string>();
  for (const [i, o] of objects.entries()) {
    const { kind, apiVersion } = o as K8sTyped;
    const entry = K8S_MODELS[`${String(kind)}@${String(apiVersion)}`];
    if (!entry) return [`no kubernetes-models interface for ${String(kind)} ${String(apiVersion)}`];
    imports.add(`import type { I${entry[1]} } from '${entry[0]}';`);
    lines.push(`export const o${i}: I${entry[1]} = ${JSON.stringify(o)};`);
  }
  const fileName = join(REPO, 'test/deploy/__k8s_fields_check__.ts');
  const source = [...imports, ...lines].join('\n');
  const options: ts.CompilerOptions = {
    strict: true,
    noEmit: true,
    skipLibCheck: true,
    module: ts.ModuleKind.NodeNext,
    moduleResolution: ts.ModuleResolutionKind.NodeNext,
    target: ts.ScriptTarget.ES2022,
    types: [],
  };
  const host = ts.createCompilerHost(options);
  const getSourceFile = host.getSourceFile.bind(host);
  host.getSourceFile = (name, lang, ...rest) =>
    name === fileName ? ts.createSourceFile(name, source, lang) : getSourceFile(name, lang, ...rest);
  const fileExists = host.fileExists.bind(host);
  host.fileExists = (name) => name === fileName || fileExists(name);
  const program = ts.createProgram([fileName], options, host);
  return ts
    .getPreEmitDiagnostics(program)
    .map((d) => ts.flattenDiagnosticMessageText(d.messageText, '\n').split('\n')[0] ?? '');
}
