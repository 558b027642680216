import { ContainerModule } from 'inversify';
import { describe, expect, it } from 'vitest';
import { BottangoError, IntentMatcher, definePlugin } from '@bottango/core';
import { createRuntime, loadPluginModules, storePluginFor } from './index.js';
import { demoBots } from './__fixtures__/bots.js';
import { KeywordIntentMatcher } from './__fixtures__/keyword-matcher.js';

const keywordPlugin = definePlugin<Record<string, unknown>>({
  name: 'keyword-plugin',
  createModule: () =>
    new ContainerModule(({ bind }) => {
      bind(KeywordIntentMatcher).toSelf().inSingletonScope();
      bind(IntentMatcher).toService(KeywordIntentMatcher);
    }),
});

describe('plugins by package name', () => {
  it('loads a plugin package that exports bottangoPlugin and runs bots with it', async () => {
    const imported: string[] = [];
    const runtime = await createRuntime({
      bots: demoBots(),
      plugins: [{ package: 'keyword-plugin', options: {} }],
      importModule: async (name) => {
        imported.push(name);
        return { bottangoPlugin: keywordPlugin };
      },
    });
    expect(imported).toEqual(['keyword-plugin']);
    const id = await runtime.startConversation({ botId: 'concierge' });
    expect((await runtime.send(id, 'refund')).some((e) => e.type === 'transfer')).toBe(true);
  });

  it('reports every plugin that fails, with the reason of each', async () => {
    const error = await loadPluginModules(['missing-pkg', 'not-a-plugin', { package: 'throws', options: { x: 1 } }], async (name) => {
      if (name === 'missing-pkg') throw new Error("Cannot find package 'missing-pkg'");
      if (name === 'not-a-plugin') return { something: 1 };
      return { bottangoPlugin: definePlugin({ name, createModule: () => { throw new Error('option x is not known'); } }) };
    }).catch((e: unknown) => e);
    expect(BottangoError.is(error, 'PLUGIN_LOAD_FAILED')).toBe(true);
    const message = (error as Error).message;
    expect(message).toContain('could not load 3 plugin(s)');
    expect(message).toContain("missing-pkg: Cannot find package 'missing-pkg'");
    expect(message).toContain('not-a-plugin: does not export a `bottangoPlugin`');
    expect(message).toContain('throws: option x is not known');
  });
});

describe('store setting', () => {
  it('maps memory, sqlite and redis settings to their plugins', () => {
    expect(storePluginFor('memory')).toBeUndefined();
    expect(storePluginFor('sqlite:/tmp/x.sqlite')).toEqual({ package: '@bottango/store-sqlite', options: { path: '/tmp/x.sqlite' } });
    expect(storePluginFor('redis://127.0.0.1:6380/2')).toEqual({ package: '@bottango/store-redis', options: { url: 'redis://127.0.0.1:6380/2' } });
  });

  it('says what is wrong with a bad setting', () => {
    expect(() => storePluginFor('sqlite:')).toThrow('sqlite needs a file path');
    expect(() => storePluginFor('mysql://x')).toThrow('store "mysql://x" is not understood; use memory, sqlite:<path> or redis://host:port');
    expect(() => storePluginFor('redis://exa mple:1')).toThrow('is not a valid Redis URL');
  });
});
