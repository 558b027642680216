import { resolve } from 'node:path';
import { parseArgs } from 'node:util';
import type { IntentMatcher } from '@bottango/core';
import { evaluateIntentMatcher, formatIntentEvalReport, loadIntentDataset } from '@bottango/eval';
import { loadIntentMatchers } from '@bottango/runtime';
import { pluginReferences, pluginSearchPaths } from '../compose.js';
import { PROJECT_ARGS, PROJECT_USAGE, readProject } from '../project-args.js';
import type { CliCommand, CliIO } from '../io.js';
import { progressBar } from '../progress.js';
import { UsageError } from '../usage-error.js';

export const EVAL_USAGE = `bottango eval --dataset <file.jsonl> [--matcher natural|compromise|<matcher ID>|<plugin package>] [--json]
  Trains an intent matcher on the dataset's train split and measures it on its test split (nothing is tuned on test).
  Lines are {"text","intent","split"} with split train|val|test; intent "oos" marks out-of-scope examples
  (then the matcher trains on in-scope intents only and a top score below GOOD counts as out-of-scope).
  Speed is warm, as in pnpm bench nlu: every training text is classified once before the test split is timed.
  --json prints one JSON object (accuracy, macroF1, inScopeAccuracy, oosRecall, trainSeconds, warmUp, utterancesPerSecond, p99Ms, peakRssMb, ...).
  --matcher takes the ID of an intent matcher loaded here (the project file's plugins and --plugin packages count) or
  a plugin package that provides one.
${PROJECT_USAGE}`;

/**
 * The matcher to evaluate: an intent matcher ID among the plugins loaded here (the CLI's defaults, the project
 * file's, `--plugin`), or a plugin package providing exactly one matcher. Models are never cached: training is timed.
 */
async function chooseMatcher(name: string, values: { readonly config?: string | undefined; readonly plugin?: string[] | undefined }, cwd: string): Promise<IntentMatcher> {
  const project = await readProject(values, cwd);
  const searchPaths = pluginSearchPaths(project, cwd);
  const matchers = await loadIntentMatchers(pluginReferences(project, values.plugin ?? []), { searchPaths });
  const byId = matchers.get(name);
  if (byId) return byId;
  // Not a loaded matcher's ID: a plugin package, then.
  let provided: ReadonlyMap<string, IntentMatcher>;
  try {
    provided = await loadIntentMatchers([{ package: name, declaredIn: '--matcher' }], { searchPaths });
  } catch (error) {
    const reason = error instanceof Error ? error.message.replace(/^could not load 1 plugin\(s\):\n\s*/, '') : String(error);
    throw new UsageError(`eval: --matcher ${name}: no intent matcher "${name}" is loaded (loaded: ${[...matchers.keys()].join(', ')}), and as a plugin package: ${reason}`, EVAL_USAGE);
  }
  const [only, ...others] = provided.values();
  if (only && others.length === 0) return only;
  throw new UsageError(`eval: --matcher ${name}: the plugin provides ${provided.size === 0 ? 'no intent matcher' : `${provided.size} intent matchers (${[...provided.keys()].join(', ')}); load it with --plugin and name one with --matcher <id>`}`, EVAL_USAGE);
}

/** The progress bar's label for each phase of evaluateIntentMatcher. */
const PHASE_LABELS = { train: 'training', 'warm-up': 'warming up', evaluate: 'evaluating' } as const;

async function run(args: readonly string[], io: CliIO): Promise<number> {
  let values: { dataset?: string | undefined; matcher?: string | undefined; json?: boolean | undefined; config?: string | undefined; plugin?: string[] | undefined };
  try {
    ({ values } = parseArgs({ args: [...args], options: { ...PROJECT_ARGS, dataset: { type: 'string' }, matcher: { type: 'string', default: 'natural' }, json: { type: 'boolean', default: false } }, strict: true }));
  } catch (error) {
    throw new UsageError(`eval: ${(error as Error).message}`, EVAL_USAGE);
  }
  if (!values.dataset) throw new UsageError('eval: --dataset <file.jsonl> is required', EVAL_USAGE);
  const matcherName = values.matcher ?? 'natural';
  const dataset = await loadIntentDataset(resolve(io.cwd, values.dataset));
  const matcher = await chooseMatcher(matcherName, values, io.cwd);
  const bar = io.interactive ? progressBar(io) : undefined;
  let report;
  try {
    report = await evaluateIntentMatcher(matcher, dataset, { onProgress: (phase, done, total) => bar?.update(PHASE_LABELS[phase], done, total) });
  } finally {
    bar?.clear();
  }
  io.stdout.write(values.json ? `${JSON.stringify(report)}\n` : formatIntentEvalReport(report));
  return 0;
}

/** Errors (bad usage, bad dataset) become messages and exit codes in cli.ts. */
export const evalCommand: CliCommand = run;
