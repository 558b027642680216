import { ContainerModule } from 'inversify';
import { Logger, TransferTransport, definePlugin, type BottangoPlugin } from '@bottango/core';
import { parseRedisUrl, redisUrlSchema } from '@bottango/store-redis';
import { z } from 'zod';
import { RedisStreamsTransport, type RedisStreamsTransportOptions } from './redis-streams-transport.js';

/** Container token of the concrete transport (bot agents need more than the `TransferTransport` contract). */
export const RedisStreamsTransportService = Symbol.for('@bottango/transport-redis/RedisStreamsTransport');

/**
 * Binds `TransferTransport` to one `RedisStreamsTransport` (asynchronous: resolve it with `getAsync`, where a bad URL
 * or an unreachable server fails). Unbinding closes its connections.
 */
export class RedisTransportModule {
  static fromOptions(options: Omit<RedisStreamsTransportOptions, 'logger'>): ContainerModule {
    parseRedisUrl(options.url, '@bottango/transport-redis options');
    return new ContainerModule(({ bind, onDeactivation }) => {
      bind<RedisStreamsTransport>(RedisStreamsTransportService)
        .toDynamicValue(async (context) => {
          const logger = context.get<Logger>(Logger, { optional: true });
          return RedisStreamsTransport.connect({ ...options, ...(logger ? { logger } : {}) });
        })
        .inSingletonScope();
      bind(TransferTransport).toService(RedisStreamsTransportService);
      onDeactivation<RedisStreamsTransport>(RedisStreamsTransportService, (transport) => transport.close());
    });
  }
}

const positive = z.number({ error: (issue) => `must be a positive whole number, got ${JSON.stringify(issue.input)}` }).int().positive().exactOptional();

/** The plugin's options: those of `RedisStreamsTransport` but `logger` (`url` required). Unknown options are errors. */
export const redisTransportOptionsSchema = z.strictObject(
  {
    url: redisUrlSchema,
    keyPrefix: z.string({ error: (issue) => `must be a non-empty string, got ${JSON.stringify(issue.input)}` }).min(1).exactOptional(),
    transferTimeoutMs: positive,
    claimIdleMs: positive,
    heartbeatMs: positive,
    sendTimeoutMs: positive,
    maxEventsPerConversation: positive,
    eventsTtlSeconds: positive,
    connectTimeoutMs: positive,
  },
  {
    error: (issue) =>
      issue.code === 'unrecognized_keys'
        ? `unknown option ${issue.keys.map((k) => `"${k}"`).join(', ')} (known: url, keyPrefix, transferTimeoutMs, claimIdleMs, heartbeatMs, sendTimeoutMs, maxEventsPerConversation, eventsTtlSeconds, connectTimeoutMs)`
        : `options must be an object, got ${JSON.stringify(issue.input)}`,
  },
);

export const bottangoPlugin: BottangoPlugin<Omit<RedisStreamsTransportOptions, 'logger'>> = definePlugin({
  name: '@bottango/transport-redis',
  optionsSchema: redisTransportOptionsSchema,
  createModule: (options) => RedisTransportModule.fromOptions(options),
});
