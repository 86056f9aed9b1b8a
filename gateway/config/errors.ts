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

/** Stable codes of the runtime-state store's errors. */
export type StateErrorCode = 'STATE_CORRUPT' | 'STATE_VERSION_UNSUPPORTED' | 'STATE_IO';

/** Base of the runtime-state store's errors: a stable `code`, the file, and a `cause`. */
export class StateError extends Error {
  readonly code: StateErrorCode;
  /** The state file concerned. */
  readonly path: string;
  constructor(code: StateErrorCode, path: string, message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = new.target.name;
    this.code = code;
    this.path = path;
  }
}

/**
 * The state file is not valid JSON or does not match its schema. It was renamed to `setAsideAs`
 * (kept for a human to inspect) and the gateway started from empty runtime state.
 */
export class StateCorruptError extends StateError {
  /** Where the unreadable file now is: `<file>.corrupt-<timestamp>`. */
  readonly setAsideAs: string;
  /** What was wrong, e.g. `not JSON: Unexpected token` or `streams.0.name: Invalid string`. */
  readonly problem: string;
  constructor(path: string, setAsideAs: string, problem: string, options?: { cause?: unknown }) {
    super(
      'STATE_CORRUPT',
      path,
      `runtime state ${path} is corrupt (${problem}); set aside as ${setAsideAs}`,
      options,
    );
    this.setAsideAs = setAsideAs;
    this.problem = problem;
  }
}

/**
 * The state file was written by a newer gateway (a schema version this one does not know).
 * Not set aside: a downgrade must not destroy state the newer version still understands.
 */
export class StateVersionError extends StateError {
  readonly found: unknown;
  readonly supported: number;
  constructor(path: string, found: unknown, supported: number) {
    super(
      'STATE_VERSION_UNSUPPORTED',
      path,
      `runtime state ${path} has version ${JSON.stringify(found)}; this gateway reads version ${supported}`,
    );
    this.found = found;
    this.supported = supported;
  }
}

/** Reading or writing the state file failed (permissions, disk full, missing directory). */
export class StateIoError extends StateError {
  constructor(path: string, action: string, options?: { cause?: unknown }) {
    const detail = options?.cause instanceof Error ? `: ${options.cause.message}` : '';
    super('STATE_IO', path, `cannot ${action} runtime state ${path}${detail}`, options);
  }
}
