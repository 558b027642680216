import { resolve } from 'node:path';
import { DEFAULT_PATTERN_SYNTAX, type Logger } from '@bottango/core';
import { loadBotDirectory, type DefinitionProblem } from '@bottango/definitions';
import { CompromiseMatcherModule } from '@bottango/matcher-compromise';
import { NaturalMatcherModule } from '@bottango/matcher-natural';
import { compileStarterPattern } from '@bottango/matcher-pattern';
import { UsageError } from './usage-error.js';
import { createRuntime, parseStateSetting, parseStoreSetting, parseTransportSetting, transportPluginFor, type BottangoRuntime, type RuntimeOptions } from '@bottango/runtime';

export interface ComposeOptions {
  readonly botsDir: string;
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
  /** Folder for trained models; default `<bots dir>/.bottango/models`. */
  readonly modelCacheDir?: string;
}

export interface ComposedRuntime {
  readonly runtime: BottangoRuntime;
  readonly warnings: readonly DefinitionProblem[];
}

/** The CLI's runtime: bots from a directory, both NLU plugins, and the stores named on the command line. */
export async function composeRuntime(options: ComposeOptions): Promise<ComposedRuntime> {
  const dir = resolve(options.cwd, options.botsDir);
  // Default-syntax patterns are checked with the other definition problems, so one run lists them all with file and line.
  const loaded = await loadBotDirectory(dir, { validatePattern: checkDefaultPattern });
  const modules: NonNullable<RuntimeOptions['modules']> = [
    NaturalMatcherModule.fromOptions({ cacheDir: options.modelCacheDir ?? resolve(dir, '.bottango/models') }),
    CompromiseMatcherModule.fromOptions({}),
  ];
  const runtime = await createRuntime({
    bots: loaded.bots,
    groups: loaded.groups,
    modules,
    ...(options.store !== undefined ? { store: parseStoreSetting(options.store) } : {}),
    ...(options.state !== undefined ? { state: parseStateSetting(options.state) } : {}),
    ...(options.transport !== undefined ? { transport: parseTransportSetting(options.transport), transportOptions: options.transportOptions ?? {} } : {}),
    ...(options.localBots !== undefined ? { localBots: options.localBots } : {}),
    importModule: (name) => import(name),
    defaultIntentMatcher: 'natural',
    ...(options.logger ? { logger: options.logger } : {}),
  });
  return { runtime, warnings: loaded.warnings };
}

function checkDefaultPattern(syntax: string, pattern: string): string | undefined {
  if (syntax !== DEFAULT_PATTERN_SYNTAX) return undefined;
  try {
    compileStarterPattern(pattern);
    return undefined;
  } catch (error) {
    const message = error instanceof Error ? error.message : String(error);
    // The loader already names the pattern; keep only what is wrong with it.
    const prefix = `pattern ${JSON.stringify(pattern)}: `;
    return message.startsWith(prefix) ? message.slice(prefix.length) : message;
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
