import type { JsonValue } from './json.js';
import type { TangoContext } from './tango-context.js';
import type { TranscriptEntry } from './transfer.js';

/** A dialog in progress: which dialog, where in it, and whether a question waits for an answer. */
export interface DialogFrame {
  readonly dialog: string;
  /** Index of the current interaction. */
  readonly position: number;
  readonly awaitingAnswer: boolean;
  /** Intent that started the dialog (for getDialogStarterIntent). */
  readonly starterIntentId?: string;
}

/**
 * Everything the runtime knows about one conversation. Plain JSON on purpose:
 * another process can load it and continue the conversation.
 */
export interface ConversationState {
  readonly id: string;
  readonly userId: string;
  /** Bot that holds the conversation now. */
  ownerBotId: string;
  dialogStack: DialogFrame[];
  /** Session bot variables of the owner bot; cleared on transfer (the receiver does not inherit them). */
  variables: Record<string, string>;
  /** Tango Context being prepared by the owner bot's scripts for its next escalation. */
  pendingTangoContext: TangoContext;
  /** Set by `setBotTransferIntentbyDomain`; resolved to an intent ID at transfer time. */
  pendingIntentByDomain?: { readonly intentName: string; readonly domainName: string };
  /** Intent the user picked in the last disambiguation. */
  disambiguatedIntentId?: string;
  /** Pending disambiguation offer, if any. */
  disambiguation?: { readonly options: readonly string[] };
  /** Late transfer failures since the last successful transfer or final failure message. */
  escalationFailures: number;
  /** Fallbacks in a row, for the auto-escalation dialog. */
  consecutiveFallbacks?: number;
  /** Recent transcript, bounded. */
  transcript: TranscriptEntry[];
  /** Number of user turns handled. */
  turns: number;
  readonly metadata?: Record<string, JsonValue>;
}

/** Extension point: where conversation states live (in memory by default). */
export const ConversationStateStore = Symbol.for('@bottango/core/ConversationStateStore');

export interface ConversationStateStore {
  load(conversationId: string): Promise<ConversationState | undefined>;
  save(state: ConversationState): Promise<void>;
  delete(conversationId: string): Promise<void>;
}
