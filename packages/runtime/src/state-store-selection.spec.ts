import { ContainerModule } from 'inversify';
import { beforeEach, describe, expect, it } from 'vitest';
import { BottangoError, BottangoErrorCode, ContextStore, ConversationStateStore, IntentMatcher, definePlugin } from '@bottango/core';
import { MemoryContextStore } from '@bottango/store-memory';
import { createRuntime, MemoryConversationStateStore, statePluginFor, type RuntimeOptions } from './index.js';
import { demoBots } from './__fixtures__/bots.js';
import { KeywordIntentMatcher } from './__fixtures__/keyword-matcher.js';

const keywordMatcher = new ContainerModule(({ bind }) => {
  bind(KeywordIntentMatcher).toSelf().inSingletonScope();
  bind(IntentMatcher).toService(KeywordIntentMatcher);
});

class RecordingStateStore extends MemoryConversationStateStore {
  closed = false;
  async close(): Promise<void> {
    this.closed = true;
  }
}

class RecordingContextStore extends MemoryContextStore {
  closed = false;
  override async close(): Promise<void> {
    this.closed = true;
    await super.close();
  }
}

/** What the fake store packages were asked for: package, options, and the store each bound. */
interface Made {
  readonly package: string;
  readonly options: Record<string, unknown>;
  readonly store: RecordingStateStore | RecordingContextStore;
}
let made: Made[];
let unreachableState: boolean;

/** Stands in for @bottango/store-sqlite and @bottango/store-redis: binds the context or the state store as `provides` says. */
function fakeStorePackage(name: string): unknown {
  const plugin = definePlugin<Record<string, unknown>>({
    name,
    createModule: (options) =>
      new ContainerModule(({ bind }) => {
        if (options['provides'] === 'state') {
          const store = new RecordingStateStore();
          made.push({ package: name, options, store });
          if (unreachableState) {
            bind(ConversationStateStore).toDynamicValue(async () => {
              throw new BottangoError(BottangoErrorCode.StoreUnavailable, `cannot connect to ${String(options['url'] ?? options['path'])}`);
            });
          } else {
            bind(ConversationStateStore).toConstantValue(store);
          }
        } else {
          const store = new RecordingContextStore();
          made.push({ package: name, options, store });
          bind(ContextStore).toConstantValue(store);
        }
      }),
  });
  return { bottangoPlugin: plugin };
}

const start = (options: Partial<RuntimeOptions>) =>
  createRuntime({ bots: demoBots(), modules: [keywordMatcher], importModule: async (name) => fakeStorePackage(name), ...options });

beforeEach(() => {
  made = [];
  unreachableState = false;
});

describe('state setting', () => {
  it('maps memory, sqlite and redis to the store plugins with provides: "state", naming the option when the value is bad', () => {
    expect(statePluginFor('memory')).toBeUndefined();
    expect(statePluginFor('sqlite:/tmp/s.sqlite')).toEqual({ package: '@bottango/store-sqlite', options: { path: '/tmp/s.sqlite', provides: 'state' } });
    expect(statePluginFor('redis://127.0.0.1:6380/2')).toEqual({ package: '@bottango/store-redis', options: { url: 'redis://127.0.0.1:6380/2', provides: 'state' } });
    expect(() => statePluginFor('postgres://x')).toThrow(
      expect.objectContaining({
        code: 'INVALID_CONFIGURATION',
        message: 'state "postgres://x" is not understood; use memory, sqlite:<path> or redis://host:port',
        details: { field: 'state', value: 'postgres://x' },
      }),
    );
    expect(() => statePluginFor('sqlite:')).toThrow('state "sqlite:": sqlite needs a file path');
  });
});

describe('createRuntime: where conversation states live', () => {
  it('defaults to the store backend: sqlite:<path> keeps states in the same file, and close() closes both stores', async () => {
    const runtime = await start({ store: 'sqlite:/data/bottango.sqlite' });
    expect(made.map((m) => [m.package, m.options])).toEqual([
      ['@bottango/store-sqlite', { path: '/data/bottango.sqlite' }],
      ['@bottango/store-sqlite', { path: '/data/bottango.sqlite', provides: 'state' }],
    ]);
    const states = made[1]?.store as RecordingStateStore;
    const id = await runtime.startConversation({ botId: 'concierge' });
    await runtime.send(id, 'hi');
    expect(await states.load(id)).toMatchObject({ turns: 1, version: 2 });
    await runtime.close();
    expect(made.map((m) => m.store.closed)).toEqual([true, true]);
  });

  it('defaults to the same Redis server for a redis:// store', async () => {
    await (await start({ store: 'redis://10.0.0.5:6379/1' })).close();
    expect(made.map((m) => m.options)).toEqual([{ url: 'redis://10.0.0.5:6379/1' }, { url: 'redis://10.0.0.5:6379/1', provides: 'state' }]);
  });

  it('keeps states in memory when the store is memory or absent, or when state is memory', async () => {
    for (const options of [{}, { store: 'memory' }, { store: 'sqlite:/a.sqlite', state: 'memory' }]) {
      made = [];
      const runtime = await start(options);
      expect(made.filter((m) => m.options['provides'] === 'state')).toEqual([]);
      const id = await runtime.startConversation({ botId: 'concierge' });
      expect(await runtime.getConversation(id)).toMatchObject({ version: 1 });
      await runtime.close();
    }
  });

  it('takes the state store from another backend than the context store (--store sqlite:a.sqlite --state redis://…)', async () => {
    const runtime = await start({ store: 'sqlite:a.sqlite', state: 'redis://127.0.0.1:6390' });
    expect(made.map((m) => [m.package, m.options])).toEqual([
      ['@bottango/store-sqlite', { path: 'a.sqlite' }],
      ['@bottango/store-redis', { url: 'redis://127.0.0.1:6390', provides: 'state' }],
    ]);
    const id = await runtime.startConversation({ botId: 'concierge' });
    expect(await (made[1]!.store as RecordingStateStore).load(id)).toMatchObject({ id, version: 1 });
    await runtime.close();
  });

  it('refuses a bad state value with INVALID_CONFIGURATION naming the option and the value', async () => {
    await expect(start({ state: 'mysql://db' })).rejects.toMatchObject({
      code: 'INVALID_CONFIGURATION',
      message: expect.stringContaining('state "mysql://db" is not understood'),
      details: { field: 'state', value: 'mysql://db' },
    });
  });

  it('fails with STORE_UNAVAILABLE when the state store cannot be reached, and closes the context store it opened', async () => {
    unreachableState = true;
    await expect(start({ store: 'sqlite:/data/a.sqlite', state: 'redis://127.0.0.1:1' })).rejects.toMatchObject({ code: 'STORE_UNAVAILABLE', message: expect.stringContaining('redis://127.0.0.1:1') });
    expect(made[0]?.store.closed).toBe(true);
  });

  it('fails with STORE_UNAVAILABLE when the state store does not answer, and closes both stores when start-up fails later', async () => {
    const broken = new RecordingStateStore();
    broken.load = async () => {
      throw new Error('socket closed');
    };
    const brokenModule = new ContainerModule(({ bind }) => void bind(ConversationStateStore).toConstantValue(broken));
    await expect(createRuntime({ bots: demoBots(), modules: [keywordMatcher, brokenModule] })).rejects.toMatchObject({
      code: 'STORE_UNAVAILABLE',
      message: expect.stringMatching(/conversation state store .*does not answer: socket closed/),
    });
    expect(broken.closed).toBe(true);

    const states = new RecordingStateStore();
    const statesModule = new ContainerModule(({ bind }) => void bind(ConversationStateStore).toConstantValue(states));
    // No intent matcher: training the billing bot fails after both stores are open.
    await expect(createRuntime({ bots: demoBots(), modules: [statesModule] })).rejects.toMatchObject({ code: 'INVALID_CONFIGURATION' });
    expect(states.closed).toBe(true);
  });

  it('lets a module that binds the state store win over the default, but not over an explicit state setting', async () => {
    const own = new RecordingStateStore();
    const ownModule = new ContainerModule(({ bind }) => void bind(ConversationStateStore).toConstantValue(own));
    const runtime = await start({ store: 'sqlite:/a.sqlite', modules: [keywordMatcher, ownModule] });
    const id = await runtime.startConversation({ botId: 'concierge' });
    expect(await own.load(id)).toBeDefined();
    await runtime.close();
    await expect(start({ state: 'sqlite:/b.sqlite', modules: [keywordMatcher, ownModule] })).rejects.toMatchObject({ code: 'INVALID_CONFIGURATION', message: expect.stringContaining('state "sqlite:/b.sqlite"') });
  });
});
