import {
  BottangoError,
  BottangoErrorCode,
  tangoContextField,
  type BotContext,
  type ContextScope,
  type ContextStore,
  type ConversationState,
  type JsonValue,
  type Logger,
  type SessionScope,
  type TranscriptEntry,
} from '@bottango/core';
import { saveForeverVariable } from './scripting-support.js';

/** What a script can reach besides the conversation state. */
export interface BotContextHost {
  readonly store: ContextStore;
  readonly logger: Logger;
  /** Name of an intent of the bot that owns the conversation. */
  intentName(intentId: string): string | undefined;
  /** The owner bot's environment variable (the runtime's option, else the bot file's), or undefined. */
  environment(name: string): string | undefined;
  /** The owner bot's first skill: the conversation's skill when no transfer brought it. */
  readonly firstSkill: string | undefined;
}

/** Per-turn facts the scripting API reads and writes. */
export interface ScriptTurn {
  readonly state: ConversationState;
  readonly currentUserMessage: string;
  /** Request-scope variables (`persistForSession = false`): live until the turn ends. */
  readonly requestVariables: Map<string, string>;
  /** Set by `setTriggerNextMessage`. */
  triggerNext: string | undefined;
}

/** The `botContext` object scripts get. Context store functions return booleans and never throw, as in the spec. */
export class BotContextImpl implements BotContext {
  readonly #turn: ScriptTurn;
  readonly #host: BotContextHost;
  /** `persistForever` writes started by the script; `settle()` waits for them. */
  readonly #writes: Promise<void>[] = [];

  constructor(turn: ScriptTurn, host: BotContextHost) {
    this.#turn = turn;
    this.#host = host;
  }

  setBotTangoContextVariable(key: string, value: string): void {
    const field = tangoContextField(key);
    if (!field) {
      throw new BottangoError(BottangoErrorCode.ScriptFailed, `setBotTangoContextVariable: unknown key "${key}"; use "intentId" or "userMessage"`);
    }
    this.#turn.state.pendingTangoContext = { ...this.#turn.state.pendingTangoContext, [field]: String(value) };
    // Setters overwrite (spec 1.5): an intent set now replaces one set earlier by domain and intent name.
    if (field === 'intentId') delete this.#turn.state.pendingIntentByDomain;
  }

  setBotTransferIntentId(intentId: string): void {
    this.setBotTangoContextVariable('intentId', intentId);
    delete this.#turn.state.pendingIntentByDomain;
  }

  setBotTransferDomainName(domainName: string): void {
    this.#setIntentByDomainHalf({ domainName: String(domainName) });
  }

  setBotTransferIntentName(intentName: string): void {
    this.#setIntentByDomainHalf({ intentName: String(intentName) });
  }

  /** Era 2: one half of (intent name, domain). Once both are set they overwrite an intent ID set earlier, as `setBotTransferIntentbyDomain` does. */
  #setIntentByDomainHalf(half: { intentName?: string; domainName?: string }): void {
    const pending = this.#turn.state.pendingIntentByDomain;
    const intentName = half.intentName ?? pending?.intentName ?? '';
    const domainName = half.domainName ?? pending?.domainName ?? '';
    if (intentName && domainName) this.setBotTransferIntentbyDomain(intentName, domainName);
    else this.#turn.state.pendingIntentByDomain = { intentName, domainName };
  }

  setBotTransferUserMessage(message: string): void {
    this.setBotTangoContextVariable('userMessage', message);
  }

  setBotTransferIntentbyDomain(intentName: string, domainName: string): void {
    this.#turn.state.pendingIntentByDomain = { intentName: String(intentName), domainName: String(domainName) };
    // …and an intent set by domain replaces an intent ID set earlier.
    const userMessage = this.#turn.state.pendingTangoContext.userMessage;
    this.#turn.state.pendingTangoContext = userMessage === undefined ? {} : { userMessage };
  }

  getCurrentUserMessage(): string {
    return this.#turn.currentUserMessage;
  }

  getDialogStarterIntent(): string | undefined {
    const stack = this.#turn.state.dialogStack;
    const intentId = stack[stack.length - 1]?.starterIntentId;
    return intentId === undefined ? undefined : this.#host.intentName(intentId);
  }

  getDisambiguatedIntentName(): string | undefined {
    const id = this.#turn.state.disambiguatedIntentId;
    return id === undefined ? undefined : this.#host.intentName(id);
  }

  getDisambiguatedIntentId(): string | undefined {
    return this.#turn.state.disambiguatedIntentId;
  }

  setBotVariable(name: string, value: unknown, persistForSession = true, persistForever = false): void {
    const text = value === undefined || value === null ? '' : String(value);
    if (persistForSession || persistForever) this.#turn.state.variables[name] = text;
    else this.#turn.requestVariables.set(name, text);
    if (persistForever) {
      const { userId, ownerBotId } = this.#turn.state;
      this.#writes.push(saveForeverVariable(this.#host.store, userId, ownerBotId, String(name), text).catch((error: unknown) => this.#warn('setBotVariable (persistForever)', error)));
    }
  }

  /** Waits for the `persistForever` writes the script started (the runtime calls it after the script). */
  async settle(): Promise<void> {
    await Promise.all(this.#writes.splice(0));
  }

  getBotVariable(name: string): string | undefined {
    return this.#turn.requestVariables.get(name) ?? this.#turn.state.variables[name];
  }

  getConversationId(): string {
    return this.#turn.state.id;
  }

  getUserId(): string {
    return this.#turn.state.userId;
  }

  getBotId(): string {
    return this.#turn.state.ownerBotId;
  }

  getLPEngagementAttribute(name: string): string | undefined {
    const state = this.#turn.state;
    switch (name) {
      case 'currentSkillId':
        return state.skill ?? this.#host.firstSkill;
      case 'previousSkillId':
        return state.transferredFrom?.skill;
      case 'previousBotId':
        return state.transferredFrom?.botId;
      case 'currentBotId':
        return state.ownerBotId;
      default:
        return undefined;
    }
  }

  getPreviousSkill(): string | undefined {
    return this.getLPEngagementAttribute('previousSkillId');
  }

  getPreviousBotId(): string | undefined {
    return this.getLPEngagementAttribute('previousBotId');
  }

  getTransferTranscript(): readonly TranscriptEntry[] {
    return Object.freeze((this.#turn.state.transferredFrom?.transcript ?? []).map((entry) => Object.freeze({ ...entry })));
  }

  getEnvVariable(name: string): string | null {
    return this.#host.environment(String(name)) ?? null;
  }

  setAllowMaxTextResponse(allow: boolean): void {
    if (allow === true || String(allow).toLowerCase() === 'true') this.#turn.state.allowMaxTextResponse = true;
    else delete this.#turn.state.allowMaxTextResponse;
  }

  setTriggerNextMessage(interactionName: string): void {
    this.#turn.triggerNext = interactionName;
  }

  printDebugMessage(message: string): void {
    this.#host.logger.debug(String(message), { botId: this.#turn.state.ownerBotId, conversationId: this.#turn.state.id });
  }

  isContextApiEnabled(): boolean {
    return true;
  }

  registerContextNamespace(namespace: string, ttlSeconds?: number): Promise<boolean> {
    return this.#bool('registerContextNamespace', () => this.#host.store.registerNamespace(namespace, ttlSeconds === undefined ? {} : { ttlSeconds }));
  }

  setContextTtlForUser(namespace: string, ttlSeconds: number): Promise<boolean> {
    return this.#sessionTtl('setContextTtlForUser', namespace, this.#user(), ttlSeconds);
  }

  setContextTtlForConversation(namespace: string, ttlSeconds: number): Promise<boolean> {
    return this.#sessionTtl('setContextTtlForConversation', namespace, this.#conversation(), ttlSeconds);
  }

  #sessionTtl(fn: string, namespace: string, scope: SessionScope, ttlSeconds: number): Promise<boolean> {
    const store = this.#host.store;
    return this.#bool(fn, () => {
      if (store.setSessionTtl === undefined) {
        throw new BottangoError(BottangoErrorCode.InvalidConfiguration, 'this context store cannot give a session its own TTL (no setSessionTtl)');
      }
      return store.setSessionTtl(namespace, scope, ttlSeconds);
    });
  }

  deleteContextNamespace(namespace: string): Promise<boolean> {
    return this.#bool('deleteContextNamespace', () => this.#host.store.deleteNamespace(namespace));
  }

  setGlobalContextData(namespace: string, property: string, value: JsonValue): Promise<boolean> {
    return this.#bool('setGlobalContextData', () => this.#host.store.set(namespace, { kind: 'global' }, property, value));
  }

  setContextDataForUser(namespace: string, property: string, value: JsonValue): Promise<boolean> {
    return this.#bool('setContextDataForUser', () => this.#host.store.set(namespace, this.#user(), property, value));
  }

  setContextDataForConversation(namespace: string, property: string, value: JsonValue): Promise<boolean> {
    return this.#bool('setContextDataForConversation', () => this.#host.store.set(namespace, this.#conversation(), property, value));
  }

  getGlobalContextData(namespace: string, property: string): Promise<JsonValue | undefined> {
    return this.#value('getGlobalContextData', { kind: 'global' }, namespace, property);
  }

  getContextDataForUser(namespace: string): Promise<Record<string, JsonValue>>;
  getContextDataForUser(namespace: string, property: string): Promise<JsonValue | undefined>;
  getContextDataForUser(namespace: string, property?: string): Promise<JsonValue | undefined | Record<string, JsonValue>> {
    return property === undefined ? this.#all('getContextDataForUser', this.#user(), namespace) : this.#value('getContextDataForUser', this.#user(), namespace, property);
  }

  getContextDataForConversation(namespace: string): Promise<Record<string, JsonValue>>;
  getContextDataForConversation(namespace: string, property: string): Promise<JsonValue | undefined>;
  getContextDataForConversation(namespace: string, property?: string): Promise<JsonValue | undefined | Record<string, JsonValue>> {
    return property === undefined
      ? this.#all('getContextDataForConversation', this.#conversation(), namespace)
      : this.#value('getContextDataForConversation', this.#conversation(), namespace, property);
  }

  deleteGlobalContextData(namespace: string, property: string): Promise<boolean> {
    return this.#bool('deleteGlobalContextData', () => this.#host.store.delete(namespace, { kind: 'global' }, property));
  }

  deleteContextDataForUser(namespace: string, property: string): Promise<boolean> {
    return this.#bool('deleteContextDataForUser', () => this.#host.store.delete(namespace, this.#user(), property));
  }

  deleteContextDataForConversation(namespace: string, property: string): Promise<boolean> {
    return this.#bool('deleteContextDataForConversation', () => this.#host.store.delete(namespace, this.#conversation(), property));
  }

  deleteAllContextDataForUser(namespace: string): Promise<boolean> {
    return this.#bool('deleteAllContextDataForUser', () => this.#host.store.deleteAll(namespace, this.#user()));
  }

  deleteAllContextDataForConversation(namespace: string): Promise<boolean> {
    return this.#bool('deleteAllContextDataForConversation', () => this.#host.store.deleteAll(namespace, this.#conversation()));
  }

  #user(): SessionScope {
    return { kind: 'user', userId: this.#turn.state.userId };
  }

  #conversation(): SessionScope {
    return { kind: 'conversation', conversationId: this.#turn.state.id };
  }

  /** A store call as the spec's Boolean wrapper: false (and a warning in the log) instead of an exception. */
  async #bool(fn: string, call: () => Promise<unknown>): Promise<boolean> {
    try {
      const result = await call();
      return typeof result === 'boolean' ? result : true;
    } catch (error) {
      this.#warn(fn, error);
      return false;
    }
  }

  async #value(fn: string, scope: ContextScope, namespace: string, property: string): Promise<JsonValue | undefined> {
    try {
      return (await this.#host.store.get(namespace, scope, property))?.value;
    } catch (error) {
      this.#warn(fn, error);
      return undefined;
    }
  }

  async #all(fn: string, scope: SessionScope, namespace: string): Promise<Record<string, JsonValue>> {
    try {
      return await this.#host.store.getAll(namespace, scope);
    } catch (error) {
      this.#warn(fn, error);
      return {};
    }
  }

  #warn(fn: string, error: unknown): void {
    this.#host.logger.warn(`botContext.${fn} failed: ${error instanceof Error ? error.message : String(error)}`, {
      botId: this.#turn.state.ownerBotId,
      conversationId: this.#turn.state.id,
      code: BottangoError.is(error) ? error.code : undefined,
    });
  }
}
