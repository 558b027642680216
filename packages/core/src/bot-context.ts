import type { JsonValue } from './json.js';
import type { TranscriptEntry } from './transfer.js';

/**
 * The scripting API scripts receive as `botContext`, named as in the spec.
 * Context Session Store functions are async (the store is remote), and return `true`/`false` like the spec's wrappers:
 * a failure is logged by the runtime and reported as `false` (getters: `undefined`).
 */
export interface BotContext {
  // Tango Context (era 1) and its later names (era 2-3).
  /** `key` is one of TANGO_CONTEXT_KEYS (`intentId`, `userMessage`, case-insensitive); any other key throws. */
  setBotTangoContextVariable(key: string, value: string): void;
  setBotTransferIntentId(intentId: string): void;
  setBotTransferUserMessage(message: string): void;
  /** Resolves the intent ID from intent name and domain across all bots at transfer time. */
  setBotTransferIntentbyDomain(intentName: string, domainName: string): void;
  /** Era 2: the domain half of `setBotTransferIntentbyDomain`; the intent is resolved once both halves are set. */
  setBotTransferDomainName(domainName: string): void;
  /** Era 2: the intent-name half of `setBotTransferIntentbyDomain` (e.g. from `getDialogStarterIntent()`). */
  setBotTransferIntentName(intentName: string): void;

  getCurrentUserMessage(): string;
  /** Name of the intent matched by the current dialog's starter, if any. */
  getDialogStarterIntent(): string | undefined;
  getDisambiguatedIntentName(): string | undefined;
  getDisambiguatedIntentId(): string | undefined;

  /**
   * Bot variables are strings. `persistForSession=false` keeps the value only for the current turn. `persistForever=true`
   * also keeps it for this user and bot in later conversations (180 days, in the Context Session Store). The variable
   * `skipPreviousDialog` set to `'true'` drops the dialogs underneath when the current one ends (no return, no repeated question).
   */
  setBotVariable(name: string, value: unknown, persistForSession?: boolean, persistForever?: boolean): void;
  getBotVariable(name: string): string | undefined;
  getConversationId(): string;
  getUserId(): string;
  getBotId(): string;
  /**
   * Conversational Cloud's engagement attributes: `currentSkillId` (the skill the conversation is on: the skill of the
   * transfer that brought it, else the bot's first skill), `previousSkillId` (the skill it was on before that transfer),
   * and Bottango's `previousBotId` and `currentBotId`. Undefined when unknown (no transfer yet) or for another name.
   */
  getLPEngagementAttribute(name: string): string | undefined;
  /** The skill the conversation was on before the transfer that brought it to this bot (`previousSkillId`). */
  getPreviousSkill(): string | undefined;
  /** The bot that transferred the conversation to this bot (`previousBotId`). */
  getPreviousBotId(): string | undefined;
  /** The transcript that travelled with the transfer that brought the conversation to this bot, oldest first; read-only, empty without a transfer. */
  getTransferTranscript(): readonly TranscriptEntry[];
  /** The bot's environment variable: the runtime's `environment` option, else the bot file's `environment:` section; null when neither has it. */
  getEnvVariable(name: string): string | null;
  /** `true`: text and question interactions are sent whole for the rest of the conversation with this bot, not split at 320 characters. */
  setAllowMaxTextResponse(allow: boolean): void;
  /** Jump to a named interaction of the current dialog after this one. */
  setTriggerNextMessage(interactionName: string): void;
  printDebugMessage(message: string): void;

  // Context Session Store.
  isContextApiEnabled(): boolean;
  registerContextNamespace(namespace: string, ttlSeconds?: number): Promise<boolean>;
  /**
   * Bottango: the TTL of this user's session (`…ForUser`) or this conversation's (`…ForConversation`) in the namespace,
   * over the namespace's TTL for the session's later writes (spec 4.3; 0 keeps them until deleted). False when the
   * namespace is not registered, the TTL is bad, or the store cannot give sessions a TTL.
   */
  setContextTtlForUser(namespace: string, ttlSeconds: number): Promise<boolean>;
  setContextTtlForConversation(namespace: string, ttlSeconds: number): Promise<boolean>;
  deleteContextNamespace(namespace: string): Promise<boolean>;
  setGlobalContextData(namespace: string, property: string, value: JsonValue): Promise<boolean>;
  setContextDataForUser(namespace: string, property: string, value: JsonValue): Promise<boolean>;
  setContextDataForConversation(namespace: string, property: string, value: JsonValue): Promise<boolean>;
  getGlobalContextData(namespace: string, property: string): Promise<JsonValue | undefined>;
  getContextDataForUser(namespace: string): Promise<Record<string, JsonValue>>;
  getContextDataForUser(namespace: string, property: string): Promise<JsonValue | undefined>;
  getContextDataForConversation(namespace: string): Promise<Record<string, JsonValue>>;
  getContextDataForConversation(namespace: string, property: string): Promise<JsonValue | undefined>;
  deleteGlobalContextData(namespace: string, property: string): Promise<boolean>;
  deleteContextDataForUser(namespace: string, property: string): Promise<boolean>;
  deleteContextDataForConversation(namespace: string, property: string): Promise<boolean>;
  deleteAllContextDataForUser(namespace: string): Promise<boolean>;
  deleteAllContextDataForConversation(namespace: string): Promise<boolean>;
}
