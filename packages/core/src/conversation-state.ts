import { BottangoError, BottangoErrorCode } from './errors.js';
import type { ConversationEvent } from './events.js';
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
  /**
   * The Tango Context this dialog's scripts prepared, kept here while another dialog runs on top of it (context
   * switching); it is the conversation's pending context again when this dialog is back on top.
   */
  readonly pendingTangoContext?: TangoContext;
  readonly pendingIntentByDomain?: { readonly intentName: string; readonly domainName: string };
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
  /**
   * Tango Context being prepared by the scripts of the dialog on top for its escalation. It belongs to that dialog:
   * put aside while another dialog runs on top of it, dropped when the dialog ends (spec 1.5, decided here).
   */
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
  /** Set by the bot's `SET_USER_PROFILE | {json}` system pattern (spec 3.6); kept across transfers. */
  userProfile?: Record<string, JsonValue>;
  /** Recent transcript, bounded. */
  transcript: TranscriptEntry[];
  /** The skill the conversation is on: set by the transfer that brought it (absent: the first bot's first skill). */
  skill?: string;
  /** The transfer that brought the conversation to its owner, for `getLPEngagementAttribute` and `getTransferTranscript`. */
  transferredFrom?: TransferArrival;
  /** Set by `setAllowMaxTextResponse(true)`: the owner's text is not split at 320 characters. */
  allowMaxTextResponse?: boolean;
  /** Number of user turns handled. */
  turns: number;
  /**
   * Version of the stored copy this state was loaded from (0 or absent: not stored yet). Stores set it on load and
   * save; saving is conditional on it (compare-and-set), so two processes never silently overwrite each other's turn.
   */
  version?: number;
  /** Sequence number of the last user message applied (messages delivered through a transport's inbox), for exactly-once. */
  appliedSeq?: number;
  /** A transfer handed to a transport that answers later (another process): the conversation waits for its outcome. */
  transferring?: PendingTransfer;
  /** Events numbered so far; a distributed transport numbers each conversation's events from it. */
  eventCount?: number;
  /**
   * The events of the last step a transport ran (numbered from `first`), stored with the step so they can be
   * published again when the process died between storing the step and publishing its events.
   */
  outbox?: { readonly first: number; readonly events: readonly ConversationEvent[] };
  readonly metadata?: Record<string, JsonValue>;
}

/** Where a transfer came from, as the receiver keeps it. */
export interface TransferArrival {
  readonly botId: string;
  /** The skill the conversation was on before the transfer (`previousSkillId`). */
  readonly skill?: string;
  /** The transcript the transfer carried (`TransferRequest.transcript`). */
  readonly transcript: readonly TranscriptEntry[];
}

/** A transfer submitted to a transport that settles it later (`TransferOutcome` kind `submitted`). */
export interface PendingTransfer {
  readonly transferId: string;
  readonly skill: string;
  readonly fromBotId: string;
  /** Epoch milliseconds when it was submitted (the transport's timeout counts from here). */
  readonly since: number;
  /** The user message sequence number whose turn submitted it. */
  readonly seq?: number;
  /** The sending bot's `fallbackEscalationTime`, when it sets one (else the transport's timeout applies). */
  readonly timeoutMs?: number;
}

/** Extension point: where conversation states live (in memory by default). */
export const ConversationStateStore = Symbol.for('@bottango/core/ConversationStateStore');

export interface ConversationStateStore {
  /** The stored state with its `version` set, or undefined. */
  load(conversationId: string): Promise<ConversationState | undefined>;
  /**
   * Stores `state` if the stored version is still `state.version` (absent or 0: the conversation must not exist yet),
   * and resolves with the new version (the store does not change `state`). Otherwise stores nothing and fails with a
   * `VERSION_CONFLICT` BottangoError whose details hold `conversationId`, `expected` and `actual` versions.
   */
  save(state: ConversationState): Promise<number>;
  delete(conversationId: string): Promise<void>;
  /** Releases connections and files (a store from a plugin). Optional. */
  close?(): Promise<void>;
}

/** The error every state store raises when a save loses the compare-and-set. */
export function stateConflict(conversationId: string, expected: number, actual: number): BottangoError {
  return new BottangoError(
    BottangoErrorCode.VersionConflict,
    `conversation "${conversationId}" was saved by someone else meanwhile (expected version ${expected}, stored version ${actual})`,
    { details: { conversationId, expected, actual } },
  );
}
