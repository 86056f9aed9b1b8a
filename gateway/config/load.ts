import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { parse as parseYaml, YAMLParseError } from 'yaml';
import type { z } from 'zod';
import { ConfigError, ConfigFileError } from './errors.ts';
import { ENV_CONFIG_FILE, ENV_KEYS, envBool, envList, type EnvName } from './env.ts';
import { configSchema, type Config } from './schema.ts';

/** Where the config came from, for the start-up log line. */
export interface LoadedConfig {
  readonly config: Config;
  /** The YAML file read, if any. */
  readonly file: string | undefined;
  /** The env vars that set keys. */
  readonly fromEnv: readonly EnvName[];
}

export interface LoadOptions {
  /** Path given with `--config`; wins over `EDGEGW_CONFIG`. */
  readonly file?: string | undefined;
  readonly env?: NodeJS.ProcessEnv;
  readonly cwd?: string;
}

type Tree = Record<string, unknown>;

function setPath(tree: Tree, dotted: string, value: unknown): void {
  const parts = dotted.split('.');
  let node = tree;
  for (const p of parts.slice(0, -1)) {
    const next = node[p];
    if (typeof next === 'object' && next !== null && !Array.isArray(next)) node = next as Tree;
    else node = node[p] = {};
  }
  node[parts[parts.length - 1] as string] = value;
}

function readYaml(path: string): Tree {
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch (err) {
    throw new ConfigFileError(
      path,
      (err as NodeJS.ErrnoException).code === 'ENOENT' ? 'not found' : String(err),
      {
        cause: err,
      },
    );
  }
  let doc: unknown;
  try {
    doc = parseYaml(text);
  } catch (err) {
    const where = err instanceof YAMLParseError && err.linePos ? ` at line ${err.linePos[0].line}` : '';
    throw new ConfigFileError(path, `not valid YAML${where}: ${(err as Error).message.split('\n')[0]}`, {
      cause: err,
    });
  }
  if (doc === null || doc === undefined) return {};
  if (typeof doc !== 'object' || Array.isArray(doc))
    throw new ConfigFileError(path, 'must be a YAML mapping');
  return doc as Tree;
}

function firstIssue(
  error: z.ZodError,
  envSource: Map<string, EnvName>,
  file: string | undefined,
): ConfigError {
  const issue = error.issues[0];
  if (!issue) return new ConfigError('(root)', error.message);
  let key = issue.path.map(String).join('.') || '(root)';
  let problem = issue.message;
  if (issue.code === 'unrecognized_keys') {
    key = [...issue.path.map(String), issue.keys[0]].join('.');
    problem = 'unknown key';
  }
  const source = envSource.get(key) ?? envSource.get(key.replace(/\.\d+$/, '')) ?? file;
  return new ConfigError(key, problem, source, { cause: error });
}

/**
 * Loads the configuration: defaults, then the YAML file, then environment variables; validates
 * it with zod and throws one {@link ConfigError} naming the first bad key and where it came from.
 *
 * @example
 * const { config } = loadConfig({ env: { EDGEGW_HTTP_ADDR: '127.0.0.1:0' } });
 * config.http.addr; // { host: '127.0.0.1', port: 0 }
 */
export function loadConfig(opts: LoadOptions = {}): LoadedConfig {
  const env = opts.env ?? process.env;
  const fileArg = opts.file ?? env[ENV_CONFIG_FILE];
  const file = fileArg ? resolve(opts.cwd ?? process.cwd(), fileArg) : undefined;
  const tree: Tree = file ? readYaml(file) : {};
  const envSource = new Map<string, EnvName>();
  const fromEnv: EnvName[] = [];
  for (const [name, spec] of Object.entries(ENV_KEYS) as [EnvName, (typeof ENV_KEYS)[EnvName]][]) {
    const raw = env[name];
    if (raw === undefined || raw === '') continue;
    const value = spec.kind === 'list' ? envList(raw) : spec.kind === 'bool' ? envBool(raw) : raw;
    setPath(tree, spec.key, value);
    envSource.set(spec.key, name);
    fromEnv.push(name);
  }
  const parsed = configSchema.safeParse(tree);
  if (!parsed.success) throw firstIssue(parsed.error, envSource, file);
  return { config: parsed.data, file, fromEnv };
}
