import { mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ContainerModule } from 'inversify';
import { describe, expect, it } from 'vitest';
import { z } from 'zod';
import { BOTTANGO_PLUGIN_BRAND, BottangoError, IntentMatcher, definePlugin } from '@bottango/core';
import { MemoryContextStore } from '@bottango/store-memory';
import { createRuntime, loadPlugins, pluginReferencesFor, storePluginFor } from './index.js';
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
    const error = await loadPlugins(['missing-pkg', 'not-a-plugin', { package: 'throws', options: { x: 1 } }], {
      importModule: async (name) => {
        if (name === 'missing-pkg') throw new Error("Cannot find package 'missing-pkg'");
        if (name === 'not-a-plugin') return { something: 1 };
        return { bottangoPlugin: definePlugin({ name, createModule: () => { throw new Error('option x is not known'); } }) };
      },
    }).catch((e: unknown) => e);
    expect(BottangoError.is(error, 'PLUGIN_LOAD_FAILED')).toBe(true);
    const message = (error as Error).message;
    expect(message).toContain('could not load 3 plugin(s)');
    expect(message).toContain("missing-pkg: Cannot find package 'missing-pkg'");
    expect(message).toContain('not-a-plugin: is not a Bottango plugin: it does not export a `bottangoPlugin`');
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

/** Writes a package into `<dir>/node_modules/<name>` whose `bottangoPlugin` binds nothing; for lookups from a project folder. */
function writePackage(dir: string, name: string, version: string, source: string): void {
  const root = join(dir, 'node_modules', name);
  mkdirSync(root, { recursive: true });
  writeFileSync(join(root, 'package.json'), JSON.stringify({ name, version, type: 'module', exports: { '.': './index.js' } }));
  writeFileSync(join(root, 'index.js'), source);
}

const PLUGIN_SOURCE = (name: string): string => `
export const bottangoPlugin = {
  brand: '${BOTTANGO_PLUGIN_BRAND}',
  name: '${name}',
  createModule: (options) => ({ id: 4242, load: () => { globalThis.__loadedWith = options; } }),
};`;

describe('loading plugins from a project folder', () => {
  it('finds a package in the first search path that has it, with its version, and says where it looked when none has it', async () => {
    const project = mkdtempSync(join(tmpdir(), 'bottango-plugins-'));
    writePackage(project, 'bottango-matcher-demo', '1.2.3', PLUGIN_SOURCE('demo matcher'));
    const [loaded] = await loadPlugins(['bottango-matcher-demo'], { searchPaths: [join(project, 'elsewhere'), project] });
    expect(loaded).toMatchObject({ package: 'bottango-matcher-demo', name: 'demo matcher', version: '1.2.3' });

    const error = await loadPlugins(['bottango-not-installed'], { searchPaths: [project] }).catch((e: unknown) => e);
    expect(BottangoError.is(error, 'PLUGIN_LOAD_FAILED')).toBe(true);
    expect((error as Error).message).toContain(`bottango-not-installed: package not found (looked in ${project}); install it in your project: npm install bottango-not-installed`);

    // One package for two settings (the store and the state store) is reported once.
    const twice = await loadPlugins(['bottango-not-installed', 'bottango-not-installed'], { searchPaths: [project] }).catch((e: unknown) => e);
    expect((twice as Error).message).toMatch(/^could not load 1 plugin\(s\):\n {2}bottango-not-installed: package not found[^\n]*$/);
  });

  it('a store package missing for both the store and the state setting is one failure naming both settings', async () => {
    const project = mkdtempSync(join(tmpdir(), 'bottango-plugins-'));
    const { references, state } = pluginReferencesFor({ store: 'sqlite:./x.sqlite' });
    const message = ((await loadPlugins([...references, ...(state ? [state] : [])], { searchPaths: [project] }).catch((e: unknown) => e)) as Error).message;
    expect(message).toMatch(/^could not load 1 plugin\(s\):\n {2}@bottango\/store-sqlite \(store setting, state setting\): package not found/);
  });

  it('says a package that is installed but has no main export is not importable, instead of asking to install it', async () => {
    const project = mkdtempSync(join(tmpdir(), 'bottango-plugins-'));
    const root = join(project, 'node_modules', 'only-subpaths');
    mkdirSync(root, { recursive: true });
    writeFileSync(join(root, 'package.json'), JSON.stringify({ name: 'only-subpaths', version: '1.0.0', type: 'module', exports: { './x': './x.js' } }));
    const message = ((await loadPlugins(['only-subpaths'], { searchPaths: [project] }).catch((e: unknown) => e)) as Error).message;
    expect(message).toContain('only-subpaths: ');
    expect(message).not.toContain('npm install');
    expect(message).toMatch(/not exported|exports/i);
  });

  it('refuses a path or anything else that is not a package name, before importing anything', async () => {
    const imported: string[] = [];
    const importModule = async (name: string): Promise<unknown> => void imported.push(name);
    const message = ((await loadPlugins(['../../etc/passwd', '/tmp/evil.js', 'Not A Name'], { importModule }).catch((e: unknown) => e)) as Error).message;
    expect(message).toContain('could not load 3 plugin(s)');
    expect(message).toContain('../../etc/passwd: is not an npm package name');
    expect(imported).toEqual([]);
  });

  it('says a package that exports no bottangoPlugin is not a plugin', async () => {
    const project = mkdtempSync(join(tmpdir(), 'bottango-plugins-'));
    writePackage(project, 'left-pad-ish', '0.0.1', 'export const pad = (s) => s;');
    await expect(loadPlugins(['left-pad-ish'], { searchPaths: [project] })).rejects.toThrow('left-pad-ish: is not a Bottango plugin');
  });
});

describe('plugin options', () => {
  const schemaPlugin = definePlugin({
    name: 'fuzzy',
    optionsSchema: z.strictObject({ threshold: z.number().min(0).max(1).default(0.4), synonyms: z.array(z.string()).default([]) }),
    createModule: (options) => {
      lastOptions = options;
      return new ContainerModule(() => undefined);
    },
  });
  let lastOptions: unknown;
  const importModule = async (): Promise<unknown> => ({ bottangoPlugin: schemaPlugin });

  it('are checked against the schema the plugin declares, and the plugin gets them with its defaults', async () => {
    await loadPlugins([{ package: 'fuzzy', options: { threshold: 0.7 } }], { importModule });
    expect(lastOptions).toEqual({ threshold: 0.7, synonyms: [] });
    await loadPlugins(['fuzzy'], { importModule });
    expect(lastOptions).toEqual({ threshold: 0.4, synonyms: [] });
  });

  it('are reported with every bad field of every plugin, and where each plugin was declared', async () => {
    const error = await loadPlugins(
      [
        { package: 'fuzzy', options: { threshold: 'high', synonyms: ['ok', 3], colour: 'red' }, declaredIn: 'bottango.config.yaml plugins[0]' },
        { package: 'fuzzy', options: { threshold: 2 } },
      ],
      { importModule },
    ).catch((e: unknown) => e);
    const message = (error as Error).message;
    expect(message).toContain('could not load 2 plugin(s)');
    expect(message).toContain('fuzzy (bottango.config.yaml plugins[0]):\n    ');
    expect(message).toMatch(/options\.threshold: .*number/);
    expect(message).toMatch(/options\.synonyms\[1\]: .*string/);
    expect(message).toMatch(/options: .*colour/);
    expect(message).toMatch(/fuzzy: options\.threshold: .*(<=|1)/);
  });
});

describe('bundled plugins', () => {
  it('a configured pattern matcher replaces the bundled one instead of clashing with it', async () => {
    const runtime = await createRuntime({ bots: demoBots(), modules: [keywordModule()], plugins: ['@bottango/matcher-pattern'], importModule: (name) => import(name) });
    expect(runtime.plugins.map((p) => [p.package, p.bundled])).toEqual([['@bottango/matcher-pattern', false]]);
    await runtime.close();
    const plain = await createRuntime({ bots: demoBots(), modules: [keywordModule()] });
    expect(plain.plugins.map((p) => [p.package, p.bundled])).toEqual([['@bottango/matcher-pattern', true]]);
    expect(plain.plugins[0]?.version).toMatch(/^\d+\.\d+\.\d+/);
    await plain.close();
  });

  it('a configured memory store replaces the default one; with a store setting as well, the clash is named', async () => {
    const runtime = await createRuntime({ bots: demoBots(), modules: [keywordModule()], plugins: [{ package: '@bottango/store-memory', options: { sweepIntervalMs: 5000 } }], importModule: (name) => import(name) });
    expect(runtime.store).toBeInstanceOf(MemoryContextStore);
    expect(runtime.plugins.map((p) => p.package)).toEqual(['@bottango/store-memory', '@bottango/matcher-pattern']);
    await runtime.close();
    // Two store packages (here two names for the memory store), as a store plugin plus `store: sqlite:…` would be.
    const clash = createRuntime({ bots: demoBots(), modules: [keywordModule()], plugins: ['team-store', 'other-store'], importModule: () => import('@bottango/store-memory') });
    await expect(clash).rejects.toThrow('2 plugins provide the context store (team-store, other-store); load one of them');
  });

  it('a plugin whose module throws while binding is named in the error', async () => {
    const broken = definePlugin({ name: 'broken', createModule: () => new ContainerModule(() => { throw new Error('cannot bind: no licence key'); }) });
    const start = createRuntime({ bots: demoBots(), modules: [keywordModule()], plugins: ['bottango-broken'], importModule: async () => ({ bottangoPlugin: broken }) });
    await expect(start).rejects.toThrow('plugin bottango-broken failed while binding its services: cannot bind: no licence key');
  });

  it('two plugins with the same intent matcher ID are refused', async () => {
    await expect(createRuntime({ bots: demoBots(), modules: [keywordModule(), keywordModule()] })).rejects.toThrow('two plugins provide intent matcher "keyword"; load one of them');
  });
});

function keywordModule(): ContainerModule {
  return new ContainerModule(({ bind }) => {
    bind(KeywordIntentMatcher).toSelf().inSingletonScope();
    bind(IntentMatcher).toService(KeywordIntentMatcher);
  });
}
