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

/** A malformed `host:port` listen address; `reason` says what is wrong with `value`. */
export class ListenAddrError extends Error {
  readonly code = 'INVALID_LISTEN_ADDR';
  readonly value: string;
  readonly reason: string;
  constructor(value: string, reason: string) {
    super(`${JSON.stringify(value)}: ${reason}`);
    this.name = 'ListenAddrError';
    this.value = value;
    this.reason = reason;
  }
}
