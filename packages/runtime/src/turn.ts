import type { ConversationEvent, ConversationState, DialogFrame } from '@bottango/core';
import type { ScriptTurn } from './bot-context-impl.js';

/** One run of the runtime over a conversation: a user message, a received transfer, or a settled one. */
export interface Turn extends ScriptTurn {
  state: ConversationState;
  currentUserMessage: string;
  /** Messages the platform injects after this one, as if the user typed them. */
  readonly injected: string[];
  /** The conversation left this bot during the turn. */
  transferred: boolean;
  steps: number;
  /** Bots that held the conversation during this user turn (transfers may not go back to one). */
  readonly hops: readonly string[];
  /** A receiver's events, held until its transfer stands; undefined for a user's turn (events go out at once). */
  readonly held: ConversationEvent[] | undefined;
  /** Every event of this step, in order (numbered from `firstEvent` when the step is stored). */
  readonly events: ConversationEvent[];
  readonly firstEvent: number;
  /** Store the step's events with the state (steps a transport runs, so they can be published again after a crash). */
  readonly outbox: boolean;
}

export function newTurn(state: ConversationState, text: string, hops: readonly string[], step: { events: ConversationEvent[]; held?: ConversationEvent[]; outbox: boolean }): Turn {
  return {
    state,
    currentUserMessage: text,
    requestVariables: new Map(),
    triggerNext: undefined,
    injected: [],
    transferred: false,
    steps: 0,
    hops,
    held: step.held,
    events: step.events,
    firstEvent: (state.eventCount ?? 0) + 1,
    outbox: step.outbox,
  };
}

/** The dialog in progress. */
export function top(state: ConversationState): DialogFrame | undefined {
  return state.dialogStack[state.dialogStack.length - 1];
}

export function replaceTop(state: ConversationState, frame: DialogFrame): void {
  state.dialogStack[state.dialogStack.length - 1] = frame;
}

/** The last message the user typed (not one the platform injected). */
export function lastUserMessage(state: ConversationState): string | undefined {
  return lastUtterance(state, true);
}

/**
 * The last non-blank message of the transcript, skipping bot messages when `skipBotMessages` (the connector's
 * `skipAgentMessage`, spec 1.3). Messages the platform injected never count.
 */
export function lastUtterance(state: ConversationState, skipBotMessages: boolean): string | undefined {
  for (let i = state.transcript.length - 1; i >= 0; i--) {
    const entry = state.transcript[i];
    if (!entry || entry.system || !entry.text.trim()) continue;
    if (entry.from === 'user' || !skipBotMessages) return entry.text;
  }
  return undefined;
}
