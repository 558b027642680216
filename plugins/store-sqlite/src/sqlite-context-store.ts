import type Database from 'better-sqlite3';
import { inject, injectable } from 'inversify';
import {
  BottangoError,
  BottangoErrorCode,
  encodeContextValue,
  scopeKey,
  validateNamespaceName,
  addToGetAllResult,
  validatePropertyName,
  validateScope,
  validateSessionScope,
  validateTtl,
  type ContextScope,
  type ContextStore,
  type ContextStoreCapabilities,
  type JsonValue,
  type NamespaceInfo,
  type NamespaceOptions,
  type SessionScope,
  type SetOptions,
  type StoredValue,
} from '@bottango/core';
import { openSqliteDatabase, requirePositiveInteger, sqliteFailure, type SqliteDatabaseOptions } from './sqlite-database.js';

/** Token for the options of the SQLite store inside a container. */
export const SqliteContextStoreOptions = Symbol.for('@bottango/store-sqlite/SqliteContextStoreOptions');

export interface SqliteContextStoreOptions extends SqliteDatabaseOptions {
  /** How often expired rows are deleted (they are never returned in between). Default 60 000 ms. Also done on open. */
  readonly sweepIntervalMs?: number;
  /** Clock in milliseconds since the epoch; for tests. Default `Date.now`. */
  readonly now?: () => number;
}

const DEFAULT_SWEEP_INTERVAL_MS = 60_000;
const SWEEP_BATCH = 1_000;

const SCHEMA = `
CREATE TABLE IF NOT EXISTS bottango_namespaces (
  name TEXT PRIMARY KEY,
  ttl_seconds INTEGER NOT NULL
) WITHOUT ROWID;
CREATE TABLE IF NOT EXISTS bottango_context (
  namespace TEXT NOT NULL,
  scope TEXT NOT NULL,
  property TEXT NOT NULL,
  value TEXT NOT NULL,
  version INTEGER NOT NULL,
  expires_at INTEGER NOT NULL,
  PRIMARY KEY (namespace, scope, property)
) WITHOUT ROWID;
CREATE TABLE IF NOT EXISTS bottango_sessions (
  namespace TEXT NOT NULL,
  scope TEXT NOT NULL,
  ttl_seconds INTEGER NOT NULL,
  expires_at INTEGER NOT NULL,
  PRIMARY KEY (namespace, scope)
) WITHOUT ROWID;
`;

/** [value, version], read in raw (array) mode, which is faster than objects on the hot path. */
type EntryRow = [value: string, version: number];

/** The namespace's TTL and the key's current version and expiry (null when the key is absent). */
interface WriteRow {
  readonly ttl_seconds: number;
  readonly version: number | null;
  readonly expires_at: number | null;
  /** The session's own TTL (`setSessionTtl`) and when that setting lapses (0 = never); null when it has none. */
  readonly session_ttl: number | null;
  readonly session_expires_at: number | null;
}

interface NamespaceRow {
  readonly ttl_seconds: number;
}

/**
 * A durable Context Session Store in one SQLite file (WAL mode). Several processes may open the same
 * file: every write is one IMMEDIATE transaction, so compare-and-set is atomic across processes, and
 * writers wait up to `busyTimeoutMs` for each other. SQLite is synchronous; the methods return promises
 * to meet the contract.
 */
@injectable()
export class SqliteContextStore implements ContextStore {
  readonly capabilities: ContextStoreCapabilities = { durable: true, sharedAcrossProcesses: true };
  readonly path: string;

  readonly #db: Database.Database;
  readonly #now: () => number;
  #sweepTimer: NodeJS.Timeout | undefined;
  #closed = false;

  readonly #selectNamespace: Database.Statement<[string], NamespaceRow>;
  readonly #upsertNamespace: Database.Statement<[string, number]>;
  readonly #deleteNamespaceRow: Database.Statement<[string]>;
  readonly #deleteNamespaceEntries: Database.Statement<[string]>;
  readonly #selectEntry: Database.Statement<[string, string, string, number], EntryRow>;
  readonly #selectForWrite: Database.Statement<[string, string, string, string], WriteRow>;
  readonly #upsertEntry: Database.Statement<[string, string, string, string, number, number]>;
  readonly #deleteEntry: Database.Statement<[string, string, string], { expires_at: number }>;
  readonly #selectScope: Database.Statement<[string, string, number], { property: string; value: string }>;
  readonly #deleteExpiredInScope: Database.Statement<[string, string, number]>;
  readonly #deleteScope: Database.Statement<[string, string]>;
  readonly #selectExpiredAfter: Database.Statement<[string, string, string, number, number], [string, string, string]>;
  readonly #deleteIfExpired: Database.Statement<[string, string, string, number]>;
  readonly #upsertSession: Database.Statement<[string, string, number, number]>;
  readonly #touchSession: Database.Statement<[number, string, string]>;
  readonly #deleteSession: Database.Statement<[string, string]>;
  readonly #deleteNamespaceSessions: Database.Statement<[string]>;
  readonly #deleteExpiredSessions: Database.Statement<[number]>;
  readonly #transaction: Database.Transaction<(body: () => unknown) => unknown>;

  constructor(@inject(SqliteContextStoreOptions) options: SqliteContextStoreOptions) {
    const where = 'SQLite context store';
    const sweepIntervalMs = options.sweepIntervalMs ?? DEFAULT_SWEEP_INTERVAL_MS;
    requirePositiveInteger('sweepIntervalMs', sweepIntervalMs, where);
    this.#db = openSqliteDatabase(options, SCHEMA, where);
    this.path = options.path;
    this.#now = options.now ?? Date.now;

    const db = this.#db;
    this.#selectNamespace = db.prepare('SELECT ttl_seconds FROM bottango_namespaces WHERE name = ?');
    this.#upsertNamespace = db.prepare('INSERT INTO bottango_namespaces (name, ttl_seconds) VALUES (?, ?) ON CONFLICT (name) DO UPDATE SET ttl_seconds = excluded.ttl_seconds');
    this.#deleteNamespaceRow = db.prepare('DELETE FROM bottango_namespaces WHERE name = ?');
    this.#deleteNamespaceEntries = db.prepare('DELETE FROM bottango_context WHERE namespace = ?');
    this.#selectEntry = db.prepare<[string, string, string, number], EntryRow>('SELECT value, version FROM bottango_context WHERE namespace = ? AND scope = ? AND property = ? AND (expires_at = 0 OR expires_at > ?)').raw(true);
    this.#selectForWrite = db.prepare(
      'SELECT n.ttl_seconds, c.version, c.expires_at, s.ttl_seconds AS session_ttl, s.expires_at AS session_expires_at FROM bottango_namespaces n ' +
        'LEFT JOIN bottango_context c ON c.namespace = n.name AND c.scope = ? AND c.property = ? ' +
        'LEFT JOIN bottango_sessions s ON s.namespace = n.name AND s.scope = ? WHERE n.name = ?',
    );
    this.#upsertSession = db.prepare(
      'INSERT INTO bottango_sessions (namespace, scope, ttl_seconds, expires_at) VALUES (?, ?, ?, ?) ' +
        'ON CONFLICT (namespace, scope) DO UPDATE SET ttl_seconds = excluded.ttl_seconds, expires_at = excluded.expires_at',
    );
    this.#touchSession = db.prepare('UPDATE bottango_sessions SET expires_at = ? WHERE namespace = ? AND scope = ?');
    this.#deleteSession = db.prepare('DELETE FROM bottango_sessions WHERE namespace = ? AND scope = ?');
    this.#deleteNamespaceSessions = db.prepare('DELETE FROM bottango_sessions WHERE namespace = ?');
    this.#deleteExpiredSessions = db.prepare('DELETE FROM bottango_sessions WHERE expires_at > 0 AND expires_at <= ?');
    this.#upsertEntry = db.prepare(
      'INSERT INTO bottango_context (namespace, scope, property, value, version, expires_at) VALUES (?, ?, ?, ?, ?, ?) ' +
        'ON CONFLICT (namespace, scope, property) DO UPDATE SET value = excluded.value, version = excluded.version, expires_at = excluded.expires_at',
    );
    this.#deleteEntry = db.prepare('DELETE FROM bottango_context WHERE namespace = ? AND scope = ? AND property = ? RETURNING expires_at');
    this.#selectScope = db.prepare('SELECT property, value FROM bottango_context WHERE namespace = ? AND scope = ? AND (expires_at = 0 OR expires_at > ?)');
    this.#deleteExpiredInScope = db.prepare('DELETE FROM bottango_context WHERE namespace = ? AND scope = ? AND expires_at > 0 AND expires_at <= ?');
    this.#deleteScope = db.prepare('DELETE FROM bottango_context WHERE namespace = ? AND scope = ?');
    // No index on expires_at: it would halve write throughput. The sweep walks the primary key instead.
    this.#selectExpiredAfter = db
      .prepare<[string, string, string, number, number], [string, string, string]>(
        'SELECT namespace, scope, property FROM bottango_context WHERE (namespace, scope, property) > (?, ?, ?) ' +
          'AND expires_at > 0 AND expires_at <= ? ORDER BY namespace, scope, property LIMIT ?',
      )
      .raw(true);
    this.#deleteIfExpired = db.prepare('DELETE FROM bottango_context WHERE namespace = ? AND scope = ? AND property = ? AND expires_at > 0 AND expires_at <= ?');

    this.#transaction = db.transaction((body: () => unknown) => body());

    this.sweepExpired();
    this.#sweepTimer = setInterval(() => {
      try {
        this.sweepExpired();
      } catch {
        // Busy for longer than busyTimeoutMs: the next sweep tries again; reads never return expired rows anyway.
      }
    }, sweepIntervalMs);
    this.#sweepTimer.unref();
  }

  async registerNamespace(namespace: string, options: NamespaceOptions = {}): Promise<NamespaceInfo> {
    this.#assertOpen();
    validateNamespaceName(namespace);
    const ttlSeconds = validateTtl(options.ttlSeconds);
    this.#run(() => this.#upsertNamespace.run(namespace, ttlSeconds));
    return { name: namespace, ttlSeconds };
  }

  async getNamespace(namespace: string): Promise<NamespaceInfo | undefined> {
    this.#assertOpen();
    validateNamespaceName(namespace);
    const row = this.#run(() => this.#selectNamespace.get(namespace));
    return row ? { name: namespace, ttlSeconds: row.ttl_seconds } : undefined;
  }

  async deleteNamespace(namespace: string): Promise<boolean> {
    this.#assertOpen();
    validateNamespaceName(namespace);
    return this.#write(() => {
      const existed = this.#deleteNamespaceRow.run(namespace).changes > 0;
      this.#deleteNamespaceEntries.run(namespace);
      this.#deleteNamespaceSessions.run(namespace);
      return existed;
    });
  }

  async get(namespace: string, scope: ContextScope, property: string): Promise<StoredValue | undefined> {
    this.#assertOpen();
    validateNamespaceName(namespace);
    validateScope(scope);
    validatePropertyName(property);
    const row = this.#run(() => this.#selectEntry.get(namespace, scopeKey(scope), property, this.#now()));
    return row ? { value: JSON.parse(row[0]) as JsonValue, version: row[1] } : undefined;
  }

  async set(namespace: string, scope: ContextScope, property: string, value: JsonValue, options: SetOptions = {}): Promise<StoredValue> {
    this.#assertOpen();
    validateNamespaceName(namespace);
    validateScope(scope);
    validatePropertyName(property);
    const json = encodeContextValue(value, `${namespace}/${property}`);
    const scopeId = scopeKey(scope);
    const version = this.#write(() => {
      const row = this.#selectForWrite.get(scopeId, property, scopeId, namespace);
      if (row === undefined) throw namespaceNotRegistered(namespace);
      const now = this.#now();
      const currentVersion = row.version === null || (row.expires_at !== 0 && (row.expires_at ?? 0) <= now) ? 0 : row.version;
      if (options.expectedVersion !== undefined && options.expectedVersion !== currentVersion) {
        throw versionConflict(namespace, property, options.expectedVersion, currentVersion);
      }
      const next = currentVersion + 1;
      let ttlSeconds = row.ttl_seconds;
      if (row.session_ttl !== null) {
        if (row.session_expires_at !== 0 && (row.session_expires_at ?? 0) <= now) this.#deleteSession.run(namespace, scopeId);
        else {
          ttlSeconds = row.session_ttl;
          if (ttlSeconds > 0) this.#touchSession.run(now + ttlSeconds * 1000, namespace, scopeId);
        }
      }
      this.#upsertEntry.run(namespace, scopeId, property, json, next, ttlSeconds > 0 ? now + ttlSeconds * 1000 : 0);
      return next;
    });
    return { value: JSON.parse(json) as JsonValue, version };
  }

  async delete(namespace: string, scope: ContextScope, property: string): Promise<boolean> {
    this.#assertOpen();
    validateNamespaceName(namespace);
    validateScope(scope);
    validatePropertyName(property);
    const scopeId = scopeKey(scope);
    return this.#write(() => {
      if (this.#selectNamespace.get(namespace) === undefined) throw namespaceNotRegistered(namespace);
      const deleted = this.#deleteEntry.get(namespace, scopeId, property);
      return deleted !== undefined && (deleted.expires_at === 0 || deleted.expires_at > this.#now());
    });
  }

  async getAll(namespace: string, scope: SessionScope): Promise<Record<string, JsonValue>> {
    this.#assertOpen();
    validateNamespaceName(namespace);
    validateSessionScope(scope);
    const rows = this.#run(() => this.#selectScope.all(namespace, scopeKey(scope), this.#now()));
    const result: Record<string, JsonValue> = {};
    for (const row of rows) addToGetAllResult(result, row.property, JSON.parse(row.value) as JsonValue);
    return result;
  }

  async deleteAll(namespace: string, scope: SessionScope): Promise<number> {
    this.#assertOpen();
    validateNamespaceName(namespace);
    validateSessionScope(scope);
    const scopeId = scopeKey(scope);
    return this.#write(() => {
      if (this.#selectNamespace.get(namespace) === undefined) throw namespaceNotRegistered(namespace);
      this.#deleteExpiredInScope.run(namespace, scopeId, this.#now());
      this.#deleteSession.run(namespace, scopeId);
      return this.#deleteScope.run(namespace, scopeId).changes;
    });
  }

  async setSessionTtl(namespace: string, scope: SessionScope, ttlSeconds: number): Promise<void> {
    this.#assertOpen();
    validateNamespaceName(namespace);
    validateSessionScope(scope);
    const ttl = validateTtl(ttlSeconds);
    const scopeId = scopeKey(scope);
    this.#write(() => {
      if (this.#selectNamespace.get(namespace) === undefined) throw namespaceNotRegistered(namespace);
      this.#upsertSession.run(namespace, scopeId, ttl, ttl > 0 ? this.#now() + ttl * 1000 : 0);
    });
  }

  async close(): Promise<void> {
    if (this.#closed) return;
    this.#closed = true;
    clearInterval(this.#sweepTimer);
    this.#sweepTimer = undefined;
    this.#db.close();
  }

  /**
   * Deletes expired rows now; returns how many. Walks the table in primary-key order, 1 000 expired rows at a
   * time, each batch deleted in its own short write transaction (re-checking expiry, in case another process
   * has just rewritten a row), so other writers never wait long.
   */
  sweepExpired(): number {
    this.#assertOpen();
    let removed = 0;
    this.#write(() => this.#deleteExpiredSessions.run(this.#now()));
    let after: [string, string, string] = ['', '', ''];
    for (;;) {
      const now = this.#now();
      const batch = this.#run(() => this.#selectExpiredAfter.all(after[0], after[1], after[2], now, SWEEP_BATCH));
      if (batch.length === 0) return removed;
      removed += this.#write(() => {
        let deleted = 0;
        for (const [namespace, scope, property] of batch) deleted += this.#deleteIfExpired.run(namespace, scope, property, now).changes;
        return deleted;
      });
      if (batch.length < SWEEP_BATCH) return removed;
      after = batch[batch.length - 1] as [string, string, string];
    }
  }

  /** Runs a write in one IMMEDIATE transaction (takes the write lock first, so CAS is atomic across processes). */
  #write<T>(body: () => T): T {
    return this.#run(() => this.#transaction.immediate(body) as T);
  }

  /** Turns SQLite failures (busy, disk full, I/O) into STORE_UNAVAILABLE; BottangoErrors pass through. */
  #run<T>(body: () => T): T {
    try {
      return body();
    } catch (error) {
      throw sqliteFailure(error, `SQLite context store ${this.path}`);
    }
  }

  #assertOpen(): void {
    if (this.#closed) throw new BottangoError(BottangoErrorCode.StoreClosed, `the SQLite context store ${this.path} is closed`);
  }
}



function namespaceNotRegistered(namespace: string): BottangoError {
  return new BottangoError(BottangoErrorCode.NamespaceNotRegistered, `namespace "${namespace}" is not registered; call registerNamespace first`, { details: { namespace } });
}

function versionConflict(namespace: string, property: string, expected: number, actual: number): BottangoError {
  return new BottangoError(BottangoErrorCode.VersionConflict, `${namespace}/${property}: expected version ${expected}, the stored version is ${actual}`, { details: { namespace, property, expectedVersion: expected, actualVersion: actual } });
}
