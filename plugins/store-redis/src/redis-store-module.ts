import { ContainerModule } from 'inversify';
import { BottangoError, BottangoErrorCode, ContextStore, definePlugin, Logger, type BottangoPlugin } from '@bottango/core';
import { RedisContextStore } from './redis-context-store.js';
import { parseRedisUrl } from './redis-connection.js';
import { RedisStateModule } from './redis-state-module.js';

export interface RedisStoreModuleOptions {
  /** `redis://[user:password@]host[:port][/db]` (or `rediss://` for TLS). */
  readonly url: string;
  /** Prefix of every key. Default `bottango:ctx:` (context store), `bottango:state:` (state store). */
  readonly keyPrefix?: string;
  /** Connect timeout, at start-up and on each reconnect. Default 5 000 ms. */
  readonly connectTimeoutMs?: number;
  /** How long one call waits for a reply. Default 5 000 ms. */
  readonly commandTimeoutMs?: number;
}

/**
 * Binds `ContextStore` to one `RedisContextStore` (singleton). The binding is asynchronous, so resolve it with
 * `await container.getAsync(ContextStore)`: that is where a bad URL or an unreachable server fails, at start-up.
 * A `Logger` bound in the container receives connection warnings. Unbinding (`unbindAsync`) closes the connection.
 */
/** Container token of the concrete store (its constructor is private: it is made by `RedisContextStore.connect`). */
export const RedisContextStoreService = Symbol.for('@bottango/store-redis/RedisContextStore');

export class RedisStoreModule {
  static fromOptions(options: RedisStoreModuleOptions): ContainerModule {
    parseRedisUrl(options.url, '@bottango/store-redis options'); // fail on a bad URL when the module is made
    return new ContainerModule(({ bind, onDeactivation }) => {
      bind<RedisContextStore>(RedisContextStoreService)
        .toDynamicValue(async (context) => {
          const logger = context.get<Logger>(Logger, { optional: true });
          return RedisContextStore.connect({ ...options, ...(logger ? { logger } : {}) });
        })
        .inSingletonScope();
      bind(ContextStore).toService(RedisContextStoreService);
      onDeactivation<RedisContextStore>(RedisContextStoreService, (store) => store.close());
    });
  }
}

const KNOWN = ['url', 'keyPrefix', 'connectTimeoutMs', 'commandTimeoutMs'] as const;

/** Checks untyped configuration (from a file) and names the bad field and value. */
export function parseRedisStoreOptions(raw: Readonly<Record<string, unknown>>): RedisStoreModuleOptions {
  const where = '@bottango/store-redis options';
  const fail = (field: string, message: string): never => {
    throw new BottangoError(BottangoErrorCode.InvalidConfiguration, `${field} ${message}, got ${JSON.stringify(raw[field])}`, { where, details: { field, value: raw[field] } });
  };
  for (const key of Object.keys(raw)) {
    if (!(KNOWN as readonly string[]).includes(key)) {
      throw new BottangoError(BottangoErrorCode.InvalidConfiguration, `unknown option "${key}" (known: ${KNOWN.join(', ')})`, { where, details: { field: key } });
    }
  }
  const { url, keyPrefix, connectTimeoutMs, commandTimeoutMs } = raw;
  parseRedisUrl(url, where);
  if (keyPrefix !== undefined && typeof keyPrefix !== 'string') fail('keyPrefix', 'must be a string');
  const positive = (v: unknown): boolean => typeof v === 'number' && Number.isInteger(v) && v > 0;
  if (connectTimeoutMs !== undefined && !positive(connectTimeoutMs)) fail('connectTimeoutMs', 'must be a positive whole number of milliseconds');
  if (commandTimeoutMs !== undefined && !positive(commandTimeoutMs)) fail('commandTimeoutMs', 'must be a positive whole number of milliseconds');
  return {
    url: url as string,
    ...(keyPrefix === undefined ? {} : { keyPrefix: keyPrefix as string }),
    ...(connectTimeoutMs === undefined ? {} : { connectTimeoutMs: connectTimeoutMs as number }),
    ...(commandTimeoutMs === undefined ? {} : { commandTimeoutMs: commandTimeoutMs as number }),
  };
}

/**
 * The plugin. Option `provides`: `"context"` (default) binds the Context Session Store, `"state"` the conversation
 * state store (load the plugin twice for both); the other options are those of `parseRedisStoreOptions`.
 */
export const bottangoPlugin: BottangoPlugin<Record<string, unknown>> = definePlugin<Record<string, unknown>>({
  name: '@bottango/store-redis',
  createModule: ({ provides, ...options }) => {
    if (provides === undefined || provides === 'context') return RedisStoreModule.fromOptions(parseRedisStoreOptions(options));
    if (provides === 'state') return RedisStateModule.fromOptions(parseRedisStoreOptions(options));
    throw new BottangoError(BottangoErrorCode.InvalidConfiguration, `provides must be "context" or "state", got ${JSON.stringify(provides)}`, {
      where: '@bottango/store-redis options',
      details: { field: 'provides', value: provides },
    });
  },
});
