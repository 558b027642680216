export { MemoryContextStore, MemoryContextStoreOptions } from './memory-context-store.js';
export { MemoryStoreModule, parseMemoryStoreOptions, bottangoPlugin, type MemoryStoreModuleOptions } from './memory-store-module.js';
