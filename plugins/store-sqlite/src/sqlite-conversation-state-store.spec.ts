import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Container, type ContainerModule } from 'inversify';
import { afterAll, describe, expect, it } from 'vitest';
import { ConversationStateStore, validatePluginOptions, type ConversationStateStore as StateStore } from '@bottango/core';
import { describeConversationStateStoreContract } from '@bottango/testing';
import { SqliteConversationStateStore } from './sqlite-conversation-state-store.js';
import { SqliteContextStore } from './sqlite-context-store.js';
import { bottangoPlugin } from './sqlite-store-module.js';
import { SqliteStateModule } from './sqlite-state-module.js';

const dir = mkdtempSync(join(tmpdir(), 'bottango-sqlite-state-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));
let files = 0;

describeConversationStateStoreContract('SqliteConversationStateStore', {
  create: () => new SqliteConversationStateStore({ path: join(dir, `contract-${++files}.sqlite`) }),
  openSameStorage: (store) => new SqliteConversationStateStore({ path: (store as SqliteConversationStateStore).path }),
});

const state = { id: 'c1', userId: 'u1', ownerBotId: 'billing', dialogStack: [], variables: {}, pendingTangoContext: {}, escalationFailures: 0, transcript: [], turns: 1 };

describe('SqliteConversationStateStore', () => {
  it('shares one file with the context store', async () => {
    const path = join(dir, 'both.sqlite');
    const context = new SqliteContextStore({ path });
    const states = new SqliteConversationStateStore({ path });
    await context.registerNamespace('shop');
    await context.set('shop', { kind: 'global' }, 'k', 'v');
    await states.save(state);
    await context.close();
    await states.close();
    const reopened = new SqliteConversationStateStore({ path });
    expect(await reopened.load('c1')).toEqual({ ...state, version: 1 });
    await reopened.close();
  });

  it('fails at start-up with STORE_UNAVAILABLE naming the path when the directory does not exist or the file is not a database', () => {
    const missing = join(dir, 'no-such-dir', 'x.sqlite');
    expect(() => new SqliteConversationStateStore({ path: missing })).toThrow(expect.objectContaining({ code: 'STORE_UNAVAILABLE', message: expect.stringContaining(missing) }));
    const garbage = join(dir, 'garbage.sqlite');
    writeFileSync(garbage, 'this is not a database '.repeat(100));
    expect(() => new SqliteConversationStateStore({ path: garbage })).toThrow(expect.objectContaining({ code: 'STORE_UNAVAILABLE', message: expect.stringContaining(garbage) }));
    expect(() => new SqliteConversationStateStore({ path: '' })).toThrow(expect.objectContaining({ code: 'INVALID_CONFIGURATION' }));
  });
});

describe('SqliteStateModule and the plugin with provides: "state"', () => {
  it('binds ConversationStateStore to one store on the file and closes it on unbind', async () => {
    const path = join(dir, 'module.sqlite');
    const container = new Container();
    container.load(SqliteStateModule.fromOptions({ path }));
    const store = container.get<StateStore>(ConversationStateStore);
    expect(store).toBeInstanceOf(SqliteConversationStateStore);
    expect(container.get(ConversationStateStore)).toBe(store);
    await store.save(state);
    await container.unbindAsync(ConversationStateStore);
    await container.unbindAsync(SqliteConversationStateStore);
    await expect(store.load('c1')).rejects.toMatchObject({ code: 'STORE_CLOSED' });
  });

  it('the plugin binds the context store by default and the state store with provides: "state", and names a bad provides', async () => {
    const path = join(dir, 'plugin.sqlite');
    const container = new Container();
    container.load(bottangoPlugin.createModule({ path, provides: 'context' }) as ContainerModule, bottangoPlugin.createModule({ path, provides: 'state' }) as ContainerModule); // createModule is typed unknown
    expect(container.get(ConversationStateStore)).toBeInstanceOf(SqliteConversationStateStore);
    expect(await validatePluginOptions(bottangoPlugin, { path })).toEqual({ ok: true, options: { path, provides: 'context' } });
    expect(await validatePluginOptions(bottangoPlugin, { path, provides: 'both' })).toEqual({ ok: false, issues: [{ path: 'options.provides', message: 'must be "context" or "state", got "both"' }] });
    expect(await validatePluginOptions(bottangoPlugin, { path, provides: 'state', sweepIntervalMs: 5 })).toEqual({
      ok: false,
      issues: [{ path: 'options.sweepIntervalMs', message: 'is an option of the context store, not of the state store' }],
    });
    expect(await validatePluginOptions(bottangoPlugin, { provides: 'state' })).toEqual({ ok: false, issues: [{ path: 'options.path', message: 'must be the path of the database file, got undefined' }] });
  });
});
