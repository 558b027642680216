import { randomUUID } from 'node:crypto';
import { Container } from 'inversify';
import { Redis } from 'ioredis';
import { afterAll, describe, expect, it } from 'vitest';
import { ContextStore, validatePluginOptions, type ContextStore as ContextStoreType } from '@bottango/core';
import { RedisContextStore } from './redis-context-store.js';
import { bottangoPlugin, RedisContextStoreService, RedisStoreModule } from './redis-store-module.js';
import { redisForTests } from '@bottango/testing/redis';

const server = redisForTests();
afterAll(async () => (await server).stop());

describe('RedisStoreModule', () => {
  it('binds ContextStore to one connected RedisContextStore, resolved with getAsync, closed on unbind', async () => {
    const container = new Container();
    const keyPrefix = `module-test:${randomUUID()}:`;
    container.load(RedisStoreModule.fromOptions({ url: (await server).url, keyPrefix }));
    const store = await container.getAsync<ContextStoreType>(ContextStore);
    expect(store).toBeInstanceOf(RedisContextStore);
    expect(await container.getAsync(ContextStore)).toBe(store);
    await store.registerNamespace('shop');
    expect((await store.set('shop', { kind: 'global' }, 'k', 'v')).value).toBe('v');
    await store.deleteNamespace('shop');
    await container.unbindAsync(ContextStore);
    await container.unbindAsync(RedisContextStoreService);
    await expect(store.get('shop', { kind: 'global' }, 'k')).rejects.toMatchObject({ code: 'STORE_CLOSED' });
    const redis = new Redis((await server).url);
    await redis.del(`${keyPrefix}generation`, `${keyPrefix}namespaces`);
    redis.disconnect();
  });

  it('fails at start-up (getAsync) when the server cannot be reached, and on a bad URL when the module is made', async () => {
    const container = new Container();
    container.load(RedisStoreModule.fromOptions({ url: 'redis://127.0.0.1:1/0', connectTimeoutMs: 500 }));
    await expect(container.getAsync(ContextStore)).rejects.toMatchObject({ code: 'STORE_UNAVAILABLE' });
    expect(() => RedisStoreModule.fromOptions({ url: 'redis//nope' })).toThrow(expect.objectContaining({ code: 'INVALID_CONFIGURATION' }));
  });

  it('loads as a plugin and refuses bad options naming the field and the value', async () => {
    expect(bottangoPlugin.name).toBe('@bottango/store-redis');
    const issues = async (options: unknown): Promise<unknown> => {
      const result = await validatePluginOptions(bottangoPlugin, options);
      return result.ok ? result.options : result.issues.map((issue) => `${issue.path}: ${issue.message}`);
    };
    expect(await issues({ url: 'redis://h:1/2', keyPrefix: 'p:' })).toEqual({ url: 'redis://h:1/2', keyPrefix: 'p:', provides: 'context' });
    expect(await issues({})).toEqual(['options.url: must be a redis:// URL, got undefined']);
    expect(await issues({ url: 'http://h' })).toEqual(['options.url: "http://h/" has protocol "http:"; expected redis://host:port/db']);
    expect(await issues({ url: 'redis://h', connectTimeoutMs: -1 })).toEqual(['options.connectTimeoutMs: must be a positive whole number of milliseconds, got -1']);
    expect(await issues({ url: 'redis://h', keyPrefix: 3 })).toEqual(['options.keyPrefix: must be a string, got 3']);
    expect(await issues({ url: 'redis://h', host: 'x' })).toEqual(['options: unknown option "host" (known: provides, url, keyPrefix, connectTimeoutMs, commandTimeoutMs)']);
  });
});
