import { readdir, writeFile } from 'node:fs/promises';
import { readFileSync } from 'node:fs';
import { builtinModules } from 'node:module';
import { dirname, join, relative, resolve } from 'node:path';
import { parseArgs } from 'node:util';
import { isPackageName } from '@bottango/core';
import { createFolder } from '@bottango/runtime';
import type { CliCommand } from '../io.js';
import { defaultPluginFolder, defaultPluginId, PLUGIN_KINDS, pluginTemplateFiles, type PluginKind } from '../templates/plugin-templates.js';
import { UsageError } from '../usage-error.js';

export const NEW_USAGE = `bottango new plugin <${PLUGIN_KINDS.join('|')}> <package-name> [--dir <folder>]
  Creates a plugin package: package.json (@bottango/core and inversify as peers), tsconfig, vitest config, a minimal
  working implementation, a test running the kind's contract suite from @bottango/testing, and a README.
  matcher     an IntentMatcher (bots pick it with settings.intentMatcher)
  normalizer  a TextNormalizer
  syntax      a StarterPatternSyntax (starter patterns { syntax, pattern })
  store       a ContextStore (replaces the in-memory Context Session Store)
  --dir <folder>  where to create it (default: ./<package name without scope>); it must not exist or be empty`;

/** Why `name` is not a valid name for a new npm package (npm's rules); empty when it is. */
export function packageNameProblems(name: string): string[] {
  const problems: string[] = [];
  if (name.length === 0) return ['is empty'];
  if (name.length > 214) problems.push('is longer than 214 characters');
  if (name.trim() !== name) problems.push('has spaces around it');
  if (name !== name.toLowerCase()) problems.push('has capital letters (npm names are lower case)');
  const scoped = /^@([^/]+)\/([^/]+)$/.exec(name);
  if (name.startsWith('@') && !scoped) return [...problems, 'is scoped but not @scope/name'];
  const parts = scoped ? [scoped[1] ?? '', scoped[2] ?? ''] : [name];
  for (const part of parts) {
    if (!/^[a-z0-9]/i.test(part)) problems.push(`has "${part}" not starting with a letter or digit`);
    if (!/^[a-z0-9._~-]*$/i.test(part)) problems.push(`has characters other than letters, digits, - . _ ~ in "${part}"`);
  }
  if (!scoped && (builtinModules.includes(name) || ['node_modules', 'favicon.ico'].includes(name))) problems.push('is reserved (a Node.js core module or a name npm refuses)');
  // The loader's rule (core) has the last word: a package it would refuse is no use as a plugin.
  if (problems.length === 0 && !isPackageName(name)) problems.push('is not a package name Bottango loads plugins by');
  return problems;
}

/** The range of @bottango packages the new plugin depends on: this CLI's own version. */
function bottangoRange(): string {
  const manifest = JSON.parse(readFileSync(new URL('../../package.json', import.meta.url), 'utf8')) as { version?: string };
  return `^${manifest.version ?? '0.1.0'}`;
}

export const newCommand: CliCommand = async (args, io) => {
  const { values, positionals } = parseArgs({ args: [...args], options: { dir: { type: 'string' } }, allowPositionals: true, strict: true });
  const [what, kind, name, ...extra] = positionals;
  if (what !== 'plugin') throw new UsageError(what === undefined ? 'new: say what to create: bottango new plugin <kind> <name>' : `new: cannot create "${what}"; only: plugin`, NEW_USAGE);
  if (kind === undefined || !(PLUGIN_KINDS as readonly string[]).includes(kind)) {
    throw new UsageError(`new plugin: ${kind === undefined ? 'the kind is missing' : `unknown kind "${kind}"`}; use one of ${PLUGIN_KINDS.join(', ')}`, NEW_USAGE);
  }
  if (name === undefined) throw new UsageError('new plugin: the package name is missing (e.g. bottango-matcher-keywords or @my-team/bottango-store-dynamo)', NEW_USAGE);
  if (extra.length > 0) throw new UsageError(`new plugin: unexpected ${extra.map((e) => JSON.stringify(e)).join(' ')}`, NEW_USAGE);
  const problems = packageNameProblems(name);
  if (problems.length > 0) throw new UsageError(`new plugin: "${name}" is not a valid npm package name: it ${problems.join('; it ')}`, NEW_USAGE);

  const folder = resolve(io.cwd, values.dir ?? defaultPluginFolder(name));
  const existing = await readdir(folder).catch((error: NodeJS.ErrnoException) => (error.code === 'ENOENT' ? undefined : (error.code ?? String(error))));
  if (typeof existing === 'string') {
    io.stderr.write(`bottango new: cannot write ${folder} (${existing}); choose another --dir\n`);
    return 2;
  }
  if (existing !== undefined && existing.length > 0) {
    io.stderr.write(`bottango new: ${folder} already exists and is not empty; nothing was written (choose another --dir or remove it)\n`);
    return 2;
  }

  const pluginKind = kind as PluginKind;
  const files = pluginTemplateFiles({ kind: pluginKind, packageName: name, bottangoRange: bottangoRange() });
  for (const [path, content] of Object.entries(files)) {
    const target = join(folder, path);
    try {
      await createFolder(dirname(target));
      await writeFile(target, content, { flag: 'wx' });
    } catch (error) {
      const code = (error as NodeJS.ErrnoException).code ?? String(error);
      io.stderr.write(`bottango new: cannot write ${target} (${code}); choose another --dir\n`);
      return 2;
    }
  }
  const shown = relative(io.cwd, folder) || '.';
  io.stdout.write(
    `Created ${name} (${pluginKind} "${defaultPluginId(pluginKind, name)}") in ${shown}:\n${Object.keys(files)
      .map((f) => `  ${f}\n`)
      .join('')}\nNext:\n  cd ${shown}\n  npm install && npm run build && npm test\n  npm pack, then in your Bottango project: npm install <the .tgz>, and list ${name} under plugins: in bottango.config.yaml\n`,
  );
  return 0;
};
