import type { ConversationEvent, ConversationState } from '@bottango/core';

/** One step a transport ran for a conversation: what was stored and the events it caused, numbered from `firstEvent`. */
export interface ConversationStep {
  readonly state: ConversationState;
  readonly events: readonly ConversationEvent[];
  readonly firstEvent: number;
  /** The outbox of the state the step started from: the previous step's events, to publish first if they are not yet. */
  readonly before?: ConversationState['outbox'];
}

/** What became of a user message a transport delivered (`applyMessage`). */
export type MessageStepResult =
  | ({ readonly kind: 'applied' } & ConversationStep)
  /** Applied before (a redelivery): `state.outbox` holds the events of the last step. */
  | { readonly kind: 'duplicate'; readonly state: ConversationState }
  /** Another bot holds the conversation now: the message belongs in its inbox. */
  | { readonly kind: 'not-owner'; readonly state: ConversationState }
  /** An earlier message, or a transfer in flight, must settle first: deliver it again later. */
  | { readonly kind: 'wait'; readonly reason: string; readonly state: ConversationState };
