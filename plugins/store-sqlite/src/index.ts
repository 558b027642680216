export { SqliteContextStore, SqliteContextStoreOptions } from './sqlite-context-store.js';
export { SqliteConversationStateStore, SqliteConversationStateStoreOptions } from './sqlite-conversation-state-store.js';
export { type SqliteDatabaseOptions, type SqliteSynchronous } from './sqlite-database.js';
export { SqliteStoreModule, sqliteStoreOptionsSchema, bottangoPlugin, type SqliteStoreModuleOptions, type SqliteStorePluginOptions } from './sqlite-store-module.js';
export { SqliteStateModule, type SqliteStateModuleOptions } from './sqlite-state-module.js';
