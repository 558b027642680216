import type { AgentConnectorSettings } from './agent-connector.js';
import type { BotContext } from './bot-context.js';

/** Code run by an interaction (pre-process, post-process, process-user-response). May be async. */
export type BotScript = (botContext: BotContext) => void | Promise<void>;

export interface IntentDefinition {
  /** Stable ID, referenced by dialog starters and carried in a Tango Context. */
  readonly id: string;
  /** Display name (used by disambiguation and `setBotTransferIntentbyDomain`). */
  readonly name: string;
  readonly domain?: string;
  readonly trainingPhrases: readonly string[];
  /**
   * A meta intent (spec 5.4): IDs of the intents of the same bot it wraps. A match of a child is a match of the meta
   * intent too, so a dialog starter on the meta intent catches every child that has no dialog starter of its own.
   */
  readonly children?: readonly string[];
}

/** A dialog-starter pattern: a string in the default pattern syntax, or a pattern in a named syntax (e.g. `compromise`). */
export type StarterPattern = string | { readonly syntax: string; readonly pattern: string };

export interface DialogStarter {
  readonly patterns?: readonly StarterPattern[];
  /** ID of one intent of the same bot. */
  readonly intent?: string;
  /** The dialog does not start when the user message contains any of these words or phrases. */
  readonly excludeKeywords?: readonly string[];
}

export const DialogType = {
  Standard: 'standard',
  Fallback: 'fallback',
  Disambiguation: 'disambiguation',
  AutoEscalation: 'auto-escalation',
} as const;
export type DialogType = (typeof DialogType)[keyof typeof DialogType];

interface InteractionBase {
  /** Unique inside its dialog; needed to be the target of `next` or `onFailure`. */
  readonly name?: string;
  readonly preProcess?: BotScript;
  readonly postProcess?: BotScript;
  /** Name of the interaction to go to next, or `end` to close the dialog. Default: the following one. */
  readonly next?: string;
}

/** Says something. Text may use `{$botContext.<variable>}`. */
export interface TextInteraction extends InteractionBase {
  readonly type: 'text';
  readonly text: string;
}

/** Asks something and waits for the answer, stored in a bot variable. */
export interface QuestionInteraction extends InteractionBase {
  readonly type: 'question';
  readonly text: string;
  /** Bot variable that receives the answer. */
  readonly saveAs?: string;
  /** Runs after the user answered. */
  readonly processUserResponse?: BotScript;
  /** When false, an answer that matches another dialog's starter is still taken as the answer. Default true. */
  readonly contextSwitching?: boolean;
  /**
   * Response conditions (spec 5.7), tried in order before context switching: the first that matches takes the answer
   * and goes to its `next` (else the question's). A question with conditions that none matches, and that starts no
   * other dialog, is a failed answer: the fallback is sent and the question keeps waiting; after
   * `autoEscalationAfter` failed answers in a row, the next one starts the auto-escalation dialog. A question without
   * conditions takes any answer.
   */
  readonly conditions?: readonly ResponseCondition[];
}

/**
 * One response condition of a question. `exact`: the whole answer, trimmed, ignoring case. `pattern`: the default
 * dialog-starter pattern syntax. `regex`: a JavaScript regular expression searched in the answer, ignoring case.
 * `intent`: the bot's classifier scores the answer for this intent (or, for a meta intent, one of its children) at
 * GOOD or better.
 */
export interface ResponseCondition {
  readonly match: 'exact' | 'pattern' | 'regex' | 'intent';
  readonly value: string;
  /** Interaction to go to (or `end`) when this condition takes the answer. Default: the question's `next`. */
  readonly next?: string;
}

/** An escalation to a skill (the agent transfer interaction of the spec). */
export interface AgentTransferInteraction extends InteractionBase {
  readonly type: 'agentTransfer';
  /** Target skill; may use `{$botContext.<variable>}`, resolved at escalation time. */
  readonly skill: string;
  /** Sent to the user before the transfer. Required; `BLANK_MESSAGE` sends nothing. */
  readonly message: string;
  /** Send a Tango Context with the transfer. */
  readonly tangoContext: boolean;
  /**
   * Agent Id (spec 3.2): a bot agent to give the conversation to when it holds the skill, is connected and accepts
   * transfers; otherwise the transfer goes to the skill as usual. May use `{$botContext.<variable>}`.
   */
  readonly agentId?: string;
  /** Interaction to go to when the transfer fails immediately (an empty or unresolved skill, a loop). */
  readonly onFailure?: string;
  /** Interaction Delay (spec 2.1, 3.2): ms waited after the pre-process code, before the transfer (lets earlier messages go first). Default 0. */
  readonly interactionDelay?: number;
  /**
   * Response Data Variable Name (spec 3.2): a request-scope bot variable that holds the transfer's outcome for the
   * post-process code — `success` (taken by a bot agent, or submitted to another process) or `failure`.
   */
  readonly responseDataVariable?: string;
}

export type Interaction = TextInteraction | QuestionInteraction | AgentTransferInteraction;

export interface DialogDefinition {
  /** Unique in the bot. */
  readonly name: string;
  readonly type: DialogType;
  readonly starter?: DialogStarter;
  readonly interactions: readonly Interaction[];
  readonly disabled?: boolean;
}

export interface BotSettings {
  /** Sent instead of the default final message when escalation retries are exhausted. */
  readonly defaultUserFriendlyResponse?: string;
  /** How many `__agent_escalation_failed__` messages a conversation may get before escalation stops. Default 3. */
  readonly maxEscalationRetries?: number;
  /** Name of the `IntentMatcher` that classifies this bot's intents. Default: the runtime's default matcher. */
  readonly intentMatcher?: string;
  /** After this many fallbacks in a row, the auto-escalation dialog (if the bot has one) starts instead. Default 3. */
  readonly autoEscalationAfter?: number;
  /** Disambiguation: how many intents to offer (2 or 3). Default 3. */
  readonly disambiguationOptions?: number;
  /**
   * The spec's `system_useIntentsOnlyWithDialogStartersInDisambiguation`: disambiguation offers only intents that have
   * a dialog starter, and when a single one is left at FAIR PLUS its dialog starts straight away. Default false.
   */
  readonly useIntentsOnlyWithDialogStartersInDisambiguation?: boolean;
}

export interface BotDefinition {
  /** Unique ID of the bot (the bot agent). */
  readonly id: string;
  readonly name?: string;
  /** Skills this bot agent holds; transfers to these skills are routed to it. */
  readonly skills: readonly string[];
  /** Bot group, for automatic transfers. */
  readonly group?: string;
  readonly intents: readonly IntentDefinition[];
  readonly dialogs: readonly DialogDefinition[];
  readonly settings?: BotSettings;
  /** Environment variables scripts read with `botContext.getEnvVariable(name)` (the runtime's `environment` option overrides them). */
  readonly environment?: Readonly<Record<string, string>>;
  /** The bot's agent connector (spec 1.3, 3.4): greetings, message joining, escalation timing and retries. */
  readonly connector?: AgentConnectorSettings;
  /** Bot-level scripts (Conversation Builder's Global Functions). */
  readonly globalFunctions?: GlobalFunctions;
  /** Where the definition came from (a file path), for error messages. */
  readonly source?: string;
}

export interface GlobalFunctions {
  /** Runs when the conversation begins for this bot: before its first user message, or when a transfer brings the conversation. */
  readonly initConversation?: BotScript;
}

export interface BotGroupDefinition {
  readonly id: string;
  /** Automatic transfers happen only when collaboration is on. */
  readonly collaboration: boolean;
  /** Sent before an automatic transfer; `BLANK_MESSAGE` or empty sends nothing. */
  readonly transferMessage?: string;
}
