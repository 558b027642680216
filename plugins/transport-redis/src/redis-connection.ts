import type { Redis } from 'ioredis';
import { BottangoErrorCode, type Logger } from '@bottango/core';
import { connectRedis as connect } from '@bottango/store-redis';

export interface RedisConnectionSettings {
  readonly url: string;
  readonly connectTimeoutMs: number;
  /** How long one command may wait for its reply (for blocking reads: longer than their block time). */
  readonly commandTimeoutMs: number;
  readonly logger: Logger;
  readonly name: string;
}

/**
 * One connection that survives a Redis restart: commands issued while disconnected wait for the reconnect, but a
 * command already sent when the connection dropped is never sent again (it may have been applied).
 */
export async function connectRedis(settings: RedisConnectionSettings): Promise<Redis> {
  const { redis } = await connect<Redis>(
    { url: settings.url, connectTimeoutMs: settings.connectTimeoutMs, commandTimeoutMs: settings.commandTimeoutMs, logger: settings.logger },
    `Redis transport (${settings.name})`,
    () => undefined,
    { waitWhileDisconnected: true, unavailableCode: BottangoErrorCode.TransportUnavailable },
  );
  return redis;
}
