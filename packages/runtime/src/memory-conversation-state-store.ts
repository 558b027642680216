import { injectable } from 'inversify';
import type { ConversationState, ConversationStateStore } from '@bottango/core';

/** Keeps conversation states as JSON text, so what is stored is exactly what another process could load. */
@injectable()
export class MemoryConversationStateStore implements ConversationStateStore {
  readonly #states = new Map<string, string>();

  async load(conversationId: string): Promise<ConversationState | undefined> {
    const text = this.#states.get(conversationId);
    return text === undefined ? undefined : (JSON.parse(text) as ConversationState);
  }

  async save(state: ConversationState): Promise<void> {
    this.#states.set(state.id, JSON.stringify(state));
  }

  async delete(conversationId: string): Promise<void> {
    this.#states.delete(conversationId);
  }

  get size(): number {
    return this.#states.size;
  }
}
