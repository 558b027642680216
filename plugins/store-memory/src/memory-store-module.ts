import { ContainerModule } from 'inversify';
import { ContextStore, definePlugin, type BottangoPlugin } from '@bottango/core';
import { z } from 'zod';
import { MemoryContextStore, MemoryContextStoreOptions } from './memory-context-store.js';

export interface MemoryStoreModuleOptions {
  /** How often expired entries are swept out of memory. Default 60 000 ms. */
  readonly sweepIntervalMs?: number;
}

/** Binds `ContextStore` to one `MemoryContextStore` (singleton) for the container. */
export class MemoryStoreModule {
  static fromOptions(options: MemoryStoreModuleOptions = {}): ContainerModule {
    const storeOptions: MemoryContextStoreOptions = options.sweepIntervalMs === undefined ? {} : { sweepIntervalMs: options.sweepIntervalMs };
    return new ContainerModule(({ bind, onDeactivation }) => {
      bind(MemoryContextStoreOptions).toConstantValue(storeOptions);
      bind(MemoryContextStore).toSelf().inSingletonScope();
      bind(ContextStore).toService(MemoryContextStore);
      onDeactivation(MemoryContextStore, (store) => store.close());
    });
  }
}

/**
 * The plugin's options: `sweepIntervalMs`, a positive whole number of milliseconds. Unknown options are errors; each
 * message names what is wrong and the value given (the runtime prefixes the field: `options.sweepIntervalMs: …`).
 */
export const memoryStoreOptionsSchema = z.strictObject(
  { sweepIntervalMs: z.number({ error: (issue) => `must be a positive whole number of milliseconds, got ${JSON.stringify(issue.input)}` }).int().positive().exactOptional() },
  { error: (issue) => (issue.code === 'unrecognized_keys' ? `unknown option ${issue.keys.map((k) => `"${k}"`).join(', ')} (known: sweepIntervalMs)` : `options must be an object, got ${JSON.stringify(issue.input)}`) },
);

export const bottangoPlugin: BottangoPlugin<MemoryStoreModuleOptions> = definePlugin({
  name: '@bottango/store-memory',
  optionsSchema: memoryStoreOptionsSchema,
  createModule: (options) => MemoryStoreModule.fromOptions(options),
});
