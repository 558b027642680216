import { injectable } from 'inversify';

export interface AgentStatus {
  /** A disconnected bot agent gets no transfers (its connector is down). */
  readonly connected: boolean;
  /** A connected agent that refuses new conversations (e.g. at capacity). */
  readonly acceptsTransfers: boolean;
}

/** Which bot agents hold which skills, and which of them are connected. */
@injectable()
export class AgentDirectory {
  readonly #skills = new Map<string, string[]>();
  readonly #status = new Map<string, AgentStatus>();
  readonly #next = new Map<string, number>();

  register(botId: string, skills: readonly string[]): void {
    for (const skill of skills) {
      const holders = this.#skills.get(skill) ?? [];
      if (!holders.includes(botId)) holders.push(botId);
      this.#skills.set(skill, holders);
    }
    if (!this.#status.has(botId)) this.#status.set(botId, { connected: true, acceptsTransfers: true });
  }

  setStatus(botId: string, status: Partial<AgentStatus>): void {
    const current = this.#status.get(botId) ?? { connected: true, acceptsTransfers: true };
    this.#status.set(botId, { ...current, ...status });
  }

  status(botId: string): AgentStatus | undefined {
    return this.#status.get(botId);
  }

  /** Every bot agent holding the skill, connected or not. */
  holders(skill: string): readonly string[] {
    return this.#skills.get(skill) ?? [];
  }

  isConnected(botId: string): boolean {
    return this.#status.get(botId)?.connected ?? false;
  }

  /** A connected holder of the skill not in `except`, in turn (round robin), or undefined. */
  pick(skill: string, except: readonly string[]): string | undefined {
    const candidates = this.holders(skill).filter((b) => !except.includes(b) && this.isConnected(b));
    if (candidates.length === 0) return undefined;
    const i = (this.#next.get(skill) ?? 0) % candidates.length;
    this.#next.set(skill, i + 1);
    return candidates[i];
  }
}
