import { join, resolve } from 'node:path';
import { BottangoError, BottangoErrorCode, DEFAULT_PATTERN_SYNTAX, type Clock, type Logger } from '@bottango/core';
import { loadBotDirectory, type DefinitionProblem, type ProjectConfig } from '@bottango/definitions';
import { compileStarterPattern } from '@bottango/matcher-pattern';
import { UsageError } from './usage-error.js';
import {
  createRuntime,
  createFolder,
  defaultCacheDir,
  parseStateSetting,
  parseStoreSetting,
  parseTransportSetting,
  transportPluginFor,
  type BottangoRuntime,
  type PluginReference,
  type PluginSearchPath,
} from '@bottango/runtime';

export interface ComposeOptions {
  /** The bots folder; default: the project file's `bots`. */
  readonly botsDir?: string;
  /** The project (`loadProjectConfig`): its plugins and settings. Command-line values given here win over it. */
  readonly project?: ProjectConfig;
  /** More plugins by package name (`--plugin`), looked up like the project's. */
  readonly plugins?: readonly string[];
  readonly store?: string;
  /** Where conversation states live (`memory`, `sqlite:<path>`, `redis://…`); default: the store's backend. */
  readonly state?: string;
  /** `in-process` (default) or `redis://…`: bots run as separate `bottango agent` processes. */
  readonly transport?: string;
  readonly transportOptions?: Readonly<Record<string, unknown>>;
  /** Bots this process runs (an agent: one; a front: none). Default: all. */
  readonly localBots?: readonly string[];
  readonly cwd: string;
  readonly logger?: Logger;
  /** The cache folder (`--cache-dir`); default: the project's `cacheDir`, else `defaultCacheDir()`. */
  readonly cacheDir?: string;
  /** Folder for trained models; default `<cache folder>/models`. */
  readonly modelCacheDir?: string;
  /** The runtime's clock (`bottango test`: a fake one the scenario moves); default the system clock. */
  readonly clock?: Clock;
}

export interface ComposedRuntime {
  readonly runtime: BottangoRuntime;
  readonly warnings: readonly DefinitionProblem[];
}

/** The plugins the CLI loads unless the project names the same package (then with the project's options). */
const DEFAULT_PLUGINS = ['@bottango/matcher-natural', '@bottango/matcher-compromise'] as const;

/**
 * Plugin packages are looked up in the project folder first (its node_modules), then among the CLI's own
 * dependencies (the bundled matchers and stores), so a globally installed CLI still finds them.
 */
export function pluginSearchPaths(project: ProjectConfig | undefined, cwd: string): PluginSearchPath[] {
  return [project?.dir ?? resolve(cwd), new URL(import.meta.url)];
}

/**
 * The plugins a command loads: the CLI's defaults (natural, with `modelCacheDir` when given, and compromise), the project
 * file's plugins (a default named there is replaced by that entry), then `--plugin` packages not already listed.
 */
export function pluginReferences(project: ProjectConfig | undefined, extra: readonly string[], modelCacheDir?: string): PluginReference[] {
  const configured = project?.plugins ?? [];
  const listed = new Set(configured.map((p) => p.package));
  const withCache = (reference: PluginReference): PluginReference => {
    const name = typeof reference === 'string' ? reference : reference.package;
    if (name !== '@bottango/matcher-natural' || modelCacheDir === undefined) return reference;
    const given = typeof reference === 'string' ? {} : ((reference.options ?? {}) as Record<string, unknown>);
    return { ...(typeof reference === 'string' ? {} : reference), package: name, options: { cacheDir: modelCacheDir, ...given } };
  };
  return [
    ...DEFAULT_PLUGINS.filter((name) => !listed.has(name)).map(withCache),
    ...configured.map(withCache),
    ...[...new Set(extra)].filter((name) => !listed.has(name) && !(DEFAULT_PLUGINS as readonly string[]).includes(name)).map((name) => ({ package: name, declaredIn: '--plugin' })),
  ];
}

/** The bots folder of a command: `--bots`, else the project file's `bots`; a usage error when neither says. */
export function botsDirOf(bots: string | undefined, project: ProjectConfig | undefined, command: string, usage: string): string {
  const dir = bots ?? project?.bots;
  if (dir === undefined) throw new UsageError(`${command}: --bots <dir> is required (or \`bots:\` in bottango.config.yaml)`, usage);
  return dir;
}

/** The CLI's runtime: bots from a directory, the project's plugins and settings, and what the command line says. */
export async function composeRuntime(options: ComposeOptions): Promise<ComposedRuntime> {
  const project = options.project;
  const botsDir = options.botsDir ?? project?.bots;
  if (botsDir === undefined) throw new UsageError('no bots folder: give --bots <dir> or `bots:` in bottango.config.yaml', '');
  const dir = resolve(options.cwd, botsDir);
  // Default-syntax patterns are checked with the other definition problems, so one run lists them all with file and line.
  const loaded = await loadBotDirectory(dir, { validatePattern: checkDefaultPattern });
  const modelCacheDir = options.modelCacheDir ?? join(options.cacheDir ?? project?.cacheDir ?? defaultCacheDir(), 'models');
  await ensureCacheDir(modelCacheDir);
  const store = options.store ?? project?.store;
  const state = options.state ?? project?.state;
  const transport = options.transport ?? project?.transport;
  const transportOptions = { ...project?.transportOptions, ...options.transportOptions };
  const runtime = await createRuntime({
    bots: loaded.bots,
    groups: loaded.groups,
    plugins: pluginReferences(project, options.plugins ?? [], modelCacheDir),
    pluginSearchPaths: pluginSearchPaths(project, options.cwd),
    ...(store !== undefined ? { store: parseStoreSetting(store) } : {}),
    ...(state !== undefined ? { state: parseStateSetting(state) } : {}),
    ...(transport !== undefined ? { transport: parseTransportSetting(transport), transportOptions } : {}),
    ...(options.localBots !== undefined ? { localBots: options.localBots } : {}),
    defaultIntentMatcher: project?.defaultIntentMatcher ?? 'natural',
    ...(options.logger ? { logger: options.logger } : {}),
    ...(options.clock ? { clock: options.clock } : {}),
  });
  return { runtime, warnings: loaded.warnings };
}

/** The model cache folder, created now: one that cannot be (a file in the way, no permission) is a clear start-up error. */
async function ensureCacheDir(dir: string): Promise<void> {
  try {
    await createFolder(dir);
  } catch (cause) {
    const reason = (cause as NodeJS.ErrnoException).code ?? (cause instanceof Error ? cause.message : String(cause));
    throw new BottangoError(BottangoErrorCode.InvalidConfiguration, `the cache folder ${dir} cannot be created (${reason}); choose another with --cache-dir, cacheDir in bottango.config.yaml or BOTTANGO_CACHE_DIR`, {
      cause,
      details: { field: 'cacheDir', value: dir },
    });
  }
}

function checkDefaultPattern(syntax: string, pattern: string): string | undefined {
  if (syntax !== DEFAULT_PATTERN_SYNTAX) return undefined;
  try {
    compileStarterPattern(pattern);
    return undefined;
  } catch (error) {
    const message = error instanceof Error ? error.message : String(error);
    // The loader already names the pattern; keep only what is wrong with it (a long pattern is quoted by its start).
    return message.replace(/^pattern "(?:[^"\\]|\\.)*": /, '');
  }
}

/**
 * How a front composes: with a transport that runs the bots in other processes (`redis://…`) it runs no bot itself
 * and its stores default to the transport's server; in-process (absent or `in-process`) only `store` is kept.
 */
export function frontOptions(transport: string | undefined, store: string | undefined): Pick<ComposeOptions, 'transport' | 'localBots' | 'store'> {
  const elsewhere = transport !== undefined && transportPluginFor(transport) !== undefined;
  const chosenStore = store ?? (elsewhere ? transport : undefined);
  return { ...(chosenStore !== undefined ? { store: chosenStore } : {}), ...(elsewhere ? { transport, localBots: [] } : {}) };
}

/** The bot that answers first: `--start`, or the only bot; with several bots and no `--start`, a usage error. */
export function startBot(runtime: BottangoRuntime, start: string | undefined, command: string, usage: string): string {
  if (start !== undefined) {
    runtime.bot(start);
    return start;
  }
  const [only, ...others] = runtime.botIds;
  if (only === undefined) throw new UsageError(`${command}: the bots directory has no bots`, usage);
  if (others.length > 0) throw new UsageError(`${command}: ${runtime.botIds.length} bots (${runtime.botIds.join(', ')}); name the one that answers first with --start <bot>`, usage);
  return only;
}
