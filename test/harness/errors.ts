/**
 * Errors raised by the test harness. Each carries a stable `code`, and where a child process was
 * involved, the tail of its output so a failing test shows why the peer did not come up.
 */

export type HarnessErrorCode =
  | 'HARNESS_PROGRAM_NOT_FOUND'
  | 'HARNESS_READY_TIMEOUT'
  | 'HARNESS_EXITED_EARLY'
  | 'HARNESS_SPAWN_FAILED'
  | 'HARNESS_BAD_READY_LINE'
  | 'HARNESS_NO_FREE_PORT'
  /** A peer (the gateway's WHEP/WHIP endpoint) refused what a helper asked of it. */
  | 'HARNESS_PEER_REFUSED';

export class HarnessError extends Error {
  override readonly name = 'HarnessError';
  readonly code: HarnessErrorCode;
  /** Last lines the child wrote (stdout and stderr interleaved), when a child was involved. */
  readonly output: string;

  constructor(code: HarnessErrorCode, message: string, options: { cause?: unknown; output?: string } = {}) {
    const output = options.output ?? '';
    super(output ? `${message}\n--- output ---\n${output}` : message, { cause: options.cause });
    this.code = code;
    this.output = output;
  }
}

/** A program a helper needs is not installed; the message says exactly how to install it. */
export class ProgramNotFoundError extends HarnessError {
  readonly program: string;
  readonly installHint: string;

  constructor(program: string, installHint: string) {
    super('HARNESS_PROGRAM_NOT_FOUND', `${program} not found: ${installHint}`);
    this.program = program;
    this.installHint = installHint;
  }
}
