import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Container } from 'inversify';
import { afterAll, describe, expect, it } from 'vitest';
import { ContextStore, type ContextStore as ContextStoreType } from '@bottango/core';
import { SqliteContextStore } from './sqlite-context-store.js';
import { bottangoPlugin, parseSqliteStoreOptions, SqliteStoreModule } from './sqlite-store-module.js';

const dir = mkdtempSync(join(tmpdir(), 'bottango-sqlite-module-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe('SqliteStoreModule', () => {
  it('binds ContextStore to one SqliteContextStore on the configured file', async () => {
    const path = join(dir, 'module.sqlite');
    const container = new Container();
    container.load(SqliteStoreModule.fromOptions({ path, sweepIntervalMs: 5_000 }));
    const store = container.get<ContextStoreType>(ContextStore);
    expect(store).toBeInstanceOf(SqliteContextStore);
    expect(container.get(ContextStore)).toBe(store);
    await store.registerNamespace('shop');
    await store.set('shop', { kind: 'global' }, 'k', 'v');
    await container.unbindAsync(ContextStore);
    await container.unbindAsync(SqliteContextStore); // closes the store
    await expect(store.get('shop', { kind: 'global' }, 'k')).rejects.toMatchObject({ code: 'STORE_CLOSED' });
    const again = new SqliteContextStore({ path });
    expect(await again.get('shop', { kind: 'global' }, 'k')).toEqual({ value: 'v', version: 1 });
    await again.close();
  });

  it('loads as a plugin and refuses bad options naming the field and the value', () => {
    expect(bottangoPlugin.name).toBe('@bottango/store-sqlite');
    expect(parseSqliteStoreOptions({ path: 'a.sqlite', synchronous: 'FULL' })).toEqual({ path: 'a.sqlite', synchronous: 'FULL' });
    expect(() => parseSqliteStoreOptions({})).toThrow(expect.objectContaining({ code: 'INVALID_CONFIGURATION', message: expect.stringMatching(/path/) }));
    expect(() => parseSqliteStoreOptions({ path: 'a', sweepIntervalMs: 0 })).toThrow(/sweepIntervalMs.*got 0/);
    expect(() => parseSqliteStoreOptions({ path: 'a', synchronous: 'OFF' })).toThrow(/synchronous.*"OFF"/);
    expect(() => parseSqliteStoreOptions({ path: 'a', file: 'b' })).toThrow(/unknown option "file"/);
  });
});
