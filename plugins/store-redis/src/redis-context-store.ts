import type { Redis } from 'ioredis';
import {
  BottangoError,
  BottangoErrorCode,
  encodeContextValue,
  scopeKey,
  validateNamespaceName,
  addToGetAllResult,
  validatePropertyName,
  validateScope,
  validateSessionScope,
  validateTtl,
  type ContextScope,
  type ContextStore,
  type ContextStoreCapabilities,
  type JsonValue,
  type NamespaceInfo,
  type NamespaceOptions,
  type SessionScope,
  type SetOptions,
  type StoredValue,
} from '@bottango/core';
import {
  DELETE_ALL_SCRIPT,
  SET_SESSION_TTL_SCRIPT,
  DELETE_NAMESPACE_SCRIPT,
  DELETE_SCRIPT,
  GET_ALL_SCRIPT,
  GET_SCRIPT,
  REGISTER_SCRIPT,
  SET_SCRIPT,
} from './redis-lua.js';
import { connectRedis, parseRedisUrl, quitRedis, redisCall, redisStoreClosed, type RedisConnectOptions } from './redis-connection.js';

export interface RedisContextStoreOptions extends RedisConnectOptions {
  /** Prefix of every key the store writes, so several apps (or tests) can share one Redis database. Default `bottango:ctx:`. */
  readonly keyPrefix?: string;
}

export const DEFAULT_KEY_PREFIX = 'bottango:ctx:';
const SCAN_COUNT = 1_000;

type ScriptReply = [number, number?];

interface ContextCommands {
  bottangoGet(registry: string, prefix: string, namespace: string, scope: string, property: string): Promise<string | null>;
  bottangoSet(registry: string, prefix: string, namespace: string, scope: string, property: string, json: string, expected: string): Promise<ScriptReply>;
  bottangoDelete(registry: string, prefix: string, namespace: string, scope: string, property: string): Promise<ScriptReply>;
  bottangoGetAll(registry: string, prefix: string, namespace: string, scope: string): Promise<string[]>;
  bottangoDeleteAll(registry: string, prefix: string, namespace: string, scope: string): Promise<ScriptReply>;
  bottangoSetSessionTtl(registry: string, prefix: string, namespace: string, scope: string, ttl: string): Promise<ScriptReply>;
  bottangoRegister(registry: string, generation: string, prefix: string, namespace: string, ttl: string): Promise<number>;
  bottangoDeleteNamespace(registry: string, prefix: string, namespace: string): Promise<string | null>;
}

type ContextRedis = Redis & ContextCommands;

/**
 * A shared Context Session Store on Redis. Properties expire through Redis's own expiry; every write is one
 * Lua script, so compare-and-set is atomic for all clients of the server. When the connection drops, calls
 * fail at once with STORE_UNAVAILABLE (nothing is queued or resent, so a write is never applied twice) while
 * the client reconnects in the background. Create it with `await RedisContextStore.connect(options)`, which
 * fails with a clear error when the URL is bad or the server cannot be reached.
 */
export class RedisContextStore implements ContextStore {
  readonly capabilities: ContextStoreCapabilities = { durable: true, sharedAcrossProcesses: true };
  /** The URL without its password. */
  readonly url: string;
  readonly keyPrefix: string;

  readonly #redis: ContextRedis;
  readonly #registry: string;
  readonly #generation: string;
  #closed = false;

  private constructor(redis: ContextRedis, url: string, keyPrefix: string) {
    this.#redis = redis;
    this.url = url;
    this.keyPrefix = keyPrefix;
    this.#registry = `${keyPrefix}namespaces`;
    this.#generation = `${keyPrefix}generation`;
  }

  /** Connects and checks the server answers; throws INVALID_CONFIGURATION for bad options, STORE_UNAVAILABLE when unreachable. */
  static async connect(options: RedisContextStoreOptions): Promise<RedisContextStore> {
    const where = 'Redis context store';
    parseRedisUrl(options.url, where); // a bad URL is reported before a bad keyPrefix
    const keyPrefix = options.keyPrefix ?? DEFAULT_KEY_PREFIX;
    if (typeof keyPrefix !== 'string') {
      throw new BottangoError(BottangoErrorCode.InvalidConfiguration, `keyPrefix must be a string, got ${JSON.stringify(keyPrefix)}`, { where, details: { field: 'keyPrefix', value: keyPrefix } });
    }
    const { redis, safeUrl } = await connectRedis<ContextRedis>(options, where, defineScripts);
    return new RedisContextStore(redis, safeUrl, keyPrefix);
  }

  async registerNamespace(namespace: string, options: NamespaceOptions = {}): Promise<NamespaceInfo> {
    this.#assertOpen();
    validateNamespaceName(namespace);
    const ttlSeconds = validateTtl(options.ttlSeconds);
    await this.#call(() => this.#redis.bottangoRegister(this.#registry, this.#generation, this.keyPrefix, namespace, String(ttlSeconds)));
    return { name: namespace, ttlSeconds };
  }

  async getNamespace(namespace: string): Promise<NamespaceInfo | undefined> {
    this.#assertOpen();
    validateNamespaceName(namespace);
    const entry = await this.#call(() => this.#redis.hget(this.#registry, namespace));
    if (entry === null) return undefined;
    return { name: namespace, ttlSeconds: Number(entry.slice(entry.indexOf(':') + 1)) };
  }

  async deleteNamespace(namespace: string): Promise<boolean> {
    this.#assertOpen();
    validateNamespaceName(namespace);
    const generation = await this.#call(() => this.#redis.bottangoDeleteNamespace(this.#registry, this.keyPrefix, namespace));
    if (generation === null) return false;
    // The keys are already unreachable (their generation is gone for good); now free the memory.
    for (const kind of ['v', 'i', 't']) {
      const pattern = `${escapeGlob(`${this.keyPrefix}${kind}:${namespace}:${generation}:`)}*`;
      let cursor = '0';
      do {
        const [next, keys] = await this.#call(() => this.#redis.scan(cursor, 'MATCH', pattern, 'COUNT', SCAN_COUNT));
        if (keys.length > 0) await this.#call(() => this.#redis.unlink(...keys));
        cursor = next;
      } while (cursor !== '0');
    }
    return true;
  }

  async get(namespace: string, scope: ContextScope, property: string): Promise<StoredValue | undefined> {
    this.#assertOpen();
    validateNamespaceName(namespace);
    validateScope(scope);
    validatePropertyName(property);
    const stored = await this.#call(() => this.#redis.bottangoGet(this.#registry, this.keyPrefix, namespace, scopePart(scope), property));
    return stored === null ? undefined : decodeStored(stored);
  }

  async set(namespace: string, scope: ContextScope, property: string, value: JsonValue, options: SetOptions = {}): Promise<StoredValue> {
    this.#assertOpen();
    validateNamespaceName(namespace);
    validateScope(scope);
    validatePropertyName(property);
    const json = encodeContextValue(value, `${namespace}/${property}`);
    const expected = options.expectedVersion === undefined ? '' : String(options.expectedVersion);
    const reply = await this.#call(() => this.#redis.bottangoSet(this.#registry, this.keyPrefix, namespace, scopePart(scope), property, json, expected));
    const version = checkReply(reply, namespace, property, options.expectedVersion);
    return { value: JSON.parse(json) as JsonValue, version };
  }

  async delete(namespace: string, scope: ContextScope, property: string): Promise<boolean> {
    this.#assertOpen();
    validateNamespaceName(namespace);
    validateScope(scope);
    validatePropertyName(property);
    const reply = await this.#call(() => this.#redis.bottangoDelete(this.#registry, this.keyPrefix, namespace, scopePart(scope), property));
    return checkReply(reply, namespace, property) > 0;
  }

  async getAll(namespace: string, scope: SessionScope): Promise<Record<string, JsonValue>> {
    this.#assertOpen();
    validateNamespaceName(namespace);
    validateSessionScope(scope);
    const flat = await this.#call(() => this.#redis.bottangoGetAll(this.#registry, this.keyPrefix, namespace, scopePart(scope)));
    const result: Record<string, JsonValue> = {};
    for (let i = 0; i + 1 < flat.length; i += 2) addToGetAllResult(result, flat[i] as string, decodeStored(flat[i + 1] as string).value);
    return result;
  }

  async deleteAll(namespace: string, scope: SessionScope): Promise<number> {
    this.#assertOpen();
    validateNamespaceName(namespace);
    validateSessionScope(scope);
    const reply = await this.#call(() => this.#redis.bottangoDeleteAll(this.#registry, this.keyPrefix, namespace, scopePart(scope)));
    return checkReply(reply, namespace);
  }

  async setSessionTtl(namespace: string, scope: SessionScope, ttlSeconds: number): Promise<void> {
    this.#assertOpen();
    validateNamespaceName(namespace);
    validateSessionScope(scope);
    const ttl = validateTtl(ttlSeconds);
    checkReply(await this.#call(() => this.#redis.bottangoSetSessionTtl(this.#registry, this.keyPrefix, namespace, scopePart(scope), String(ttl))), namespace);
  }

  async close(): Promise<void> {
    if (this.#closed) return;
    this.#closed = true;
    await quitRedis(this.#redis);
  }

  #call<T>(body: () => Promise<T>): Promise<T> {
    return redisCall(body, 'Redis context store', this.url, () => this.#closed);
  }

  #assertOpen(): void {
    if (this.#closed) throw redisStoreClosed('Redis context store', this.url);
  }
}

function defineScripts(redis: Redis): void {
  redis.defineCommand('bottangoGet', { numberOfKeys: 1, lua: GET_SCRIPT });
  redis.defineCommand('bottangoSet', { numberOfKeys: 1, lua: SET_SCRIPT });
  redis.defineCommand('bottangoDelete', { numberOfKeys: 1, lua: DELETE_SCRIPT });
  redis.defineCommand('bottangoGetAll', { numberOfKeys: 1, lua: GET_ALL_SCRIPT });
  redis.defineCommand('bottangoDeleteAll', { numberOfKeys: 1, lua: DELETE_ALL_SCRIPT });
  redis.defineCommand('bottangoSetSessionTtl', { numberOfKeys: 1, lua: SET_SESSION_TTL_SCRIPT });
  redis.defineCommand('bottangoRegister', { numberOfKeys: 2, lua: REGISTER_SCRIPT });
  redis.defineCommand('bottangoDeleteNamespace', { numberOfKeys: 1, lua: DELETE_NAMESPACE_SCRIPT });
}

/** "<length>:<scopeKey>": unambiguous even when IDs contain ':'. */
function scopePart(scope: ContextScope): string {
  const key = scopeKey(scope);
  return `${key.length}:${key}`;
}

function decodeStored(stored: string): StoredValue {
  const colon = stored.indexOf(':');
  return { value: JSON.parse(stored.slice(colon + 1)) as JsonValue, version: Number(stored.slice(0, colon)) };
}

function checkReply(reply: ScriptReply, namespace: string, property?: string, expected?: number): number {
  const [status, actual] = reply;
  if (status === -1) {
    throw new BottangoError(BottangoErrorCode.NamespaceNotRegistered, `namespace "${namespace}" is not registered; call registerNamespace first`, { details: { namespace } });
  }
  if (status === -2) {
    throw new BottangoError(BottangoErrorCode.VersionConflict, `${namespace}/${property ?? ''}: expected version ${String(expected)}, the stored version is ${String(actual)}`, { details: { namespace, property, expectedVersion: expected, actualVersion: actual } });
  }
  return status;
}



function escapeGlob(text: string): string {
  return text.replace(/[*?[\]\\]/g, (c) => `\\${c}`);
}
