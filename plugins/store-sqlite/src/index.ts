export { SqliteContextStore, SqliteContextStoreOptions, type SqliteSynchronous } from './sqlite-context-store.js';
export { SqliteStoreModule, parseSqliteStoreOptions, bottangoPlugin, type SqliteStoreModuleOptions } from './sqlite-store-module.js';
