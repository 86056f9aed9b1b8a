/**
 * The agent's role (RFC 8445 §6.1.1) and role conflicts: when both sides claim the same role, the
 * 64-bit tie-breakers decide (§7.3.1.1 on a request, §7.2.5.1 on a 487 response). The role decides
 * pair priorities (§6.1.2.3) and who nominates (§8.1.1); the agent re-derives those on a switch.
 */
import type { IceAgentStats, IceLogger, IceRole } from './agent-options.ts';

export class AgentRole {
  constructor(
    private value: IceRole,
    readonly tieBreaker: bigint,
    /** A lite agent cannot take control (§6.1.1). */
    private readonly lite: boolean,
    private readonly stats: IceAgentStats,
    private readonly log: IceLogger,
    private readonly onSwitch: (role: IceRole) => void,
  ) {}

  get current(): IceRole {
    return this.value;
  }

  switchTo(role: IceRole): void {
    this.log.debug({ from: this.value, to: role }, 'role switch');
    this.value = role;
    this.stats.roleSwitches++;
    this.onSwitch(role);
  }

  /**
   * §7.3.1.1: a request's ICE-CONTROLLING/ICE-CONTROLLED against our role. Returns false when we keep
   * our role and the request must get 487; switches our role when our tie-breaker loses.
   */
  admitRequest(theirControlling: bigint | undefined, theirControlled: bigint | undefined): boolean {
    if (this.value === 'controlling' && theirControlling !== undefined) {
      if (this.tieBreaker >= theirControlling) return false;
      this.switchTo('controlled');
    } else if (this.value === 'controlled' && theirControlled !== undefined) {
      // A lite agent cannot take control: it always answers 487 so the full peer does (§6.1.1).
      if (this.lite || this.tieBreaker < theirControlled) return false;
      this.switchTo('controlling');
    }
    return true;
  }

  /** §7.2.5.1: a 487 to a check we sent as `sentAs`: switch role, unless we already did since. */
  onConflictResponse(sentAs: IceRole): void {
    if (sentAs === this.value) this.switchTo(this.value === 'controlling' ? 'controlled' : 'controlling');
  }
}
