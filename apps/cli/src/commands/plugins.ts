import { relative } from 'node:path';
import { parseArgs } from 'node:util';
import { describePluginModule, loadPlugins, pluginReferencesFor, resolvePluginPackage, type PluginReference } from '@bottango/runtime';
import { pluginReferences, pluginSearchPaths } from '../compose.js';
import type { CliCommand } from '../io.js';
import { PROJECT_ARGS, PROJECT_USAGE, readProject } from '../project-args.js';

export const PLUGINS_USAGE = `bottango plugins [--config <file>] [--plugin <pkg>…] [--store …] [--state …] [--transport …] [--json]
  Lists the plugins the other commands load here — the CLI's defaults, the project file's, --plugin packages and
  those the store, state and transport settings need — with their versions, where each was found, and what each
  provides. Every plugin that cannot be loaded is reported (exit 2).
${PROJECT_USAGE}`;

interface PluginRow {
  readonly package: string;
  readonly version: string | null;
  /** `default` (the CLI's), `bundled` (the runtime's), `setting` (store/state/transport), `--plugin` or the project file line. */
  readonly source: string;
  readonly provides: readonly string[];
}

export const pluginsCommand: CliCommand = async (args, io) => {
  const { values } = parseArgs({
    args: [...args],
    options: { ...PROJECT_ARGS, store: { type: 'string' }, state: { type: 'string' }, transport: { type: 'string' }, json: { type: 'boolean', default: false } },
    strict: true,
  });
  const project = await readProject(values, io.cwd);
  const searchPaths = pluginSearchPaths(project, io.cwd);
  const named = pluginReferences(project, values.plugin ?? []);
  const store = values.store ?? project.store;
  const state = values.state ?? project.state;
  const transport = values.transport ?? project.transport;
  const { references, state: statePlugin } = pluginReferencesFor({ plugins: named, store, state, transport, transportOptions: project.transportOptions });
  const all = statePlugin ? [...references, statePlugin] : references;
  const loaded = await loadPlugins(all, { searchPaths });

  const rows: PluginRow[] = loaded.map((plugin, index) => ({
    package: plugin.package,
    version: plugin.version ?? null,
    source: sourceOf(all[index] as PluginReference, project.dir),
    provides: describePluginModule(plugin.module),
  }));
  const provided = rows.flatMap((r) => r.provides);
  if (!provided.includes('pattern syntax "pattern"')) {
    const pattern = resolvePluginPackage('@bottango/matcher-pattern', searchPaths);
    rows.push({ package: '@bottango/matcher-pattern', version: pattern?.version ?? null, source: 'bundled', provides: ['pattern syntax "pattern"'] });
  }
  const builtIn = [
    ...(provided.includes('context store') ? [] : ['memory context store']),
    ...(provided.includes('conversation state store') ? [] : ['memory conversation states']),
    ...(provided.includes('transfer transport') ? [] : ['in-process transport']),
  ];
  if (builtIn.length > 0) {
    const runtime = resolvePluginPackage('@bottango/runtime', searchPaths);
    rows.push({ package: '@bottango/runtime', version: runtime?.version ?? null, source: 'bundled', provides: builtIn });
  }

  if (values.json) {
    io.stdout.write(`${JSON.stringify({ project: project.file ?? null, plugins: rows })}\n`);
    return 0;
  }
  io.stdout.write(`${project.file ? `Project file: ${relative(io.cwd, project.file) || project.file}` : `No project file in ${io.cwd}: the CLI's defaults`}\n`);
  const width = Math.max(...rows.map((r) => `${r.package} ${r.version ?? ''}`.length));
  for (const row of rows) {
    io.stdout.write(`  ${`${row.package} ${row.version ?? '(version unknown)'}`.padEnd(width + 2)}${row.provides.join(', ') || '(binds nothing Bottango uses)'}  [${row.source}]\n`);
  }
  return 0;
};

function sourceOf(reference: PluginReference, projectDir: string): string {
  if (typeof reference === 'string' || reference.declaredIn === undefined) return 'default';
  const declared = reference.declaredIn;
  return declared.startsWith(projectDir) ? relative(projectDir, declared) : declared;
}
