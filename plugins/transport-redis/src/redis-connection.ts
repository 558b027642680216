import { Redis } from 'ioredis';
import { BottangoError, BottangoErrorCode, type Logger } from '@bottango/core';
import { parseRedisUrl } from '@bottango/store-redis';

export interface RedisConnectionSettings {
  readonly url: string;
  readonly connectTimeoutMs: number;
  /** How long one command may wait for its reply (for blocking reads: longer than their block time). */
  readonly commandTimeoutMs: number;
  readonly logger: Logger;
  readonly name: string;
}

/**
 * One ioredis connection that survives a Redis restart: commands issued while disconnected wait for the reconnect,
 * but a command already sent when the connection dropped is never sent again (it may have been applied).
 */
export async function connectRedis(settings: RedisConnectionSettings): Promise<Redis> {
  const where = 'Redis transport';
  const parsed = parseRedisUrl(settings.url, where);
  const redis = new Redis({
    ...parsed.options,
    lazyConnect: true,
    connectTimeout: settings.connectTimeoutMs,
    commandTimeout: settings.commandTimeoutMs,
    autoResendUnfulfilledCommands: false,
    maxRetriesPerRequest: null,
    enableAutoPipelining: true,
    retryStrategy: (times: number) => Math.min(50 * 2 ** Math.min(times, 5), 1_000),
  });
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
    throw new BottangoError(BottangoErrorCode.TransportUnavailable, `cannot connect to Redis at ${parsed.safeUrl}: ${reason}`, { cause: lastError ?? cause, where, details: { field: 'url', value: parsed.safeUrl } });
  }
  redis.off('error', onError);
  let reported = false;
  redis.on('error', (error: Error) => {
    if (!reported) settings.logger.warn(`Redis transport (${settings.name}): connection problem; reconnecting`, { url: parsed.safeUrl, error: error.message });
    reported = true;
  });
  redis.on('ready', () => {
    if (reported) settings.logger.info(`Redis transport (${settings.name}): reconnected`, { url: parsed.safeUrl });
    reported = false;
  });
  return redis;
}
