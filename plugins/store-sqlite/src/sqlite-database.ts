import { existsSync } from 'node:fs';
import { dirname } from 'node:path';
import Database from 'better-sqlite3';
import { BottangoError, BottangoErrorCode } from '@bottango/core';

export type SqliteSynchronous = 'NORMAL' | 'FULL';

/** How a store opens its file; shared by the context store and the conversation state store. */
export interface SqliteDatabaseOptions {
  /** The database file; created with its tables if missing. Its directory must exist. */
  readonly path: string;
  /**
   * `NORMAL` (default): a committed write survives a crash of the process; a crash of the OS or a power cut
   * may lose the last writes. `FULL`: every commit is fsync'd and survives a power cut too (slower).
   */
  readonly synchronous?: SqliteSynchronous;
  /** How long a write waits for another process's write to finish before failing. Default 5 000 ms. */
  readonly busyTimeoutMs?: number;
}

const DEFAULT_BUSY_TIMEOUT_MS = 5_000;

/**
 * Opens (and creates) the file in WAL mode with a busy timeout and runs `schema`. Bad options fail with
 * INVALID_CONFIGURATION, a missing directory or a file that is not a database with STORE_UNAVAILABLE, naming the path.
 */
export function openSqliteDatabase(options: SqliteDatabaseOptions, schema: string, where: string): Database.Database {
  const { path } = options;
  if (typeof path !== 'string' || path.length === 0) {
    throw new BottangoError(BottangoErrorCode.InvalidConfiguration, `path must be a file name, got ${JSON.stringify(path)}`, { where, details: { field: 'path', value: path } });
  }
  const busyTimeoutMs = options.busyTimeoutMs ?? DEFAULT_BUSY_TIMEOUT_MS;
  requirePositiveInteger('busyTimeoutMs', busyTimeoutMs, where);
  const synchronous = options.synchronous ?? 'NORMAL';
  if (synchronous !== 'NORMAL' && synchronous !== 'FULL') {
    throw new BottangoError(BottangoErrorCode.InvalidConfiguration, `synchronous must be "NORMAL" or "FULL", got ${JSON.stringify(synchronous)}`, { where, details: { field: 'synchronous', value: synchronous } });
  }
  if (path !== ':memory:' && !existsSync(dirname(path))) {
    throw new BottangoError(BottangoErrorCode.StoreUnavailable, `cannot open ${path}: the directory ${dirname(path)} does not exist`, { where, details: { field: 'path', value: path } });
  }
  let db: Database.Database | undefined;
  try {
    db = new Database(path, { timeout: busyTimeoutMs });
    db.pragma('journal_mode = WAL');
    db.pragma(`synchronous = ${synchronous}`);
    db.pragma(`busy_timeout = ${busyTimeoutMs}`);
    db.exec(schema);
    return db;
  } catch (cause) {
    db?.close();
    throw new BottangoError(BottangoErrorCode.StoreUnavailable, `cannot open ${path} as a ${where}: ${(cause as Error).message}${bindingHint(cause)}`, { cause, where, details: { field: 'path', value: path } });
  }
}

/** What to do when better-sqlite3's native binding is missing (a build script that did not run) or built for another Node. */
function bindingHint(cause: unknown): string {
  const message = cause instanceof Error ? cause.message : '';
  if (!/Could not locate the bindings file|NODE_MODULE_VERSION|better_sqlite3\.node/.test(message)) return '';
  return (
    "\nbetter-sqlite3's native binding is not built for this Node.js. pnpm 10 skips dependencies' build scripts unless" +
    ' they are allowed: add `allowBuilds: { better-sqlite3: true }` to pnpm-workspace.yaml (or run `pnpm approve-builds`),' +
    ' then `pnpm rebuild better-sqlite3`. See the install section of the @bottango/store-sqlite README.'
  );
}

/** SQLite failures (busy, disk full, I/O) as STORE_UNAVAILABLE; BottangoErrors pass through. */
export function sqliteFailure(error: unknown, where: string): BottangoError {
  if (BottangoError.is(error)) return error;
  return new BottangoError(BottangoErrorCode.StoreUnavailable, `${where}: ${(error as Error).message}`, { cause: error, details: { code: (error as { code?: unknown }).code } });
}

export function requirePositiveInteger(field: string, value: unknown, where: string): void {
  if (typeof value !== 'number' || !Number.isInteger(value) || value <= 0) {
    throw new BottangoError(BottangoErrorCode.InvalidConfiguration, `${field} must be a positive whole number of milliseconds, got ${JSON.stringify(value)}`, { where, details: { field, value } });
  }
}
