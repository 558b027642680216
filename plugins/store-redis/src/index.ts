export { RedisContextStore, DEFAULT_KEY_PREFIX, type RedisContextStoreOptions } from './redis-context-store.js';
export { parseRedisUrl, connectRedis, type RedisConnectOptions, type RedisConnectionOptions, type RedisConnectionMode } from './redis-connection.js';
export { RedisStoreModule, RedisContextStoreService, redisStoreOptionsSchema, redisUrlSchema, bottangoPlugin, type RedisStoreModuleOptions, type RedisStorePluginOptions } from './redis-store-module.js';
export { RedisConversationStateStore, DEFAULT_STATE_KEY_PREFIX, type RedisConversationStateStoreOptions } from './redis-conversation-state-store.js';
export { RedisStateModule, RedisConversationStateStoreService, type RedisStateModuleOptions } from './redis-state-module.js';
