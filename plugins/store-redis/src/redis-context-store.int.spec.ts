import { randomUUID } from 'node:crypto';
import { Redis } from 'ioredis';
import { afterAll, describe, expect, it } from 'vitest';
import { describeContextStoreContract } from '@bottango/testing';
import { RedisContextStore } from './redis-context-store.js';
import { cleanUpAndStop, redisForTests, startTestRedisServer } from '@bottango/testing/redis';

// REDIS_URL when set (CI: scripts/redis.sh start), else a redis-server of our own; fails with an install hint if there is none.
const server = redisForTests();
const runPrefix = `test:${randomUUID()}:`;
afterAll(() => cleanUpAndStop(server, runPrefix)); // leaves a shared server (REDIS_URL) as we found it

const connect = async (keyPrefix = `${runPrefix}${randomUUID()}:`): Promise<RedisContextStore> =>
  RedisContextStore.connect({ url: (await server).url, keyPrefix, connectTimeoutMs: 2_000 });

describeContextStoreContract('RedisContextStore', () => connect(), {
  capabilities: { durable: true, sharedAcrossProcesses: true },
  openSameStorage: (store) => connect((store as RedisContextStore).keyPrefix),
});

async function keysUnder(url: string, prefix: string): Promise<string[]> {
  const redis = new Redis(url);
  try {
    return (await redis.keys(`${prefix}*`)).sort();
  } finally {
    redis.disconnect();
  }
}

describe('RedisContextStore on a real server', () => {
  it('gives the scope index the expiry of its longest-lived member, and deleting a namespace leaves no keys', async () => {
    const { url } = await server;
    const store = await connect();
    const redis = new Redis(url);
    try {
      await store.registerNamespace('short', { ttlSeconds: 2 });
      for (let i = 0; i < 20; i++) await store.set('short', { kind: 'conversation', conversationId: 'c1' }, `p${i}`, i);
      const keys = await keysUnder(url, store.keyPrefix);
      const index = keys.find((k) => k.includes(':i:'));
      expect(index).toBeDefined();
      const indexTtl = await redis.pttl(index as string);
      expect(indexTtl).toBeGreaterThan(0);
      expect(indexTtl).toBeLessThanOrEqual(2_000);
      await store.registerNamespace('short', { ttlSeconds: 0 });
      await store.set('short', { kind: 'conversation', conversationId: 'c1' }, 'forever', true);
      expect(await redis.pttl(index as string)).toBe(-1); // a member without TTL keeps the index

      expect(await store.deleteNamespace('short')).toBe(true);
      expect(await keysUnder(url, store.keyPrefix)).toEqual([`${store.keyPrefix}generation`]);
    } finally {
      redis.disconnect();
      await store.close();
    }
  });

  it('refuses a bad URL at start-up with INVALID_CONFIGURATION naming the URL', async () => {
    for (const url of ['localhost:6379', 'http://localhost:6379', 'redis://localhost:6379/zero', 'not a url', '']) {
      await expect(RedisContextStore.connect({ url })).rejects.toMatchObject({ code: 'INVALID_CONFIGURATION', message: expect.stringContaining('url') });
    }
    await expect(RedisContextStore.connect({ url: 'redis://:secret@localhost:1/0x' })).rejects.toSatisfy((e: Error) => !e.message.includes('secret'));
  });

  it('fails at start-up with STORE_UNAVAILABLE naming the server when nothing listens there', async () => {
    const started = Date.now();
    const failure = RedisContextStore.connect({ url: 'redis://127.0.0.1:1/0', connectTimeoutMs: 1_000 });
    await expect(failure).rejects.toMatchObject({ code: 'STORE_UNAVAILABLE', message: expect.stringMatching(/127\.0\.0\.1:1.*ECONNREFUSED/) });
    expect(Date.now() - started).toBeLessThan(3_000);
  });
});

describe('RedisContextStore when redis-server crashes (AOF, appendfsync always)', () => {
  it('fails calls with STORE_UNAVAILABLE while the server is down, reconnects by itself, and the acknowledged write is there', async () => {
    const own = await startTestRedisServer({ appendOnly: true });
    const store = await RedisContextStore.connect({ url: own.url, keyPrefix: 'crash:', connectTimeoutMs: 1_000, commandTimeoutMs: 2_000 });
    try {
      await store.registerNamespace('orders');
      await store.set('orders', { kind: 'conversation', conversationId: 'c1' }, 'order', { id: 42, items: ['tea'] });
      await own.kill(); // SIGKILL right after the acknowledged write

      await expect(store.get('orders', { kind: 'conversation', conversationId: 'c1' }, 'order')).rejects.toMatchObject({ code: 'STORE_UNAVAILABLE' });
      await expect(store.set('orders', { kind: 'global' }, 'x', 1)).rejects.toMatchObject({ code: 'STORE_UNAVAILABLE' });

      await own.restart();
      const deadline = Date.now() + 10_000;
      let value: unknown;
      for (;;) {
        try {
          value = await store.get('orders', { kind: 'conversation', conversationId: 'c1' }, 'order');
          break;
        } catch (error) {
          if (Date.now() > deadline) throw error;
          await new Promise((resolve) => setTimeout(resolve, 100));
        }
      }
      expect(value).toEqual({ value: { id: 42, items: ['tea'] }, version: 1 });
      expect((await store.set('orders', { kind: 'conversation', conversationId: 'c1' }, 'order', { id: 43 }, { expectedVersion: 1 })).version).toBe(2);
    } finally {
      await store.close();
      await own.stop();
    }
  });
});
