/** An invalid configuration: names the key, where its value came from, and the problem. */
export class ConfigError extends Error {
  readonly code = 'CONFIG_INVALID';
  /** Dotted key path, e.g. `http.addr`. */
  readonly key: string;
  /** Where the offending value came from: an env var name, or the config file path. */
  readonly source: string | undefined;
  constructor(key: string, problem: string, source?: string, options?: { cause?: unknown }) {
    super(`invalid config: ${key}${source ? ` (from ${source})` : ''}: ${problem}`, options);
    this.name = 'ConfigError';
    this.key = key;
    this.source = source;
  }
}

/** The config file could not be read or is not valid YAML. */
export class ConfigFileError extends Error {
  readonly code = 'CONFIG_FILE';
  readonly path: string;
  constructor(path: string, problem: string, options?: { cause?: unknown }) {
    super(`config file ${path}: ${problem}`, options);
    this.name = 'ConfigFileError';
    this.path = path;
  }
}
