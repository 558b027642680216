import { injectable } from 'inversify';
import { stateConflict, type ConversationState, type ConversationStateStore } from '@bottango/core';

/** Keeps conversation states as JSON text, so what is stored is exactly what another process could load. */
@injectable()
export class MemoryConversationStateStore implements ConversationStateStore {
  readonly #states = new Map<string, { version: number; json: string }>();

  async load(conversationId: string): Promise<ConversationState | undefined> {
    const stored = this.#states.get(conversationId);
    return stored === undefined ? undefined : { ...(JSON.parse(stored.json) as ConversationState), version: stored.version };
  }

  async save(state: ConversationState): Promise<number> {
    const expected = state.version ?? 0;
    const actual = this.#states.get(state.id)?.version ?? 0;
    if (actual !== expected) throw stateConflict(state.id, expected, actual);
    const version = expected + 1;
    this.#states.set(state.id, { version, json: JSON.stringify({ ...state, version }) });
    return version;
  }

  async delete(conversationId: string): Promise<void> {
    this.#states.delete(conversationId);
  }

  get size(): number {
    return this.#states.size;
  }
}
