/**
 * Shared checks for the deployment manifests (k3s/, greengrass/, azure-iot-edge/): YAML loading, and
 * the drift check that every environment variable and config key a manifest sets is one the gateway
 * reads (gateway/config: ENV_KEYS, configSchema), so a renamed key fails here, not on a device.
 */
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseAllDocuments, parse } from 'yaml';
import { ENV_CONFIG_FILE, ENV_KEYS, loadConfig, type LoadedConfig } from '../../gateway/config/index.ts';

export const REPO = fileURLToPath(new URL('../../', import.meta.url));

/** Every YAML document of a file; a YAML error throws with the file name. */
export function readYamlDocs(path: string): unknown[] {
  const docs = parseAllDocuments(readFileSync(join(REPO, path), 'utf8'));
  const out: unknown[] = [];
  for (const d of docs) {
    if (d.errors.length > 0) throw new Error(`${path}: ${d.errors[0]?.message ?? 'YAML error'}`);
    out.push(d.toJS());
  }
  return out;
}

export function readYaml(path: string): unknown {
  return parse(readFileSync(join(REPO, path), 'utf8'));
}

export function readJson(path: string): unknown {
  return JSON.parse(readFileSync(join(REPO, path), 'utf8'));
}

/** Variables the gateway process reads besides ENV_KEYS. */
const OTHER_ENV = new Set([ENV_CONFIG_FILE, 'NODE_ENV']);

/** Names among `names` that the gateway does not read (empty = no drift). */
export function unknownGatewayEnv(names: Iterable<string>): string[] {
  return [...names].filter((n) => !(n in ENV_KEYS) && !OTHER_ENV.has(n) && !n.startsWith('OTEL_'));
}

/**
 * Loads a config the way the gateway does (file, then env) and returns it; throws the gateway's own
 * ConfigError/ConfigFileError when a key is unknown or a value invalid.
 */
export function loadGatewayConfig(
  yamlText: string | undefined,
  env: Record<string, string> = {},
): LoadedConfig {
  const dir = mkdtempSync(join(tmpdir(), 'edgegw-manifest-'));
  try {
    let file: string | undefined;
    if (yamlText !== undefined) {
      file = join(dir, 'gateway.yaml');
      writeFileSync(file, yamlText);
    }
    return loadConfig({ file, env, cwd: dir });
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}
