import type Database from 'better-sqlite3';
import { inject, injectable } from 'inversify';
import { BottangoError, BottangoErrorCode, stateConflict, type ConversationState, type ConversationStateStore } from '@bottango/core';
import { openSqliteDatabase, sqliteFailure, type SqliteDatabaseOptions } from './sqlite-database.js';

/** Token for the options of the SQLite conversation state store inside a container. */
export const SqliteConversationStateStoreOptions = Symbol.for('@bottango/store-sqlite/SqliteConversationStateStoreOptions');

export type SqliteConversationStateStoreOptions = SqliteDatabaseOptions;

// A rowid table, not WITHOUT ROWID: states with long transcripts are large rows.
const SCHEMA = `
CREATE TABLE IF NOT EXISTS bottango_conversation_state (
  id TEXT PRIMARY KEY,
  version INTEGER NOT NULL,
  json TEXT NOT NULL,
  updated_at INTEGER NOT NULL
);
`;

/**
 * Conversation states in one SQLite file (WAL), with compare-and-set on `version`. Several processes may share
 * the file: each save is one IMMEDIATE transaction, so the version check and the write cannot interleave with
 * another process's save.
 */
@injectable()
export class SqliteConversationStateStore implements ConversationStateStore {
  readonly path: string;

  readonly #db: Database.Database;
  readonly #select: Database.Statement<[string], { version: number; json: string }>;
  readonly #insert: Database.Statement<[string, string, number]>;
  readonly #update: Database.Statement<[number, string, number, string, number]>;
  readonly #selectVersion: Database.Statement<[string], { version: number }>;
  readonly #delete: Database.Statement<[string]>;
  readonly #save: Database.Transaction<(id: string, expected: number, json: string) => number>;
  #closed = false;

  constructor(@inject(SqliteConversationStateStoreOptions) options: SqliteConversationStateStoreOptions) {
    this.#db = openSqliteDatabase(options, SCHEMA, 'SQLite conversation state store');
    this.path = options.path;
    const db = this.#db;
    this.#select = db.prepare('SELECT version, json FROM bottango_conversation_state WHERE id = ?');
    this.#insert = db.prepare('INSERT INTO bottango_conversation_state (id, version, json, updated_at) VALUES (?, 1, ?, ?) ON CONFLICT (id) DO NOTHING');
    this.#update = db.prepare('UPDATE bottango_conversation_state SET version = ?, json = ?, updated_at = ? WHERE id = ? AND version = ?');
    this.#selectVersion = db.prepare('SELECT version FROM bottango_conversation_state WHERE id = ?');
    this.#delete = db.prepare('DELETE FROM bottango_conversation_state WHERE id = ?');
    this.#save = db.transaction((id: string, expected: number, json: string) => {
      const now = Date.now();
      const written = expected === 0 ? this.#insert.run(id, json, now) : this.#update.run(expected + 1, json, now, id, expected);
      // Inside the same transaction, so the version reported is the one that beat us.
      if (written.changes === 0) throw stateConflict(id, expected, this.#selectVersion.get(id)?.version ?? 0);
      return expected + 1;
    });
  }

  async load(conversationId: string): Promise<ConversationState | undefined> {
    this.#assertOpen();
    const row = this.#run(() => this.#select.get(conversationId));
    return row === undefined ? undefined : { ...(JSON.parse(row.json) as ConversationState), version: row.version };
  }

  async save(state: ConversationState): Promise<number> {
    this.#assertOpen();
    const expected = state.version ?? 0;
    const json = JSON.stringify({ ...state, version: expected + 1 });
    // IMMEDIATE takes the write lock first: a deferred transaction could fail with SQLITE_BUSY without waiting.
    return this.#run(() => this.#save.immediate(state.id, expected, json));
  }

  async delete(conversationId: string): Promise<void> {
    this.#assertOpen();
    this.#run(() => this.#delete.run(conversationId));
  }

  async close(): Promise<void> {
    if (this.#closed) return;
    this.#closed = true;
    this.#db.close();
  }

  #run<T>(body: () => T): T {
    try {
      return body();
    } catch (error) {
      throw sqliteFailure(error, `SQLite conversation state store ${this.path}`);
    }
  }

  #assertOpen(): void {
    if (this.#closed) throw new BottangoError(BottangoErrorCode.StoreClosed, `the SQLite conversation state store ${this.path} is closed`);
  }
}
