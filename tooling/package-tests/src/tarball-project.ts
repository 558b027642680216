import { readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';

/** A publishable workspace package (not `private`). */
export interface WorkspacePackage {
  readonly name: string;
  readonly version: string;
  readonly dir: string;
}

/** The folders of pnpm-workspace.yaml whose packages may be published. */
const WORKSPACE_FOLDERS = ['packages', 'plugins', 'apps', 'tooling'];

/** Every workspace package that is not private, by name. */
export function publishablePackages(root: string): WorkspacePackage[] {
  const found: WorkspacePackage[] = [];
  for (const folder of WORKSPACE_FOLDERS) {
    let names: string[];
    try {
      names = readdirSync(join(root, folder));
    } catch {
      continue;
    }
    for (const name of names.sort()) {
      const dir = join(root, folder, name);
      let manifest: { name?: string; version?: string; private?: boolean };
      try {
        manifest = JSON.parse(readFileSync(join(dir, 'package.json'), 'utf8')) as typeof manifest;
      } catch {
        continue;
      }
      if (manifest.private !== true && manifest.name && manifest.version) found.push({ name: manifest.name, version: manifest.version, dir });
    }
  }
  return found;
}

type Manifest = Record<string, unknown> & {
  dependencies?: Record<string, string>;
  devDependencies?: Record<string, string>;
  peerDependencies?: Record<string, string>;
  overrides?: Record<string, unknown>;
};

/**
 * Points a project's package.json at packed tarballs instead of the registry: every dependency on one of the packed
 * packages becomes `file:<tarball>`, and `overrides` make the packed packages' own dependencies on each other (and
 * peer dependencies) resolve to the tarballs too, so nothing of Bottango comes from the registry.
 */
export function useTarballs(manifestPath: string, tarballs: ReadonlyMap<string, string>, add: Readonly<Record<string, string>> = {}): void {
  const manifest = JSON.parse(readFileSync(manifestPath, 'utf8')) as Manifest;
  manifest.dependencies = { ...manifest.dependencies };
  for (const [name, spec] of Object.entries(add)) manifest.dependencies[name] = spec;
  const direct = new Set<string>();
  for (const field of ['dependencies', 'devDependencies'] as const) {
    const deps = manifest[field];
    if (!deps) continue;
    for (const name of Object.keys(deps)) {
      const tarball = tarballs.get(name);
      if (tarball === undefined) continue;
      deps[name] = `file:${tarball}`;
      direct.add(name);
    }
  }
  // npm wants an override of a direct dependency to be that dependency's own spec ("$name").
  const overrides: Record<string, unknown> = { ...manifest.overrides };
  for (const [name, tarball] of tarballs) overrides[name] = direct.has(name) ? `$${name}` : `file:${tarball}`;
  manifest.overrides = overrides;
  writeFileSync(manifestPath, `${JSON.stringify(manifest, null, 2)}\n`);
}
