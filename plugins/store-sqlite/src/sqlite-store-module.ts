import { ContainerModule } from 'inversify';
import { BottangoError, BottangoErrorCode, ContextStore, definePlugin, type BottangoPlugin } from '@bottango/core';
import { SqliteContextStore, SqliteContextStoreOptions } from './sqlite-context-store.js';
import type { SqliteSynchronous } from './sqlite-database.js';
import { SqliteStateModule } from './sqlite-state-module.js';

export interface SqliteStoreModuleOptions {
  /** The database file (its directory must exist). */
  readonly path: string;
  /** How often expired rows are deleted. Default 60 000 ms. */
  readonly sweepIntervalMs?: number;
  /** `NORMAL` (default, survives a process crash) or `FULL` (survives a power cut). */
  readonly synchronous?: SqliteSynchronous;
  /** How long a write waits for another process's write. Default 5 000 ms. */
  readonly busyTimeoutMs?: number;
}

/** Binds `ContextStore` to one `SqliteContextStore` (singleton); the file is opened when the store is first resolved. */
export class SqliteStoreModule {
  static fromOptions(options: SqliteStoreModuleOptions): ContainerModule {
    const storeOptions: SqliteContextStoreOptions = { ...options };
    return new ContainerModule(({ bind, onDeactivation }) => {
      bind(SqliteContextStoreOptions).toConstantValue(storeOptions);
      bind(SqliteContextStore).toSelf().inSingletonScope();
      bind(ContextStore).toService(SqliteContextStore);
      onDeactivation(SqliteContextStore, (store) => store.close());
    });
  }
}

const KNOWN = ['path', 'sweepIntervalMs', 'synchronous', 'busyTimeoutMs'] as const;

/** Checks untyped configuration (from a file) and names the bad field and value. */
export function parseSqliteStoreOptions(raw: Readonly<Record<string, unknown>>): SqliteStoreModuleOptions {
  const where = '@bottango/store-sqlite options';
  const fail = (field: string, message: string): never => {
    throw new BottangoError(BottangoErrorCode.InvalidConfiguration, `${field} ${message}, got ${JSON.stringify(raw[field])}`, { where, details: { field, value: raw[field] } });
  };
  for (const key of Object.keys(raw)) {
    if (!(KNOWN as readonly string[]).includes(key)) {
      throw new BottangoError(BottangoErrorCode.InvalidConfiguration, `unknown option "${key}" (known: ${KNOWN.join(', ')})`, { where, details: { field: key } });
    }
  }
  const { path, sweepIntervalMs, synchronous, busyTimeoutMs } = raw;
  if (typeof path !== 'string' || path.length === 0) fail('path', 'must be the path of the database file');
  const positive = (v: unknown): boolean => typeof v === 'number' && Number.isInteger(v) && v > 0;
  if (sweepIntervalMs !== undefined && !positive(sweepIntervalMs)) fail('sweepIntervalMs', 'must be a positive whole number of milliseconds');
  if (busyTimeoutMs !== undefined && !positive(busyTimeoutMs)) fail('busyTimeoutMs', 'must be a positive whole number of milliseconds');
  if (synchronous !== undefined && synchronous !== 'NORMAL' && synchronous !== 'FULL') fail('synchronous', 'must be "NORMAL" or "FULL"');
  return {
    path: path as string,
    ...(sweepIntervalMs === undefined ? {} : { sweepIntervalMs: sweepIntervalMs as number }),
    ...(busyTimeoutMs === undefined ? {} : { busyTimeoutMs: busyTimeoutMs as number }),
    ...(synchronous === undefined ? {} : { synchronous: synchronous as SqliteSynchronous }),
  };
}

/**
 * The plugin. Option `provides`: `"context"` (default) binds the Context Session Store, `"state"` the conversation
 * state store (load the plugin twice for both); the other options are those of `parseSqliteStoreOptions`.
 */
export const bottangoPlugin: BottangoPlugin<Record<string, unknown>> = definePlugin<Record<string, unknown>>({
  name: '@bottango/store-sqlite',
  createModule: ({ provides, ...options }) => {
    if (provides === undefined || provides === 'context') return SqliteStoreModule.fromOptions(parseSqliteStoreOptions(options));
    const where = '@bottango/store-sqlite options';
    if (provides !== 'state') {
      throw new BottangoError(BottangoErrorCode.InvalidConfiguration, `provides must be "context" or "state", got ${JSON.stringify(provides)}`, { where, details: { field: 'provides', value: provides } });
    }
    if (options['sweepIntervalMs'] !== undefined) {
      throw new BottangoError(BottangoErrorCode.InvalidConfiguration, 'sweepIntervalMs is an option of the context store, not of the state store', { where, details: { field: 'sweepIntervalMs' } });
    }
    return SqliteStateModule.fromOptions(parseSqliteStoreOptions(options));
  },
});
