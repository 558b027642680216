import type { Redis } from 'ioredis';
import { BottangoError, BottangoErrorCode, stateConflict, type ConversationState, type ConversationStateStore } from '@bottango/core';
import { connectRedis, parseRedisUrl, quitRedis, redisCall, redisStoreClosed, type RedisConnectOptions } from './redis-connection.js';
import { SAVE_STATE_SCRIPT } from './redis-state-lua.js';

export interface RedisConversationStateStoreOptions extends RedisConnectOptions {
  /** Prefix of every key, so several apps (or tests) can share one Redis database. Default `bottango:state:`. */
  readonly keyPrefix?: string;
}

export const DEFAULT_STATE_KEY_PREFIX = 'bottango:state:';

type StateRedis = Redis & { bottangoSaveState(key: string, expected: string, json: string): Promise<[number, number]> };

const NAME = 'Redis conversation state store';

/**
 * Conversation states on Redis, one hash { version, json } per conversation; `save` is one Lua script, so
 * compare-and-set holds for every client of the server. Like the context store it fails at once with
 * STORE_UNAVAILABLE while disconnected (nothing queued or resent). Create it with `await RedisConversationStateStore.connect(options)`.
 */
export class RedisConversationStateStore implements ConversationStateStore {
  /** The URL without its password. */
  readonly url: string;
  readonly keyPrefix: string;

  readonly #redis: StateRedis;
  #closed = false;

  private constructor(redis: StateRedis, url: string, keyPrefix: string) {
    this.#redis = redis;
    this.url = url;
    this.keyPrefix = keyPrefix;
  }

  /** Connects and checks the server answers; throws INVALID_CONFIGURATION for bad options, STORE_UNAVAILABLE when unreachable. */
  static async connect(options: RedisConversationStateStoreOptions): Promise<RedisConversationStateStore> {
    parseRedisUrl(options.url, NAME); // a bad URL is reported before a bad keyPrefix
    const keyPrefix = options.keyPrefix ?? DEFAULT_STATE_KEY_PREFIX;
    if (typeof keyPrefix !== 'string') {
      throw new BottangoError(BottangoErrorCode.InvalidConfiguration, `keyPrefix must be a string, got ${JSON.stringify(keyPrefix)}`, { where: NAME, details: { field: 'keyPrefix', value: keyPrefix } });
    }
    const { redis, safeUrl } = await connectRedis<StateRedis>(options, NAME, (r) => r.defineCommand('bottangoSaveState', { numberOfKeys: 1, lua: SAVE_STATE_SCRIPT }));
    return new RedisConversationStateStore(redis, safeUrl, keyPrefix);
  }

  async load(conversationId: string): Promise<ConversationState | undefined> {
    this.#assertOpen();
    const [version, json] = await this.#call(() => this.#redis.hmget(this.#key(conversationId), 'version', 'json'));
    if (typeof version !== 'string' || typeof json !== 'string') return undefined;
    return { ...(JSON.parse(json) as ConversationState), version: Number(version) };
  }

  async save(state: ConversationState): Promise<number> {
    this.#assertOpen();
    const expected = state.version ?? 0;
    const json = JSON.stringify({ ...state, version: expected + 1 });
    const [stored, version] = await this.#call(() => this.#redis.bottangoSaveState(this.#key(state.id), String(expected), json));
    if (stored !== 1) throw stateConflict(state.id, expected, version);
    return version;
  }

  async delete(conversationId: string): Promise<void> {
    this.#assertOpen();
    await this.#call(() => this.#redis.unlink(this.#key(conversationId)));
  }

  async close(): Promise<void> {
    if (this.#closed) return;
    this.#closed = true;
    await quitRedis(this.#redis);
  }

  #key(conversationId: string): string {
    return `${this.keyPrefix}${conversationId}`;
  }

  #call<T>(body: () => Promise<T>): Promise<T> {
    return redisCall(body, NAME, this.url, () => this.#closed);
  }

  #assertOpen(): void {
    if (this.#closed) throw redisStoreClosed(NAME, this.url);
  }
}
