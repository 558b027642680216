import { ContainerModule } from 'inversify';
import { ContextStore, definePlugin, type BottangoPlugin } from '@bottango/core';
import { z } from 'zod';
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

const milliseconds = z.number({ error: (issue) => `must be a positive whole number of milliseconds, got ${JSON.stringify(issue.input)}` }).int().positive().exactOptional();

/**
 * The plugin's options: `provides` (`"context"`, the default, binds the Context Session Store; `"state"` the
 * conversation state store — load the plugin twice for both) and the options of `SqliteStoreModule` (`path` required).
 * Unknown options are errors; each message names what is wrong and the value given.
 */
export const sqliteStoreOptionsSchema = z
  .strictObject(
    {
      provides: z.enum(['context', 'state'], { error: (issue) => `must be "context" or "state", got ${JSON.stringify(issue.input)}` }).default('context'),
      path: z.string({ error: (issue) => `must be the path of the database file, got ${JSON.stringify(issue.input)}` }).min(1),
      sweepIntervalMs: milliseconds,
      synchronous: z.enum(['NORMAL', 'FULL'], { error: (issue) => `must be "NORMAL" or "FULL", got ${JSON.stringify(issue.input)}` }).exactOptional(),
      busyTimeoutMs: milliseconds,
    },
    { error: (issue) => (issue.code === 'unrecognized_keys' ? `unknown option ${issue.keys.map((k) => `"${k}"`).join(', ')} (known: provides, path, sweepIntervalMs, synchronous, busyTimeoutMs)` : `options must be an object, got ${JSON.stringify(issue.input)}`) },
  )
  .superRefine((options, context) => {
    if (options.provides === 'state' && options.sweepIntervalMs !== undefined) {
      context.addIssue({ code: 'custom', path: ['sweepIntervalMs'], message: 'is an option of the context store, not of the state store' });
    }
  });

export type SqliteStorePluginOptions = z.output<typeof sqliteStoreOptionsSchema>;

export const bottangoPlugin: BottangoPlugin<SqliteStorePluginOptions> = definePlugin({
  name: '@bottango/store-sqlite',
  optionsSchema: sqliteStoreOptionsSchema,
  createModule: ({ provides, ...options }) => (provides === 'state' ? SqliteStateModule.fromOptions(options) : SqliteStoreModule.fromOptions(options)),
});
