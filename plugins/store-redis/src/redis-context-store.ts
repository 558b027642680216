import { Redis } from 'ioredis';
import {
  BottangoError,
  BottangoErrorCode,
  encodeContextValue,
  scopeKey,
  silentLogger,
  validateNamespaceName,
  validatePropertyName,
  validateScope,
  validateSessionScope,
  validateTtl,
  type ContextScope,
  type ContextStore,
  type ContextStoreCapabilities,
  type JsonValue,
  type Logger,
  type NamespaceInfo,
  type NamespaceOptions,
  type SessionScope,
  type SetOptions,
  type StoredValue,
} from '@bottango/core';
import {
  DELETE_ALL_SCRIPT,
  DELETE_NAMESPACE_SCRIPT,
  DELETE_SCRIPT,
  GET_ALL_SCRIPT,
  GET_SCRIPT,
  REGISTER_SCRIPT,
  SET_SCRIPT,
} from './redis-lua.js';

export interface RedisContextStoreOptions {
  /** `redis://[user:password@]host[:port][/db]` or `rediss://…` for TLS. */
  readonly url: string;
  /** Prefix of every key the store writes, so several apps (or tests) can share one Redis database. Default `bottango:ctx:`. */
  readonly keyPrefix?: string;
  /** How long to wait for the server when connecting (at start-up and on each reconnect). Default 5 000 ms. */
  readonly connectTimeoutMs?: number;
  /** How long one call waits for the server's reply before failing with STORE_UNAVAILABLE. Default 5 000 ms. */
  readonly commandTimeoutMs?: number;
  /** Where connection problems are reported (the store keeps reconnecting). Default: silent. */
  readonly logger?: Logger;
}

export const DEFAULT_KEY_PREFIX = 'bottango:ctx:';
const DEFAULT_CONNECT_TIMEOUT_MS = 5_000;
const DEFAULT_COMMAND_TIMEOUT_MS = 5_000;
const SCAN_COUNT = 1_000;

type ScriptReply = [number, number?];

interface ContextCommands {
  bottangoGet(registry: string, prefix: string, namespace: string, scope: string, property: string): Promise<string | null>;
  bottangoSet(registry: string, prefix: string, namespace: string, scope: string, property: string, json: string, expected: string): Promise<ScriptReply>;
  bottangoDelete(registry: string, prefix: string, namespace: string, scope: string, property: string): Promise<ScriptReply>;
  bottangoGetAll(registry: string, prefix: string, namespace: string, scope: string): Promise<string[]>;
  bottangoDeleteAll(registry: string, prefix: string, namespace: string, scope: string): Promise<ScriptReply>;
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
    const parsed = parseRedisUrl(options.url, where);
    const keyPrefix = options.keyPrefix ?? DEFAULT_KEY_PREFIX;
    if (typeof keyPrefix !== 'string') {
      throw new BottangoError(BottangoErrorCode.InvalidConfiguration, `keyPrefix must be a string, got ${JSON.stringify(keyPrefix)}`, { where, details: { field: 'keyPrefix', value: keyPrefix } });
    }
    const connectTimeout = positiveInteger('connectTimeoutMs', options.connectTimeoutMs ?? DEFAULT_CONNECT_TIMEOUT_MS, where);
    const commandTimeout = positiveInteger('commandTimeoutMs', options.commandTimeoutMs ?? DEFAULT_COMMAND_TIMEOUT_MS, where);
    const logger = options.logger ?? silentLogger;

    const redis = new Redis({
      ...parsed.options,
      lazyConnect: true,
      connectTimeout,
      commandTimeout,
      // Fail fast while disconnected instead of queueing, and never resend a write that may have been applied.
      enableOfflineQueue: false,
      autoResendUnfulfilledCommands: false,
      maxRetriesPerRequest: 0,
      retryStrategy: (times: number) => Math.min(50 * 2 ** Math.min(times, 6), 2_000),
    }) as ContextRedis;
    defineScripts(redis);

    let lastError: Error | undefined;
    const onError = (error: Error): void => {
      lastError = error;
    };
    redis.on('error', onError);
    try {
      await redis.connect();
      await redis.ping();
    } catch (cause) {
      redis.disconnect();
      const reason = lastError?.message ?? (cause as Error).message;
      throw new BottangoError(BottangoErrorCode.StoreUnavailable, `cannot connect to Redis at ${parsed.safeUrl}: ${reason}`, { cause: lastError ?? cause, where, details: { field: 'url', value: parsed.safeUrl } });
    }
    redis.off('error', onError);
    let reported = false;
    redis.on('error', (error: Error) => {
      if (!reported) logger.warn('Redis context store: connection problem; reconnecting', { url: parsed.safeUrl, error: error.message });
      reported = true;
    });
    redis.on('ready', () => {
      if (reported) logger.info('Redis context store: reconnected', { url: parsed.safeUrl });
      reported = false;
    });
    return new RedisContextStore(redis, parsed.safeUrl, keyPrefix);
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
    for (const kind of ['v', 'i']) {
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
    for (let i = 0; i + 1 < flat.length; i += 2) result[flat[i] as string] = decodeStored(flat[i + 1] as string).value;
    return result;
  }

  async deleteAll(namespace: string, scope: SessionScope): Promise<number> {
    this.#assertOpen();
    validateNamespaceName(namespace);
    validateSessionScope(scope);
    const reply = await this.#call(() => this.#redis.bottangoDeleteAll(this.#registry, this.keyPrefix, namespace, scopePart(scope)));
    return checkReply(reply, namespace);
  }

  async close(): Promise<void> {
    if (this.#closed) return;
    this.#closed = true;
    try {
      await this.#redis.quit();
    } catch {
      this.#redis.disconnect();
    }
  }

  /** Runs one Redis call; any failure of the connection or server becomes STORE_UNAVAILABLE. */
  async #call<T>(body: () => Promise<T>): Promise<T> {
    try {
      return await body();
    } catch (error) {
      if (BottangoError.is(error)) throw error;
      if (this.#closed) throw storeClosed(this.url);
      throw new BottangoError(BottangoErrorCode.StoreUnavailable, `Redis at ${this.url} is unavailable: ${(error as Error).message}`, { cause: error, details: { url: this.url } });
    }
  }

  #assertOpen(): void {
    if (this.#closed) throw storeClosed(this.url);
  }
}

function defineScripts(redis: Redis): void {
  redis.defineCommand('bottangoGet', { numberOfKeys: 1, lua: GET_SCRIPT });
  redis.defineCommand('bottangoSet', { numberOfKeys: 1, lua: SET_SCRIPT });
  redis.defineCommand('bottangoDelete', { numberOfKeys: 1, lua: DELETE_SCRIPT });
  redis.defineCommand('bottangoGetAll', { numberOfKeys: 1, lua: GET_ALL_SCRIPT });
  redis.defineCommand('bottangoDeleteAll', { numberOfKeys: 1, lua: DELETE_ALL_SCRIPT });
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


function storeClosed(url: string): BottangoError {
  return new BottangoError(BottangoErrorCode.StoreClosed, `the Redis context store (${url}) is closed`);
}

function escapeGlob(text: string): string {
  return text.replace(/[*?[\]\\]/g, (c) => `\\${c}`);
}

function positiveInteger(field: string, value: unknown, where: string): number {
  if (typeof value !== 'number' || !Number.isInteger(value) || value <= 0) {
    throw new BottangoError(BottangoErrorCode.InvalidConfiguration, `${field} must be a positive whole number of milliseconds, got ${JSON.stringify(value)}`, { where, details: { field, value } });
  }
  return value;
}

/** The connection part of ioredis's options that a URL gives. */
export interface RedisConnectionOptions {
  readonly host: string;
  readonly port: number;
  readonly db: number;
  readonly username?: string;
  readonly password?: string;
  readonly tls?: { readonly servername: string };
}

interface ParsedRedisUrl {
  readonly options: RedisConnectionOptions;
  /** The URL with any password replaced by "***", safe for messages and logs. */
  readonly safeUrl: string;
}

/** Parses `redis://[user:password@]host[:port][/db]` (or `rediss://`), naming what is wrong. */
export function parseRedisUrl(url: unknown, where = 'Redis context store'): ParsedRedisUrl {
  const fail = (why: string, shown: string): never => {
    throw new BottangoError(BottangoErrorCode.InvalidConfiguration, `url ${shown} ${why}; expected redis://host:port/db`, { where, details: { field: 'url', value: shown } });
  };
  if (typeof url !== 'string' || url.length === 0) return fail('is not a URL string', JSON.stringify(url));
  let parsed: URL;
  try {
    parsed = new URL(url);
  } catch {
    return fail('cannot be parsed', JSON.stringify(url.replace(/:[^:@/]*@/, ':***@')));
  }
  if (parsed.password) parsed.password = '***';
  const safeUrl = parsed.toString();
  if (parsed.protocol !== 'redis:' && parsed.protocol !== 'rediss:') fail(`has protocol "${parsed.protocol}"`, JSON.stringify(safeUrl));
  if (parsed.hostname === '') fail('has no host', JSON.stringify(safeUrl));
  const port = parsed.port === '' ? 6379 : Number(parsed.port);
  const dbText = parsed.pathname.replace(/^\//, '');
  if (dbText !== '' && !/^\d+$/.test(dbText)) fail(`has database "${dbText}", which is not a number`, JSON.stringify(safeUrl));
  const db = dbText === '' ? 0 : Number(dbText);
  const real = new URL(url);
  const options: RedisConnectionOptions = {
    host: parsed.hostname.replace(/^\[|\]$/g, ''),
    port,
    db,
    ...(real.username ? { username: decodeURIComponent(real.username) } : {}),
    ...(real.password ? { password: decodeURIComponent(real.password) } : {}),
    ...(parsed.protocol === 'rediss:' ? { tls: { servername: parsed.hostname } } : {}),
  };
  return { options, safeUrl };
}
