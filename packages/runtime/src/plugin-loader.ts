import { createRequire } from 'node:module';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { ContainerModule } from 'inversify';
import { BottangoError, BottangoErrorCode, isBottangoPlugin } from '@bottango/core';

/** A plugin named by package, with its own slice of configuration. */
export type PluginReference = string | { readonly package: string; readonly options?: Record<string, unknown> };

/** Imports a package by name. The default resolves from the current directory, where an app's dependencies are. */
export type ImportModule = (specifier: string) => Promise<unknown>;

export const importFromCwd: ImportModule = async (specifier) => {
  const require = createRequire(join(process.cwd(), 'package.json'));
  let resolved: string;
  try {
    resolved = require.resolve(specifier);
  } catch {
    return import(specifier);
  }
  return import(pathToFileURL(resolved).href);
};

/**
 * Loads every plugin, checks each exports a `bottangoPlugin` descriptor whose module is a ContainerModule,
 * and reports all failures together, each with its cause.
 */
export async function loadPluginModules(references: readonly PluginReference[], importModule: ImportModule): Promise<ContainerModule[]> {
  const modules: ContainerModule[] = [];
  const failures: { plugin: string; message: string; cause: unknown }[] = [];
  for (const reference of references) {
    const name = typeof reference === 'string' ? reference : reference.package;
    const options = typeof reference === 'string' ? {} : (reference.options ?? {});
    try {
      const exported = (await importModule(name)) as { bottangoPlugin?: unknown };
      const plugin = exported.bottangoPlugin;
      if (!isBottangoPlugin(plugin)) {
        failures.push({ plugin: name, message: 'does not export a `bottangoPlugin` made with definePlugin()', cause: undefined });
        continue;
      }
      const module = plugin.createModule(options);
      if (!(module instanceof ContainerModule) && !isContainerModuleLike(module)) {
        failures.push({ plugin: name, message: 'bottangoPlugin.createModule() did not return an inversify ContainerModule', cause: undefined });
        continue;
      }
      modules.push(module as ContainerModule);
    } catch (cause) {
      failures.push({ plugin: name, message: cause instanceof Error ? cause.message : String(cause), cause });
    }
  }
  if (failures.length > 0) {
    throw new BottangoError(
      BottangoErrorCode.PluginLoadFailed,
      `could not load ${failures.length} plugin(s):\n  ${failures.map((f) => `${f.plugin}: ${f.message}`).join('\n  ')}`,
      { cause: failures.length === 1 ? failures[0]?.cause : new AggregateError(failures.map((f) => f.cause ?? new Error(f.message))), details: { plugins: failures.map((f) => f.plugin) } },
    );
  }
  return modules;
}

/** A ContainerModule from another copy of inversify (instanceof fails across copies). */
function isContainerModuleLike(value: unknown): boolean {
  return typeof value === 'object' && value !== null && typeof (value as { load?: unknown }).load === 'function' && typeof (value as { id?: unknown }).id === 'number';
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
