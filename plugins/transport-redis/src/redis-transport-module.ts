import { ContainerModule } from 'inversify';
import { BottangoError, BottangoErrorCode, Logger, TransferTransport, definePlugin, type BottangoPlugin } from '@bottango/core';
import { parseRedisUrl } from '@bottango/store-redis';
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

const NUMERIC = ['transferTimeoutMs', 'claimIdleMs', 'heartbeatMs', 'sendTimeoutMs', 'maxEventsPerConversation', 'eventsTtlSeconds', 'connectTimeoutMs'] as const;
const KNOWN = ['url', 'keyPrefix', ...NUMERIC] as const;

/** Checks untyped configuration (from a file or the command line) and names the bad field and value. */
export function parseRedisTransportOptions(raw: Readonly<Record<string, unknown>>): Omit<RedisStreamsTransportOptions, 'logger'> {
  const where = '@bottango/transport-redis options';
  for (const key of Object.keys(raw)) {
    if (!(KNOWN as readonly string[]).includes(key)) {
      throw new BottangoError(BottangoErrorCode.InvalidConfiguration, `unknown option "${key}" (known: ${KNOWN.join(', ')})`, { where, details: { field: key } });
    }
  }
  parseRedisUrl(raw['url'], where);
  if (raw['keyPrefix'] !== undefined && (typeof raw['keyPrefix'] !== 'string' || raw['keyPrefix'] === '')) {
    throw new BottangoError(BottangoErrorCode.InvalidConfiguration, `keyPrefix must be a non-empty string, got ${JSON.stringify(raw['keyPrefix'])}`, { where, details: { field: 'keyPrefix', value: raw['keyPrefix'] } });
  }
  for (const field of NUMERIC) {
    const value = raw[field];
    if (value !== undefined && (typeof value !== 'number' || !Number.isInteger(value) || value <= 0)) {
      throw new BottangoError(BottangoErrorCode.InvalidConfiguration, `${field} must be a positive whole number, got ${JSON.stringify(value)}`, { where, details: { field, value } });
    }
  }
  return raw as unknown as Omit<RedisStreamsTransportOptions, 'logger'>;
}

export const bottangoPlugin: BottangoPlugin<Record<string, unknown>> = definePlugin<Record<string, unknown>>({
  name: '@bottango/transport-redis',
  createModule: (options) => RedisTransportModule.fromOptions(parseRedisTransportOptions(options)),
});
