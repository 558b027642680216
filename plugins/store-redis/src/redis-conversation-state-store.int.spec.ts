import { spawnSync } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { dirname, join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { Container, type ContainerModule } from 'inversify';
import { Redis } from 'ioredis';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ConversationStateStore, type ConversationState, type ConversationStateStore as StateStore, validatePluginOptions } from '@bottango/core';
import { describeConversationStateStoreContract, raceStateIncrements } from '@bottango/testing';
import { DEFAULT_STATE_KEY_PREFIX, RedisConversationStateStore } from './redis-conversation-state-store.js';
import { RedisConversationStateStoreService, RedisStateModule } from './redis-state-module.js';
import { bottangoPlugin } from './redis-store-module.js';
import { cleanUpAndStop, redisForTests, startTestRedisServer } from '@bottango/testing/redis';

// REDIS_URL when set (CI), else a redis-server of our own; fails with an install hint if there is none.
const server = redisForTests();
const runPrefix = `test-state:${randomUUID()}:`;
const packageDir = join(dirname(fileURLToPath(import.meta.url)), '..');

beforeAll(() => {
  // The racing child processes run the built package, so make sure dist is current.
  const tsc = spawnSync(join(packageDir, 'node_modules/.bin/tsc'), ['-b'], { cwd: packageDir, encoding: 'utf8' });
  if (tsc.status !== 0) throw new Error(`tsc -b failed in ${packageDir}:\n${tsc.stdout}${tsc.stderr}`);
});
afterAll(() => cleanUpAndStop(server, runPrefix)); // leaves a shared server (REDIS_URL) as we found it

const connect = async (keyPrefix = `${runPrefix}${randomUUID()}:`): Promise<RedisConversationStateStore> =>
  RedisConversationStateStore.connect({ url: (await server).url, keyPrefix, connectTimeoutMs: 2_000 });

describeConversationStateStoreContract('RedisConversationStateStore', {
  create: () => connect(),
  openSameStorage: (store) => connect((store as RedisConversationStateStore).keyPrefix),
});

const state = (id: string): ConversationState => ({ id, userId: 'u1', ownerBotId: 'billing', dialogStack: [], variables: {}, pendingTangoContext: {}, escalationFailures: 0, transcript: [], turns: 1 });

describe('RedisConversationStateStore on a real server', () => {
  it('keeps a state as one hash { version, json } under the key prefix', async () => {
    const store = await connect();
    const redis = new Redis((await server).url);
    try {
      await store.save(state('c:1'));
      expect(await redis.hgetall(`${store.keyPrefix}c:1`)).toEqual({ version: '1', json: JSON.stringify({ ...state('c:1'), version: 1 }) });
      expect(DEFAULT_STATE_KEY_PREFIX).toBe('bottango:state:');
    } finally {
      redis.disconnect();
      await store.close();
    }
  });

  it('refuses a bad URL with INVALID_CONFIGURATION and an unreachable server with STORE_UNAVAILABLE, at connect', async () => {
    await expect(RedisConversationStateStore.connect({ url: 'localhost:6379' })).rejects.toMatchObject({ code: 'INVALID_CONFIGURATION', message: expect.stringContaining('url') });
    const started = Date.now();
    await expect(RedisConversationStateStore.connect({ url: 'redis://127.0.0.1:1/0', connectTimeoutMs: 1_000 })).rejects.toMatchObject({
      code: 'STORE_UNAVAILABLE',
      message: expect.stringMatching(/Redis conversation state store: .*127\.0\.0\.1:1.*ECONNREFUSED/),
    });
    expect(Date.now() - started).toBeLessThan(3_000);
  });

  it('fails at once with STORE_UNAVAILABLE while the server is down (nothing queued), and works again after it restarts', async () => {
    const own = await startTestRedisServer({ appendOnly: true });
    const store = await RedisConversationStateStore.connect({ url: own.url, connectTimeoutMs: 1_000, commandTimeoutMs: 2_000 });
    try {
      await store.save(state('c1'));
      await own.kill();
      const started = Date.now();
      await expect(store.load('c1')).rejects.toMatchObject({ code: 'STORE_UNAVAILABLE' });
      await expect(store.save({ ...state('c1'), version: 1 })).rejects.toMatchObject({ code: 'STORE_UNAVAILABLE' });
      expect(Date.now() - started).toBeLessThan(1_000);
      await own.restart();
      const deadline = Date.now() + 10_000;
      for (;;) {
        try {
          expect(await store.load('c1')).toEqual({ ...state('c1'), version: 1 });
          break;
        } catch (error) {
          if (Date.now() > deadline) throw error;
          await new Promise((resolve) => setTimeout(resolve, 100));
        }
      }
      // The save refused while down was not applied later behind our back.
      expect(await store.save({ ...state('c1'), version: 1, turns: 2 })).toBe(2);
    } finally {
      await store.close();
      await own.stop();
    }
  });
});

describe('RedisStateModule and the plugin with provides: "state"', () => {
  it('binds ConversationStateStore to one connected store (getAsync), closed on unbind', async () => {
    const container = new Container();
    const keyPrefix = `${runPrefix}module:`;
    container.load(RedisStateModule.fromOptions({ url: (await server).url, keyPrefix }));
    const store = await container.getAsync<StateStore>(ConversationStateStore);
    expect(store).toBeInstanceOf(RedisConversationStateStore);
    expect(await container.getAsync(ConversationStateStore)).toBe(store);
    expect(await store.save(state('m1'))).toBe(1);
    await container.unbindAsync(ConversationStateStore);
    await container.unbindAsync(RedisConversationStateStoreService);
    await expect(store.load('m1')).rejects.toMatchObject({ code: 'STORE_CLOSED' });
  });

  it('the plugin binds the state store with provides: "state" (default prefix bottango:state:), fails at getAsync when unreachable, and names a bad provides', async () => {
    const container = new Container();
    container.load(bottangoPlugin.createModule({ url: (await server).url, provides: 'state' }) as ContainerModule); // createModule is typed unknown
    const store = await container.getAsync<RedisConversationStateStore>(ConversationStateStore);
    expect(store.keyPrefix).toBe('bottango:state:');
    await store.close();

    const unreachable = new Container();
    unreachable.load(bottangoPlugin.createModule({ url: 'redis://127.0.0.1:1/0', connectTimeoutMs: 500, provides: 'state' }) as ContainerModule);
    await expect(unreachable.getAsync(ConversationStateStore)).rejects.toMatchObject({ code: 'STORE_UNAVAILABLE' });
    expect(await validatePluginOptions(bottangoPlugin, { url: 'redis://h', provides: 'states' })).toEqual({ ok: false, issues: [{ path: 'options.provides', message: 'must be "context" or "state", got "states"' }] });
  });
});

describe('RedisConversationStateStore shared by two processes', () => {
  it('loses no turn when two processes load, change and save one conversation at once (200 increments each)', async () => {
    const keyPrefix = `${runPrefix}race:`;
    const { conflicts } = await raceStateIncrements({
      moduleUrl: pathToFileURL(join(packageDir, 'dist/index.js')).href,
      openStore: 'm.RedisConversationStateStore.connect({ url: process.env.REDIS_TEST_URL, keyPrefix: process.env.KEY_PREFIX })',
      env: { REDIS_TEST_URL: (await server).url, KEY_PREFIX: keyPrefix },
      conversationId: 'raced',
      increments: 200,
    });
    console.info(`Redis state race: ${conflicts.join(' + ')} version conflicts retried`);
    expect(conflicts[0]! + conflicts[1]!, 'the two processes did not overlap').toBeGreaterThan(0);
    const store = await connect(keyPrefix);
    const raced = await store.load('raced');
    expect(raced).toMatchObject({ turns: 400, version: 400 });
    expect(raced?.transcript).toHaveLength(400);
    await store.close();
  });
});
