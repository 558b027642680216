import { ContainerModule } from 'inversify';
import { BottangoError, BottangoErrorCode, isBottangoPlugin, isPackageName, validatePluginOptions } from '@bottango/core';
import { describeSearchPath, resolvePluginPackage, type ImportModule, type PluginSearchPath } from './plugin-resolution.js';

/**
 * A plugin named by package, with its own slice of configuration. `declaredIn` says where the reference was written
 * (e.g. `bottango.config.yaml plugins[2]`), for error messages.
 */
export type PluginReference = string | { readonly package: string; readonly options?: unknown; readonly declaredIn?: string };

/** A plugin package, imported and checked, with the module it made from its options. */
export interface LoadedPlugin {
  /** The package name it was loaded by. */
  readonly package: string;
  /** `bottangoPlugin.name`. */
  readonly name: string;
  /** From the package's package.json; undefined when it was imported by a custom `importModule`. */
  readonly version: string | undefined;
  readonly module: ContainerModule;
}

export interface PluginLoadOptions {
  /** Where packages are looked up, in order (folders or module URLs). Default: the current directory. */
  readonly searchPaths?: readonly PluginSearchPath[];
  /** Imports a package by name instead of looking it up in `searchPaths` (tests, bundlers). */
  readonly importModule?: ImportModule;
}

/**
 * Loads every plugin: finds the package, checks it exports a `bottangoPlugin` made with definePlugin(), validates
 * its options against the plugin's schema and creates its module. Every problem of every plugin is reported together.
 */
export async function loadPlugins(references: readonly PluginReference[], options: PluginLoadOptions = {}): Promise<LoadedPlugin[]> {
  const searchPaths = options.searchPaths ?? [process.cwd()];
  const loaded: LoadedPlugin[] = [];
  const failures: { name: string; declaredIn: string[]; problems: string[]; cause: unknown }[] = [];
  for (const reference of references) {
    const name = typeof reference === 'string' ? reference : reference.package;
    const declaredIn = typeof reference === 'string' || reference.declaredIn === undefined ? [] : [reference.declaredIn];
    const fail = (problems: string[], cause?: unknown): void => {
      // The same package failing the same way for two settings (store and state) is one failure, naming both.
      const same = failures.find((f) => f.name === name && f.problems.join('\n') === problems.join('\n'));
      if (same) same.declaredIn.push(...declaredIn);
      else failures.push({ name, declaredIn, problems, cause });
    };
    if (!isPackageName(name)) {
      fail([`is not an npm package name (e.g. bottango-matcher-fuzzy or @team/matcher): plugins load by package name; install a local plugin into the project (npm install ./path) and name its package`]);
      continue;
    }
    try {
      let exported: { bottangoPlugin?: unknown };
      let version: string | undefined;
      if (options.importModule) {
        exported = (await options.importModule(name)) as { bottangoPlugin?: unknown };
      } else {
        const found = resolvePluginPackage(name, searchPaths);
        if (!found) {
          fail([`package not found (looked in ${searchPaths.map(describeSearchPath).join(', ')}); install it in your project: npm install ${name} (or pnpm add ${name})`]);
          continue;
        }
        version = found.version;
        exported = (await import(found.url)) as { bottangoPlugin?: unknown };
      }
      const plugin = exported.bottangoPlugin;
      if (!isBottangoPlugin(plugin)) {
        fail(['is not a Bottango plugin: it does not export a `bottangoPlugin` made with definePlugin() from @bottango/core']);
        continue;
      }
      const given = typeof reference === 'string' ? undefined : reference.options;
      const checked = await validatePluginOptions(plugin, given);
      if (!checked.ok) {
        fail(checked.issues.map((issue) => `${issue.path}: ${issue.message}`));
        continue;
      }
      const module = plugin.createModule(checked.options);
      if (!(module instanceof ContainerModule) && !isContainerModuleLike(module)) {
        fail(['bottangoPlugin.createModule() did not return an inversify ContainerModule']);
        continue;
      }
      loaded.push({ package: name, name: plugin.name, version, module: module as ContainerModule });
    } catch (cause) {
      fail([cause instanceof Error ? cause.message : String(cause)], cause);
    }
  }
  if (failures.length > 0) {
    const labels = failures.map((f) => (f.declaredIn.length === 0 ? f.name : `${f.name} (${f.declaredIn.join(', ')})`));
    const lines = failures.map((f, i) => (f.problems.length === 1 ? `${labels[i]}: ${f.problems[0]}` : `${labels[i]}:\n    ${f.problems.join('\n    ')}`));
    throw new BottangoError(BottangoErrorCode.PluginLoadFailed, `could not load ${failures.length} plugin(s):\n  ${lines.join('\n  ')}`, {
      cause: failures.length === 1 ? failures[0]?.cause : new AggregateError(failures.map((f) => f.cause ?? new Error(f.problems.join('; ')))),
      details: { plugins: labels },
    });
  }
  return loaded;
}

/** A ContainerModule from another copy of inversify (instanceof fails across copies). */
function isContainerModuleLike(value: unknown): boolean {
  return typeof value === 'object' && value !== null && typeof (value as { load?: unknown }).load === 'function' && typeof (value as { id?: unknown }).id === 'number';
}

/**
 * Every plugin a runtime with these settings loads by name: `plugins`, then those the `store` and `transport` settings
 * name; `state` is the plugin of the `state` setting (default: the store's backend), loaded only when no module
 * binds the conversation state store itself.
 */
export function pluginReferencesFor(settings: {
  readonly plugins?: readonly PluginReference[] | undefined;
  readonly store?: string | undefined;
  readonly state?: string | undefined;
  readonly transport?: string | undefined;
  readonly transportOptions?: Readonly<Record<string, unknown>> | undefined;
}): { references: PluginReference[]; state: PluginReference | undefined } {
  // Each says which setting it comes from, for errors and `bottango plugins`.
  const fromSetting = (reference: PluginReference | undefined, setting: string): PluginReference[] =>
    reference === undefined ? [] : [typeof reference === 'string' ? { package: reference, declaredIn: setting } : { ...reference, declaredIn: setting }];
  const references = [
    ...(settings.plugins ?? []),
    ...fromSetting(settings.store === undefined ? undefined : storePluginFor(settings.store), 'store setting'),
    ...fromSetting(settings.transport === undefined ? undefined : transportPluginFor(settings.transport, settings.transportOptions ?? {}), 'transport setting'),
  ];
  const [state] = fromSetting(statePluginFor(settings.state ?? settings.store ?? 'memory'), 'state setting');
  return { references, state };
}

/**
 * The `store` setting: `memory` (default), `sqlite:<path>`, or `redis://…` / `rediss://…`.
 * Returns the plugin that provides it, or undefined for memory.
 */
export function storePluginFor(store: string): PluginReference | undefined {
  return backendPluginFor('store', store);
}

/**
 * The `state` setting (where conversation states live): the same values as `store`; the store plugin is then loaded
 * with `provides: "state"`. Returns undefined for memory.
 */
export function statePluginFor(state: string): PluginReference | undefined {
  const reference = backendPluginFor('state', state);
  return reference && { ...reference, options: { ...reference.options, provides: 'state' } };
}

function backendPluginFor(option: 'store' | 'state', setting: string): { package: string; options: Record<string, unknown> } | undefined {
  const invalid = (message: string, cause?: unknown): BottangoError =>
    new BottangoError(BottangoErrorCode.InvalidConfiguration, `${option} "${setting}"${message}`, { ...(cause === undefined ? {} : { cause }), details: { field: option, value: setting } });
  const value = setting.trim();
  if (value === '' || value === 'memory') return undefined;
  if (value.startsWith('sqlite:')) {
    const path = value.slice('sqlite:'.length);
    if (!path) throw invalid(': sqlite needs a file path, e.g. sqlite:./bottango.sqlite');
    return { package: '@bottango/store-sqlite', options: { path } };
  }
  if (value.startsWith('redis://') || value.startsWith('rediss://')) {
    try {
      new URL(value);
    } catch (cause) {
      throw invalid(' is not a valid Redis URL', cause);
    }
    return { package: '@bottango/store-redis', options: { url: value } };
  }
  throw invalid(' is not understood; use memory, sqlite:<path> or redis://host:port');
}

/**
 * The `transport` setting: `in-process` (default) or `redis://…` / `rediss://…` (bots in separate processes).
 * Returns the plugin that provides it, or undefined for in-process.
 */
export function transportPluginFor(transport: string, options: Readonly<Record<string, unknown>> = {}): PluginReference | undefined {
  const value = transport.trim();
  if (value === '' || value === 'in-process') return undefined;
  if (value.startsWith('redis://') || value.startsWith('rediss://')) return { package: '@bottango/transport-redis', options: { ...options, url: value } };
  throw new BottangoError(BottangoErrorCode.InvalidConfiguration, `transport "${transport}" is not understood; use in-process or redis://host:port`, { details: { field: 'transport', value: transport } });
}
