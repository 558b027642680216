import { dirname, isAbsolute, join, resolve } from 'node:path';
import { z } from 'zod';
import { BottangoError, BottangoErrorCode, isPackageName } from '@bottango/core';
import { formatPath, formatProblem, sortProblems, type DefinitionProblem } from './problems.js';
import { readDefinitionFile, type ReadResult } from './read-file.js';
import { check, strictObject } from './schema.js';
import { SourceFile } from './source-file.js';

/** Names of the project file, looked for in this order in the project folder. */
export const PROJECT_CONFIG_FILES = ['bottango.config.yaml', 'bottango.config.yml', 'bottango.config.json'] as const;

/** A plugin the project file names, with where it was written (for error messages). */
export interface ConfiguredPlugin {
  readonly package: string;
  readonly options?: Readonly<Record<string, unknown>>;
  /** e.g. `bottango.config.yaml:4 plugins[1]`. */
  readonly declaredIn: string;
}

/** A project's settings: what its `bottango.config.yaml` says, with relative paths made absolute. */
export interface ProjectConfig {
  /** The file read; undefined when the project has none (all settings are then defaults). */
  readonly file: string | undefined;
  /** The project folder: plugin packages are looked up in its `node_modules`, and relative paths start here. */
  readonly dir: string;
  readonly plugins: readonly ConfiguredPlugin[];
  /** The bots folder. */
  readonly bots?: string;
  /** Intent matcher for bots that do not name one. */
  readonly defaultIntentMatcher?: string;
  readonly store?: string;
  readonly state?: string;
  readonly transport?: string;
  readonly transportOptions?: Readonly<Record<string, unknown>>;
  /** Where trained models and other caches go. */
  readonly cacheDir?: string;
}

const packageName = z
  .string()
  .trim()
  .refine(isPackageName, { message: 'is not an npm package name (e.g. bottango-matcher-fuzzy or @team/matcher); install a local plugin into the project (npm install ./path) and name its package' });
const options = z.record(z.string(), z.unknown());
const setting = z.string().trim().min(1);

const projectConfigSchema = strictObject({
  plugins: z.array(z.union([packageName, strictObject({ package: packageName, options: options.optional() })])).optional(),
  bots: setting.optional(),
  defaultIntentMatcher: setting.optional(),
  store: setting.optional(),
  state: setting.optional(),
  transport: setting.optional(),
  transportOptions: options.optional(),
  cacheDir: setting.optional(),
});

/**
 * Reads the project file: `file` when given (it must exist), else the first of PROJECT_CONFIG_FILES in `cwd`, else
 * an empty project rooted at `cwd`. Every problem (syntax, unknown key, bad value, a plugin named twice) is reported
 * together in one INVALID_CONFIGURATION error, each with file, line and field.
 */
export async function loadProjectConfig(options: { readonly cwd: string; readonly file?: string }): Promise<ProjectConfig> {
  const candidates = options.file === undefined ? PROJECT_CONFIG_FILES.map((name) => join(options.cwd, name)) : [resolve(options.cwd, options.file)];
  for (const file of candidates) {
    let read: ReadResult;
    try {
      read = await readDefinitionFile(file, 'a project file');
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code === 'ENOENT' && options.file === undefined) continue;
      throw configError(file, [{ file, path: '', message: `cannot read the project file: ${error instanceof Error ? error.message : String(error)}` }]);
    }
    if (read.problem !== undefined) throw configError(file, [read.problem]);
    return parseProjectConfig(read.text, file);
  }
  return { file: undefined, dir: resolve(options.cwd), plugins: [] };
}

/** Parses the text of a project file (YAML or JSON) found at `file`. */
export function parseProjectConfig(text: string, file: string): ProjectConfig {
  const parsed = SourceFile.parse(text, file);
  const problems: DefinitionProblem[] = [...parsed.problems];
  const checked = problems.length === 0 ? check(projectConfigSchema, parsed.data) : { problems: [] };
  problems.push(...checked.problems.map((p) => parsed.source.problem(p.path, p.message)));
  const data = checked.data;
  if (problems.length > 0 || data === undefined) throw configError(file, problems);

  const dir = dirname(resolve(file));
  const plugins = (data.plugins ?? []).map((entry, index): ConfiguredPlugin => {
    const line = parsed.source.position(['plugins', index])?.line;
    const declaredIn = `${file}${line === undefined ? '' : `:${line}`} ${formatPath(['plugins', index])}`;
    return typeof entry === 'string' ? { package: entry, declaredIn } : { package: entry.package, ...(entry.options ? { options: entry.options } : {}), declaredIn };
  });
  const seen = new Map<string, number>();
  plugins.forEach((plugin, index) => {
    const first = seen.get(plugin.package);
    if (first !== undefined) problems.push(parsed.source.problem(['plugins', index], `plugin ${plugin.package} is already listed at plugins[${first}]; list each plugin once`));
    else seen.set(plugin.package, index);
  });
  if (problems.length > 0) throw configError(file, problems);

  const path = (value: string | undefined): string | undefined => (value === undefined ? undefined : isAbsolute(value) ? value : resolve(dir, value));
  const bots = path(data.bots);
  const cacheDir = path(data.cacheDir);
  return {
    file,
    dir,
    plugins,
    ...(bots === undefined ? {} : { bots }),
    ...(data.defaultIntentMatcher === undefined ? {} : { defaultIntentMatcher: data.defaultIntentMatcher }),
    ...(data.store === undefined ? {} : { store: relativeBackend(data.store, dir) }),
    ...(data.state === undefined ? {} : { state: relativeBackend(data.state, dir) }),
    ...(data.transport === undefined ? {} : { transport: data.transport }),
    ...(data.transportOptions === undefined ? {} : { transportOptions: data.transportOptions }),
    ...(cacheDir === undefined ? {} : { cacheDir }),
  };
}

/** `sqlite:./x.sqlite` in a project file means next to the file, wherever the command runs. */
function relativeBackend(value: string, dir: string): string {
  if (!value.startsWith('sqlite:')) return value;
  const path = value.slice('sqlite:'.length);
  return path === '' || isAbsolute(path) ? value : `sqlite:${resolve(dir, path)}`;
}

function configError(file: string, problems: readonly DefinitionProblem[]): BottangoError {
  const sorted = sortProblems(problems);
  const count = sorted.length === 1 ? '1 problem' : `${sorted.length} problems`;
  return new BottangoError(BottangoErrorCode.InvalidConfiguration, `Invalid project file ${file} (${count}):\n${sorted.map((p) => `  - ${formatProblem(p)}`).join('\n')}`, {
    where: file,
    details: { problems: sorted },
  });
}
