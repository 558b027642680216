import type { JsonValue } from './json.js';

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

  getCurrentUserMessage(): string;
  /** Name of the intent matched by the current dialog's starter, if any. */
  getDialogStarterIntent(): string | undefined;
  getDisambiguatedIntentName(): string | undefined;
  getDisambiguatedIntentId(): string | undefined;

  /** Bot variables are strings. `persistForSession=false` keeps the value only for the current turn. */
  setBotVariable(name: string, value: unknown, persistForSession?: boolean, persistForever?: boolean): void;
  getBotVariable(name: string): string | undefined;
  getConversationId(): string;
  getUserId(): string;
  getBotId(): string;
  /** Jump to a named interaction of the current dialog after this one. */
  setTriggerNextMessage(interactionName: string): void;
  printDebugMessage(message: string): void;

  // Context Session Store.
  isContextApiEnabled(): boolean;
  registerContextNamespace(namespace: string, ttlSeconds?: number): Promise<boolean>;
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
