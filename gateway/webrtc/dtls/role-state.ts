import { DtlsStateError } from './errors.ts';

/**
 * The state of a handshake role (client or server): a string-literal union, a table of allowed
 * next states (the RFC diagram above each role's union), and the one transition function.
 */
export class RoleState<S extends string> {
  private s: S;

  constructor(
    private readonly machine: string,
    initial: S,
    private readonly next: Record<S, readonly S[]>,
  ) {
    this.s = initial;
  }

  get state(): S {
    return this.s;
  }

  /** Moves to `to`; a move the table does not allow throws {@link DtlsStateError}. */
  go(to: S): void {
    if (!this.next[this.s].includes(to)) throw new DtlsStateError(this.machine, this.s, to);
    this.s = to;
  }
}
