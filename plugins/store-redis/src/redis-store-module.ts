import { ContainerModule } from 'inversify';
import { ContextStore, definePlugin, Logger, type BottangoPlugin } from '@bottango/core';
import { z } from 'zod';
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

/** A `redis://` or `rediss://` URL, checked by `parseRedisUrl` (one rule for the plugins' options and the stores). */
export const redisUrlSchema = z.string({ error: (issue) => `must be a redis:// URL, got ${JSON.stringify(issue.input)}` }).superRefine((url, context) => {
  try {
    parseRedisUrl(url, '');
  } catch (error) {
    context.addIssue({ code: 'custom', message: (error as Error).message.replace(/^url /, '') });
  }
});

const milliseconds = z.number({ error: (issue) => `must be a positive whole number of milliseconds, got ${JSON.stringify(issue.input)}` }).int().positive().exactOptional();

/**
 * The plugin's options: `provides` (`"context"`, the default, binds the Context Session Store; `"state"` the
 * conversation state store — load the plugin twice for both) and the options of `RedisStoreModule` (`url` required).
 * Unknown options are errors; each message names what is wrong and the value given.
 */
export const redisStoreOptionsSchema = z.strictObject(
  {
    provides: z.enum(['context', 'state'], { error: (issue) => `must be "context" or "state", got ${JSON.stringify(issue.input)}` }).default('context'),
    url: redisUrlSchema,
    keyPrefix: z.string({ error: (issue) => `must be a string, got ${JSON.stringify(issue.input)}` }).exactOptional(),
    connectTimeoutMs: milliseconds,
    commandTimeoutMs: milliseconds,
  },
  { error: (issue) => (issue.code === 'unrecognized_keys' ? `unknown option ${issue.keys.map((k) => `"${k}"`).join(', ')} (known: provides, url, keyPrefix, connectTimeoutMs, commandTimeoutMs)` : `options must be an object, got ${JSON.stringify(issue.input)}`) },
);

export type RedisStorePluginOptions = z.output<typeof redisStoreOptionsSchema>;

export const bottangoPlugin: BottangoPlugin<RedisStorePluginOptions> = definePlugin({
  name: '@bottango/store-redis',
  optionsSchema: redisStoreOptionsSchema,
  createModule: ({ provides, ...options }) => (provides === 'state' ? RedisStateModule.fromOptions(options) : RedisStoreModule.fromOptions(options)),
});
