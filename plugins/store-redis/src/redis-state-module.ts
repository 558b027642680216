import { ContainerModule } from 'inversify';
import { ConversationStateStore, Logger } from '@bottango/core';
import { parseRedisUrl } from './redis-connection.js';
import { RedisConversationStateStore } from './redis-conversation-state-store.js';
import type { RedisStoreModuleOptions } from './redis-store-module.js';

/** Options as for `RedisStoreModule`; `keyPrefix` defaults to `bottango:state:`. */
export type RedisStateModuleOptions = RedisStoreModuleOptions;

/** Container token of the concrete state store (made by `RedisConversationStateStore.connect`). */
export const RedisConversationStateStoreService = Symbol.for('@bottango/store-redis/RedisConversationStateStore');

/**
 * Binds `ConversationStateStore` to one `RedisConversationStateStore` (singleton), independently of the context
 * store. Asynchronous like `RedisStoreModule`: `await container.getAsync(ConversationStateStore)` is where an
 * unreachable server fails. Unbinding (`unbindAsync`) closes the connection.
 */
export class RedisStateModule {
  static fromOptions(options: RedisStateModuleOptions): ContainerModule {
    parseRedisUrl(options.url, '@bottango/store-redis options'); // fail on a bad URL when the module is made
    return new ContainerModule(({ bind, onDeactivation }) => {
      bind<RedisConversationStateStore>(RedisConversationStateStoreService)
        .toDynamicValue(async (context) => {
          const logger = context.get<Logger>(Logger, { optional: true });
          return RedisConversationStateStore.connect({ ...options, ...(logger ? { logger } : {}) });
        })
        .inSingletonScope();
      bind(ConversationStateStore).toService(RedisConversationStateStoreService);
      onDeactivation<RedisConversationStateStore>(RedisConversationStateStoreService, (store) => store.close());
    });
  }
}
