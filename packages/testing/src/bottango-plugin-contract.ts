import { Container, ContainerModule } from 'inversify';
import { expect } from 'vitest';
import {
  BOTTANGO_PLUGIN_BRAND,
  BottangoError,
  BottangoErrorCode,
  ContextStore,
  ConversationStateStore,
  IntentMatcher,
  Logger,
  StarterPatternSyntax,
  TextNormalizer,
  TransferTransport,
  isBottangoPlugin,
  validatePluginOptions,
  type BottangoPlugin,
} from '@bottango/core';
import { describeChecks, type ContractCheck } from './contract-checks.js';

/** `loadPlugins` of `@bottango/runtime`, as the suite calls it. */
export type LoadPluginsFunction = (
  references: readonly { readonly package: string; readonly options?: unknown }[],
  options: { readonly importModule: (name: string) => Promise<unknown> },
) => Promise<readonly { readonly name: string; readonly module: unknown }[]>;

export interface BottangoPluginContractOptions {
  /** `loadPlugins` from `@bottango/runtime` (passed in: @bottango/testing does not depend on the runtime). */
  readonly loadPlugins: LoadPluginsFunction;
  /** Option sets the plugin must accept. Default: `[{}]` (no options). */
  readonly validOptions?: readonly unknown[];
  /** Option sets it must refuse, each with the field the refusal must name (`['threshold', …]`). */
  readonly invalidOptions?: readonly (readonly [options: unknown, field: string])[];
  /** Extension-point tokens (from `@bottango/core`) the module must bind with the first valid options. */
  readonly provides?: readonly symbol[];
}

const EXTENSION_POINTS: readonly (readonly [string, symbol])[] = [
  ['IntentMatcher', IntentMatcher],
  ['StarterPatternSyntax', StarterPatternSyntax],
  ['TextNormalizer', TextNormalizer],
  ['ContextStore', ContextStore],
  ['ConversationStateStore', ConversationStateStore],
  ['TransferTransport', TransferTransport],
  ['Logger', Logger],
];

const UNKNOWN_OPTION = 'bottangoContractUnknownOption';

function pluginOf(exports: unknown): BottangoPlugin<unknown> {
  const plugin = (exports as { bottangoPlugin?: unknown } | null)?.bottangoPlugin;
  expect(isBottangoPlugin(plugin), 'the package exports `bottangoPlugin` made with definePlugin() from @bottango/core').toBe(true);
  return plugin as BottangoPlugin<unknown>;
}

/** The module the plugin makes from `options` (validated first), loaded into a container of its own. */
async function containerFor(plugin: BottangoPlugin<unknown>, options: unknown): Promise<Container> {
  const checked = await validatePluginOptions(plugin, options);
  expect(checked, `options ${JSON.stringify(options)} are accepted`).toMatchObject({ ok: true });
  const module = plugin.createModule((checked as { options: unknown }).options);
  expect(module, 'createModule() returns an inversify ContainerModule').toBeInstanceOf(ContainerModule);
  const container = new Container({ defaultScope: 'Singleton' });
  container.load(module as ContainerModule);
  return container;
}

/** Does some issue name `field` (its path, or its message for a problem of the whole object such as an unknown key)? */
function namesField(issues: readonly { readonly path: string; readonly message: string }[], field: string): boolean {
  return issues.some((issue) => issue.path === `options.${field}` || issue.path.startsWith(`options.${field}.`) || issue.path.startsWith(`options.${field}[`) || issue.message.includes(field));
}

async function expectRefused(plugin: BottangoPlugin<unknown>, options: unknown, field?: string): Promise<void> {
  const checked = await validatePluginOptions(plugin, options);
  expect(checked.ok, `options ${JSON.stringify(options)} are refused`).toBe(false);
  if (field !== undefined && !checked.ok) expect(namesField(checked.issues, field), `an issue names "${field}": ${JSON.stringify(checked.issues)}`).toBe(true);
}

/** The checks of {@link describeBottangoPluginContract}, for running one by one. */
export function bottangoPluginContractChecks(exports: unknown, options: BottangoPluginContractOptions): ContractCheck[] {
  const valid = options.validOptions ?? [{}];
  const invalid = options.invalidOptions ?? [];
  const packageName = 'plugin-under-contract';
  const importModule = async (): Promise<unknown> => exports;
  return [
    {
      name: 'exports `bottangoPlugin` made with definePlugin(): the brand and a name',
      run: async () => {
        const plugin = pluginOf(exports);
        expect(plugin.brand).toBe(BOTTANGO_PLUGIN_BRAND);
        expect(plugin.name.trim()).not.toBe('');
      },
    },
    {
      name: 'declares its options as a Standard Schema (optionsSchema)',
      run: async () => {
        const standard = pluginOf(exports).optionsSchema?.['~standard'];
        expect(standard, 'bottangoPlugin.optionsSchema is set').toBeDefined();
        expect(standard?.version).toBe(1);
        expect(typeof standard?.vendor).toBe('string');
        expect(typeof standard?.validate).toBe('function');
      },
    },
    {
      name: 'accepts every valid option set and makes an inversify ContainerModule from it',
      run: async () => {
        expect(valid.length, 'at least one valid option set').toBeGreaterThan(0);
        for (const given of valid) await containerFor(pluginOf(exports), given);
      },
    },
    {
      name: 'its module binds an extension point of @bottango/core (and every one in `provides`)',
      run: async () => {
        const container = await containerFor(pluginOf(exports), valid[0]);
        const bound = EXTENSION_POINTS.filter(([, token]) => container.isBound(token)).map(([label]) => label);
        expect(bound.length, 'binds IntentMatcher, StarterPatternSyntax, TextNormalizer, ContextStore, ConversationStateStore, TransferTransport or Logger').toBeGreaterThan(0);
        for (const token of options.provides ?? []) expect(container.isBound(token), `binds ${String(token)}`).toBe(true);
      },
    },
    {
      name: 'its intent matchers, pattern syntaxes and normalisers resolve from the container, each with its name',
      run: async () => {
        const container = await containerFor(pluginOf(exports), valid[0]);
        const all = <T,>(token: symbol): T[] => (container.isBound(token) ? container.getAll<T>(token) : []);
        for (const matcher of all<IntentMatcher>(IntentMatcher)) expect(typeof matcher.id === 'string' && matcher.id.trim() !== '', 'an intent matcher with an id').toBe(true);
        for (const syntax of all<StarterPatternSyntax>(StarterPatternSyntax)) expect(typeof syntax.syntax === 'string' && syntax.syntax.trim() !== '', 'a pattern syntax with a name').toBe(true);
        for (const normalizer of all<TextNormalizer>(TextNormalizer)) expect(typeof normalizer.id === 'string' && normalizer.id.trim() !== '', 'a normaliser with an id').toBe(true);
      },
    },
    {
      name: 'refuses every invalid option set, naming the field',
      run: async () => {
        for (const [given, field] of invalid) await expectRefused(pluginOf(exports), given, field);
      },
    },
    {
      name: 'refuses an unknown option, naming it, and options that are not an object',
      run: async () => {
        const base = typeof valid[0] === 'object' && valid[0] !== null ? valid[0] : {};
        await expectRefused(pluginOf(exports), { ...base, [UNKNOWN_OPTION]: 1 }, UNKNOWN_OPTION);
        await expectRefused(pluginOf(exports), [base]);
        await expectRefused(pluginOf(exports), 42);
      },
    },
    {
      name: 'loads by package name through loadPlugins (importModule) with valid options',
      run: async () => {
        const plugin = pluginOf(exports);
        const loaded = await options.loadPlugins([{ package: packageName, options: valid[0] }], { importModule });
        expect(loaded.map((p) => p.name)).toEqual([plugin.name]);
        expect(loaded[0]?.module).toBeInstanceOf(ContainerModule);
      },
    },
    {
      name: 'loadPlugins refuses invalid options with PLUGIN_LOAD_FAILED naming the field',
      run: async () => {
        const [given, field] = invalid[0] ?? [{ ...(typeof valid[0] === 'object' && valid[0] !== null ? valid[0] : {}), [UNKNOWN_OPTION]: 1 }, UNKNOWN_OPTION];
        let failure: unknown;
        await options.loadPlugins([{ package: packageName, options: given }], { importModule }).catch((error: unknown) => (failure = error));
        expect(BottangoError.is(failure, BottangoErrorCode.PluginLoadFailed), `PLUGIN_LOAD_FAILED, got ${String(failure)}`).toBe(true);
        expect((failure as Error).message).toContain(packageName);
        expect((failure as Error).message).toContain(field);
      },
    },
  ];
}

/**
 * The contract of a plugin package's `bottangoPlugin` export:
 * `describeBottangoPluginContract(await import('./index.js'), { loadPlugins, validOptions: [{}], invalidOptions: [[{ threshold: 2 }, 'threshold']] })`
 * with `loadPlugins` from `@bottango/runtime`.
 */
export function describeBottangoPluginContract(exports: unknown, options: BottangoPluginContractOptions): void {
  const name = (exports as { bottangoPlugin?: { name?: unknown } } | null)?.bottangoPlugin?.name;
  describeChecks(`Bottango plugin contract: ${typeof name === 'string' ? name : '(no bottangoPlugin export)'}`, bottangoPluginContractChecks(exports, options));
}
