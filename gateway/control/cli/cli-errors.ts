/** A command line the CLI cannot run: exit code 2 and the usage hint. */
export class CliUsageError extends Error {
  readonly code = 'CLI_USAGE';
  constructor(message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = 'CliUsageError';
  }
}
