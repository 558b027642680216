import { ContainerModule } from 'inversify';
import { BottangoError, BottangoErrorCode, ContextStore, definePlugin, type BottangoPlugin } from '@bottango/core';
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

/** Checks untyped configuration (from a file) and names the bad field and value. */
export function parseMemoryStoreOptions(raw: Readonly<Record<string, unknown>> = {}): MemoryStoreModuleOptions {
  const where = '@bottango/store-memory options';
  for (const key of Object.keys(raw)) {
    if (key !== 'sweepIntervalMs') {
      throw new BottangoError(BottangoErrorCode.InvalidConfiguration, `unknown option "${key}" (known: sweepIntervalMs)`, { where, details: { field: key } });
    }
  }
  const sweepIntervalMs = raw['sweepIntervalMs'];
  if (sweepIntervalMs === undefined) return {};
  if (typeof sweepIntervalMs !== 'number' || !Number.isInteger(sweepIntervalMs) || sweepIntervalMs <= 0) {
    throw new BottangoError(BottangoErrorCode.InvalidConfiguration, `sweepIntervalMs must be a positive whole number of milliseconds, got ${JSON.stringify(sweepIntervalMs)}`, { where, details: { field: 'sweepIntervalMs', value: sweepIntervalMs } });
  }
  return { sweepIntervalMs };
}

export const bottangoPlugin: BottangoPlugin<Record<string, unknown>> = definePlugin<Record<string, unknown>>({
  name: '@bottango/store-memory',
  createModule: (options) => MemoryStoreModule.fromOptions(parseMemoryStoreOptions(options)),
});
