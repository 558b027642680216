import { Redis } from 'ioredis';
import { BottangoError, BottangoErrorCode, silentLogger, type Logger } from '@bottango/core';

/** How a store connects; shared by the context store and the conversation state store. */
export interface RedisConnectOptions {
  /** `redis://[user:password@]host[:port][/db]` or `rediss://…` for TLS. */
  readonly url: string;
  /** How long to wait for the server when connecting (at start-up and on each reconnect). Default 5 000 ms. */
  readonly connectTimeoutMs?: number;
  /** How long one call waits for the server's reply before failing with STORE_UNAVAILABLE. Default 5 000 ms. */
  readonly commandTimeoutMs?: number;
  /** Where connection problems are reported (the store keeps reconnecting). Default: silent. */
  readonly logger?: Logger;
}

const DEFAULT_CONNECT_TIMEOUT_MS = 5_000;
const DEFAULT_COMMAND_TIMEOUT_MS = 5_000;

/**
 * How a client behaves while disconnected. Stores fail fast (the default); a transport, whose loops retry anyway,
 * lets commands wait for the reconnect. Either way a command already sent when the connection dropped is never sent
 * again (it may have been applied).
 */
export interface RedisConnectionMode {
  readonly waitWhileDisconnected: boolean;
  /** Error code when the server cannot be reached at start. Default STORE_UNAVAILABLE. */
  readonly unavailableCode?: BottangoErrorCode;
}

/**
 * Connects and checks the server answers; throws INVALID_CONFIGURATION for bad options, STORE_UNAVAILABLE (or
 * `mode.unavailableCode`) when unreachable. `where` names the store in messages; `defineScripts` adds its Lua commands.
 * Resolves with the client and the URL without its password.
 */
export async function connectRedis<R extends Redis>(
  options: RedisConnectOptions,
  where: string,
  defineScripts: (redis: Redis) => void,
  mode: RedisConnectionMode = { waitWhileDisconnected: false },
): Promise<{ redis: R; safeUrl: string }> {
  const parsed = parseRedisUrl(options.url, where);
  const connectTimeout = positiveInteger('connectTimeoutMs', options.connectTimeoutMs ?? DEFAULT_CONNECT_TIMEOUT_MS, where);
  const commandTimeout = positiveInteger('commandTimeoutMs', options.commandTimeoutMs ?? DEFAULT_COMMAND_TIMEOUT_MS, where);
  const logger = options.logger ?? silentLogger;

  const redis = new Redis({
    ...parsed.options,
    lazyConnect: true,
    connectTimeout,
    commandTimeout,
    autoResendUnfulfilledCommands: false,
    // Commands issued in the same tick go out in one write.
    enableAutoPipelining: true,
    ...(mode.waitWhileDisconnected ? { maxRetriesPerRequest: null } : { enableOfflineQueue: false, maxRetriesPerRequest: 0 }),
    retryStrategy: (times: number) => Math.min(50 * 2 ** Math.min(times, 6), 2_000),
  });
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
    throw new BottangoError(mode.unavailableCode ?? BottangoErrorCode.StoreUnavailable, `cannot connect to Redis at ${parsed.safeUrl}: ${reason}`, { cause: lastError ?? cause, where, details: { field: 'url', value: parsed.safeUrl } });
  }
  redis.off('error', onError);
  let reported = false;
  redis.on('error', (error: Error) => {
    if (!reported) logger.warn(`${where}: connection problem; reconnecting`, { url: parsed.safeUrl, error: error.message });
    reported = true;
  });
  redis.on('ready', () => {
    if (reported) logger.info(`${where}: reconnected`, { url: parsed.safeUrl });
    reported = false;
  });
  return { redis: redis as R, safeUrl: parsed.safeUrl };
}

/** Runs one Redis call; a failure of the connection or server becomes STORE_UNAVAILABLE (STORE_CLOSED once closed). */
export async function redisCall<T>(body: () => Promise<T>, name: string, url: string, isClosed: () => boolean): Promise<T> {
  try {
    return await body();
  } catch (error) {
    if (BottangoError.is(error)) throw error;
    if (isClosed()) throw redisStoreClosed(name, url);
    throw new BottangoError(BottangoErrorCode.StoreUnavailable, `Redis at ${url} is unavailable: ${(error as Error).message}`, { cause: error, details: { url } });
  }
}

export function redisStoreClosed(name: string, url: string): BottangoError {
  return new BottangoError(BottangoErrorCode.StoreClosed, `the ${name} (${url}) is closed`);
}

/** QUIT, or a hard disconnect when the server is gone. */
export async function quitRedis(redis: Redis): Promise<void> {
  try {
    await redis.quit();
  } catch {
    redis.disconnect();
  }
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

/**
 * Parses `redis://[user:password@]host[:port][/db]` (or `rediss://`), naming what is wrong.
 * @internal Shared with @bottango/transport-redis.
 */
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
