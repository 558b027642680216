import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { describeContextStoreContract } from '@bottango/testing';
import { SqliteContextStore } from './sqlite-context-store.js';

const dir = mkdtempSync(join(tmpdir(), 'bottango-sqlite-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));
let files = 0;
let now = Date.UTC(2025, 0, 1);
const clock = (): number => now;

describeContextStoreContract('SqliteContextStore', () => new SqliteContextStore({ path: join(dir, `contract-${++files}.sqlite`), now: clock }), {
  capabilities: { durable: true, sharedAcrossProcesses: true },
  openSameStorage: (store) => new SqliteContextStore({ path: (store as SqliteContextStore).path, now: clock }),
  advanceTime: (ms) => {
    now += ms;
  },
});

describe('SqliteContextStore', () => {
  it('deletes expired rows when opened and when swept, and never returns them in between', async () => {
    let t = Date.UTC(2025, 0, 1);
    const path = join(dir, 'sweep.sqlite');
    const store = new SqliteContextStore({ path, now: () => t });
    await store.registerNamespace('short', { ttlSeconds: 10 });
    for (let i = 0; i < 2_500; i++) await store.set('short', { kind: 'conversation', conversationId: `c${i}` }, 'p', i);
    await store.registerNamespace('short', { ttlSeconds: 0 });
    await store.set('short', { kind: 'conversation', conversationId: 'c0' }, 'kept', true);
    t += 10_000;
    expect(await store.get('short', { kind: 'conversation', conversationId: 'c1' }, 'p')).toBeUndefined();
    await store.close();

    const reopened = new SqliteContextStore({ path, now: () => t });
    expect(reopened.sweepExpired()).toBe(0); // the open already swept the 2 500 expired rows, in batches
    expect(await reopened.getAll('short', { kind: 'conversation', conversationId: 'c0' })).toEqual({ kept: true });
    await reopened.close();
  });

  it('fails at start-up with STORE_UNAVAILABLE naming the path when the directory does not exist', () => {
    const path = join(dir, 'no-such-dir', 'x.sqlite');
    expect(() => new SqliteContextStore({ path })).toThrow(expect.objectContaining({ code: 'STORE_UNAVAILABLE', message: expect.stringContaining(path) }));
  });

  it('fails with STORE_UNAVAILABLE when the file is not a SQLite database', async () => {
    const { writeFileSync } = await import('node:fs');
    const path = join(dir, 'garbage.sqlite');
    writeFileSync(path, 'this is not a database '.repeat(100));
    expect(() => new SqliteContextStore({ path })).toThrow(expect.objectContaining({ code: 'STORE_UNAVAILABLE' }));
  });

  it('leaves out of getAll a __proto__ property written before the name was refused, keeping the plain prototype', async () => {
    const path = join(dir, 'legacy-proto.sqlite');
    const store = new SqliteContextStore({ path });
    await store.registerNamespace('shop');
    await store.set('shop', { kind: 'user', userId: 'u1' }, 'a', 1);
    const { default: Database } = await import('better-sqlite3');
    const db = new Database(path);
    // What an earlier version stored for set('shop', user u1, '__proto__', { admin: true }).
    db.prepare('INSERT INTO bottango_context (namespace, scope, property, value, version, expires_at) SELECT namespace, scope, ?, ?, 1, 0 FROM bottango_context WHERE property = ?').run('__proto__', '{"admin":true}', 'a');
    db.close();
    const all = await store.getAll('shop', { kind: 'user', userId: 'u1' });
    expect(Object.getPrototypeOf(all)).toBe(Object.prototype);
    expect('admin' in all).toBe(false);
    expect(all).toEqual({ a: 1 });
    expect(await store.deleteAll('shop', { kind: 'user', userId: 'u1' })).toBe(2);
    await store.close();
  });

  it('uses WAL journaling so readers do not block the writer', async () => {
    const path = join(dir, 'wal.sqlite');
    const store = new SqliteContextStore({ path });
    await store.close();
    const { default: Database } = await import('better-sqlite3');
    const db = new Database(path, { readonly: true });
    expect(db.pragma('journal_mode', { simple: true })).toBe('wal');
    db.close();
  });
});
