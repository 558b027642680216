export { RedisContextStore, parseRedisUrl, DEFAULT_KEY_PREFIX, type RedisContextStoreOptions } from './redis-context-store.js';
export { RedisStoreModule, RedisContextStoreService, parseRedisStoreOptions, bottangoPlugin, type RedisStoreModuleOptions } from './redis-store-module.js';
