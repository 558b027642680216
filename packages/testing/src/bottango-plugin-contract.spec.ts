import { Container, ContainerModule } from 'inversify';
import { describe, expect, it } from 'vitest';
import { BottangoError, BottangoErrorCode, definePlugin, IntentMatcher, validatePluginOptions, type BottangoPlugin, type PluginOptionsSchema } from '@bottango/core';
import { bottangoPluginContractChecks, type LoadPluginsFunction } from './bottango-plugin-contract.js';
import { failingChecks } from './contract-self-test.js';

type Bug = 'no-brand' | 'no-schema' | 'loose-schema' | 'silent-messages' | 'not-a-module' | 'binds-nothing' | 'unresolvable';

/** A Standard Schema by hand: `{ threshold?: number in [0, 1] }`, unknown keys refused unless `loose-schema`. */
function thresholdSchema(bugs: readonly Bug[]): PluginOptionsSchema<{ threshold?: number }> {
  const say = (field: string, message: string): string => (bugs.includes('silent-messages') ? 'invalid' : `${field} ${message}`);
  return {
    '~standard': {
      version: 1,
      vendor: 'hand-written',
      validate(value: unknown) {
        if (typeof value !== 'object' || value === null || Array.isArray(value)) return { issues: [{ message: say('options', 'must be an object') }] };
        const record = value as Record<string, unknown>;
        const issues: { message: string; path?: PropertyKey[] }[] = [];
        for (const key of Object.keys(record)) if (key !== 'threshold' && !bugs.includes('loose-schema')) issues.push({ message: say(`"${key}"`, 'is not an option') });
        const threshold = record['threshold'];
        if (threshold !== undefined && (typeof threshold !== 'number' || threshold < 0 || threshold > 1)) issues.push({ message: bugs.includes('silent-messages') ? 'invalid' : 'must be from 0 to 1', ...(bugs.includes('silent-messages') ? {} : { path: ['threshold'] }) });
        return issues.length > 0 ? { issues } : { value: threshold === undefined ? {} : { threshold } };
      },
    },
  };
}

function pluginExports(bugs: readonly Bug[] = []): { bottangoPlugin: unknown } {
  const plugin: BottangoPlugin<{ threshold?: number }> = definePlugin({
    name: 'contract-self-test-matcher',
    ...(bugs.includes('no-schema') ? {} : { optionsSchema: thresholdSchema(bugs) }),
    createModule: () =>
      bugs.includes('not-a-module')
        ? { load: () => undefined }
        : new ContainerModule(({ bind }) => {
            if (bugs.includes('unresolvable')) {
              bind(IntentMatcher).toDynamicValue(() => {
                throw new Error('a dependency is not bound');
              });
            } else if (!bugs.includes('binds-nothing')) bind(IntentMatcher).toConstantValue({ id: 'self-test', train: async () => ({ classify: () => ({ ranked: [] }) }) });
          }),
  });
  return { bottangoPlugin: bugs.includes('no-brand') ? { ...plugin, brand: 'something-else' } : plugin };
}

/** What `loadPlugins` of @bottango/runtime does with one plugin (the runtime cannot be a dependency of this package). */
const loadPlugins: LoadPluginsFunction = async (references, { importModule }) =>
  Promise.all(
    references.map(async (reference) => {
      const { bottangoPlugin } = (await importModule(reference.package)) as { bottangoPlugin: BottangoPlugin<unknown> };
      const checked = await validatePluginOptions(bottangoPlugin, reference.options);
      if (!checked.ok) throw new BottangoError(BottangoErrorCode.PluginLoadFailed, `${reference.package}: ${checked.issues.map((i) => `${i.path}: ${i.message}`).join('; ')}`);
      return { name: bottangoPlugin.name, module: bottangoPlugin.createModule(checked.options) };
    }),
  );

const checks = (bugs: readonly Bug[] = []) =>
  failingChecks(bottangoPluginContractChecks(pluginExports(bugs), { loadPlugins, validOptions: [{}, { threshold: 0.5 }], invalidOptions: [[{ threshold: 2 }, 'threshold']], provides: [IntentMatcher] }));

describe('describeBottangoPluginContract', () => {
  it('passes a correct plugin', async () => {
    expect(await checks()).toEqual([]);
    expect(new Container().isBound(IntentMatcher)).toBe(false);
  });

  it('fails a package whose bottangoPlugin is not made with definePlugin (no brand)', async () => {
    const failed = await checks(['no-brand']);
    expect(failed).toContain('exports `bottangoPlugin` made with definePlugin(): the brand and a name');
    expect(failed).toContain('loads by package name through loadPlugins (importModule) with valid options');
  });

  it('fails a plugin without an options schema', async () => {
    expect(await checks(['no-schema'])).toEqual([
      'declares its options as a Standard Schema (optionsSchema)',
      'refuses every invalid option set, naming the field',
      'refuses an unknown option, naming it, and options that are not an object',
      'loadPlugins refuses invalid options with PLUGIN_LOAD_FAILED naming the field',
    ]);
  });

  it.each([
    ['loose-schema', ['refuses an unknown option, naming it, and options that are not an object']],
    ['silent-messages', ['refuses every invalid option set, naming the field', 'refuses an unknown option, naming it, and options that are not an object', 'loadPlugins refuses invalid options with PLUGIN_LOAD_FAILED naming the field']],
    ['not-a-module', ['accepts every valid option set and makes an inversify ContainerModule from it', 'its module binds an extension point of @bottango/core (and every one in `provides`)', 'its intent matchers, pattern syntaxes and normalisers resolve from the container, each with its name', 'loads by package name through loadPlugins (importModule) with valid options']],
    ['unresolvable', ['its intent matchers, pattern syntaxes and normalisers resolve from the container, each with its name']],
    ['binds-nothing', ['its module binds an extension point of @bottango/core (and every one in `provides`)']],
  ] as const)('fails a plugin with the bug %s', async (bug, failed) => {
    expect(await checks([bug])).toEqual(failed);
  });
});
