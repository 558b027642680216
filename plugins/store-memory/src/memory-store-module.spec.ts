import { Container } from 'inversify';
import { describe, expect, it } from 'vitest';
import { ContextStore, validatePluginOptions, type ContextStore as ContextStoreType } from '@bottango/core';
import { MemoryContextStore } from './memory-context-store.js';
import { bottangoPlugin, MemoryStoreModule } from './memory-store-module.js';

describe('MemoryStoreModule', () => {
  it('binds ContextStore to one MemoryContextStore for the container', async () => {
    const container = new Container();
    container.load(MemoryStoreModule.fromOptions({ sweepIntervalMs: 1000 }));
    const store = container.get<ContextStoreType>(ContextStore);
    expect(store).toBeInstanceOf(MemoryContextStore);
    expect(container.get<ContextStoreType>(ContextStore)).toBe(store);
    await store.registerNamespace('shop');
    await store.set('shop', { kind: 'global' }, 'k', 1);
    expect(await container.get<ContextStoreType>(ContextStore).get('shop', { kind: 'global' }, 'k')).toEqual({ value: 1, version: 1 });
    await container.unbindAsync(ContextStore);
    await container.unbindAsync(MemoryContextStore); // closes the store (stops its sweep timer)
    await expect(store.get('shop', { kind: 'global' }, 'k')).rejects.toMatchObject({ code: 'STORE_CLOSED' });
  });

  it('is loadable as a plugin and refuses bad options naming the field and value', async () => {
    expect(bottangoPlugin.name).toBe('@bottango/store-memory');
    const container = new Container();
    container.load(bottangoPlugin.createModule({}) as Parameters<Container['load']>[0]);
    expect(container.get(ContextStore)).toBeInstanceOf(MemoryContextStore);
    expect(await validatePluginOptions(bottangoPlugin, { sweepIntervalMs: 250 })).toEqual({ ok: true, options: { sweepIntervalMs: 250 } });
    expect(await validatePluginOptions(bottangoPlugin, { sweepIntervalMs: -5 })).toEqual({ ok: false, issues: [{ path: 'options.sweepIntervalMs', message: 'must be a positive whole number of milliseconds, got -5' }] });
    expect(await validatePluginOptions(bottangoPlugin, { sweepMs: 5 })).toEqual({ ok: false, issues: [{ path: 'options', message: 'unknown option "sweepMs" (known: sweepIntervalMs)' }] });
    expect(await validatePluginOptions(bottangoPlugin, { sweepIntervalMs: 'soon' })).toMatchObject({ ok: false, issues: [{ path: 'options.sweepIntervalMs' }] });
  });
});

describe('MemoryContextStore', () => {
  it('sweeps expired entries out of memory', async () => {
    let now = 1_000_000;
    const store = new MemoryContextStore({ now: () => now });
    await store.registerNamespace('ttl', { ttlSeconds: 10 });
    await store.set('ttl', { kind: 'conversation', conversationId: 'c1' }, 'a', 'x');
    await store.registerNamespace('ttl', { ttlSeconds: 0 });
    await store.set('ttl', { kind: 'conversation', conversationId: 'c1' }, 'b', 'y');
    expect(store.sweepExpired()).toBe(0);
    now += 10_000;
    expect(store.sweepExpired()).toBe(1);
    expect(await store.getAll('ttl', { kind: 'conversation', conversationId: 'c1' })).toEqual({ b: 'y' });
    await store.close();
  });
});
