import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Container } from 'inversify';
import { afterAll, describe, expect, it } from 'vitest';
import { ContextStore, validatePluginOptions, type ContextStore as ContextStoreType } from '@bottango/core';
import { SqliteContextStore } from './sqlite-context-store.js';
import { bottangoPlugin, SqliteStoreModule } from './sqlite-store-module.js';

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

  it('loads as a plugin and refuses bad options naming the field and the value', async () => {
    expect(bottangoPlugin.name).toBe('@bottango/store-sqlite');
    const issues = async (options: unknown): Promise<unknown> => {
      const result = await validatePluginOptions(bottangoPlugin, options);
      return result.ok ? result.options : result.issues.map((issue) => `${issue.path}: ${issue.message}`);
    };
    expect(await issues({ path: 'a.sqlite', synchronous: 'FULL' })).toEqual({ path: 'a.sqlite', synchronous: 'FULL', provides: 'context' });
    expect(await issues({})).toEqual(['options.path: must be the path of the database file, got undefined']);
    expect(await issues({ path: 'a', sweepIntervalMs: 0 })).toEqual(['options.sweepIntervalMs: must be a positive whole number of milliseconds, got 0']);
    expect(await issues({ path: 'a', synchronous: 'OFF' })).toEqual(['options.synchronous: must be "NORMAL" or "FULL", got "OFF"']);
    expect(await issues({ path: 'a', file: 'b' })).toEqual(['options: unknown option "file" (known: provides, path, sweepIntervalMs, synchronous, busyTimeoutMs)']);
  });
});
