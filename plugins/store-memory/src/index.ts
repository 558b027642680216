export { MemoryContextStore, MemoryContextStoreOptions } from './memory-context-store.js';
export { MemoryStoreModule, memoryStoreOptionsSchema, bottangoPlugin, type MemoryStoreModuleOptions } from './memory-store-module.js';
