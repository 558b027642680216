import { readFileSync } from 'node:fs';
import { dirname, join, resolve as resolvePath } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { resolve as resolveSpecifier } from 'import-meta-resolve';

/** Imports a package by name (a replacement for the default resolution, e.g. in tests). */
export type ImportModule = (specifier: string) => Promise<unknown>;

/** A plugin package found on disk. */
export interface ResolvedPackage {
  readonly url: string;
  readonly version: string | undefined;
}

/**
 * Where plugin packages are looked up, in order: folders (a project's folder, whose `node_modules` holds its
 * dependencies) or module URLs (`import.meta.url` of an app, to find the packages that app bundles).
 */
export type PluginSearchPath = string | URL;

/** Finds a package the way `import` would from each search path in turn; undefined when none has it. */
export function resolvePluginPackage(specifier: string, searchPaths: readonly PluginSearchPath[]): ResolvedPackage | undefined {
  for (const base of searchPaths) {
    const parent = typeof base === 'string' ? pathToFileURL(join(resolvePath(base), 'package.json')).href : base.href;
    let url: string;
    try {
      url = resolveSpecifier(specifier, parent);
    } catch (error) {
      if (isNotFound(error)) continue;
      throw error;
    }
    return { url, version: packageVersion(specifier, url) };
  }
  return undefined;
}

function isNotFound(error: unknown): boolean {
  const code = (error as { code?: unknown } | null)?.code;
  // ERR_PACKAGE_PATH_NOT_EXPORTED is not "not found": the package is there but has no main export, which the
  // caller reports as it is rather than telling the user to install it.
  return code === 'ERR_MODULE_NOT_FOUND';
}

/** The version in the package.json of the package that holds `url` (walking up to the one named `name`). */
function packageVersion(name: string, url: string): string | undefined {
  if (!url.startsWith('file:')) return undefined;
  let dir = dirname(fileURLToPath(url));
  for (;;) {
    try {
      const manifest = JSON.parse(readFileSync(join(dir, 'package.json'), 'utf8')) as { name?: unknown; version?: unknown };
      if (manifest.name === name) return typeof manifest.version === 'string' ? manifest.version : undefined;
    } catch {
      // no package.json here: keep walking up
    }
    const parent = dirname(dir);
    if (parent === dir) return undefined;
    dir = parent;
  }
}

/** How a search path reads in an error message. */
export function describeSearchPath(base: PluginSearchPath): string {
  if (typeof base === 'string') return resolvePath(base);
  return base.protocol === 'file:' ? dirname(fileURLToPath(base)) : base.href;
}
