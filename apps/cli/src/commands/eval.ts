import { stat, writeFile } from 'node:fs/promises';
import { dirname, resolve } from 'node:path';
import { parseArgs } from 'node:util';
import type { IntentMatcher } from '@bottango/core';
import { evaluateIntentMatcher, evaluateSmallBots, formatIntentEvalReport, formatSmallBotsReport, loadIntentDataset, renderSmallBotsSvg, type IntentDataset } from '@bottango/eval';
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
bottango eval --dataset <file.jsonl> --small-bots --intents K --phrases P --bots N --seed S [--split test|val] [--matcher …] [--json] [--plot <file.svg>]
  The small-bot protocol (see @bottango/eval): N bots of K intents × P training phrases drawn from train (seeded), each
  asked up to 20 in-scope utterances of the split per intent, 200 of other intents, 200 oos ones and 60 junk inputs.
  Prints acc@GOOD, top-1, other-intent / oos / junk false accept (top score ≥ 0.60) and ECE: mean and min–max over
  the bots. --split val (default test) to tune without touching test. --plot writes a reliability diagram and the
  score distributions as one SVG.
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

function count(name: 'intents' | 'phrases' | 'bots' | 'seed', value: string | undefined): number {
  if (value === undefined) throw new UsageError(`eval: --small-bots needs --${name}`, EVAL_USAGE);
  const parsed = Number(value);
  if (!/^\d+$/.test(value) || !Number.isSafeInteger(parsed) || (name !== 'seed' && parsed < 1)) {
    throw new UsageError(`eval: --${name} must be ${name === 'seed' ? 'a whole number ≥ 0' : 'a whole number ≥ 1'}, got ${JSON.stringify(value)}`, EVAL_USAGE);
  }
  return parsed;
}

interface EvalValues {
  readonly matcher?: string | undefined;
  readonly json?: boolean | undefined;
  readonly config?: string | undefined;
  readonly plugin?: string[] | undefined;
  readonly intents?: string | undefined;
  readonly phrases?: string | undefined;
  readonly bots?: string | undefined;
  readonly seed?: string | undefined;
  readonly split?: string | undefined;
  readonly plot?: string | undefined;
}

/** `--small-bots`: the small-bot protocol of @bottango/eval, with the matcher chosen as for a plain eval. */
async function runSmallBots(dataset: IntentDataset, values: EvalValues, io: CliIO): Promise<number> {
  const intents = count('intents', values.intents);
  const phrases = count('phrases', values.phrases);
  const bots = count('bots', values.bots);
  const seed = count('seed', values.seed);
  const split = values.split ?? 'test';
  if (split !== 'test' && split !== 'val') throw new UsageError(`eval: --split must be test or val, got ${JSON.stringify(split)}`, EVAL_USAGE);
  // The plot's folder is checked before the work, not after it: a run of many bots is not lost to a typo.
  const plot = values.plot === undefined ? undefined : resolve(io.cwd, values.plot);
  if (plot !== undefined && !(await stat(dirname(plot)).catch(() => undefined))?.isDirectory()) {
    throw new UsageError(`eval: --plot ${values.plot}: the folder ${dirname(plot)} does not exist`, EVAL_USAGE);
  }
  const matcher = await chooseMatcher(values.matcher ?? 'natural', values, io.cwd);
  const bar = io.interactive ? progressBar(io) : undefined;
  let report;
  try {
    // One matcher instance trains every bot: train() builds a new classifier for each set of intents.
    report = await evaluateSmallBots(dataset, { intents, phrases, bots, seed, split, matcher: () => matcher, onBot: (done, total) => bar?.update('bots', done, total) });
  } finally {
    bar?.clear();
  }
  io.stdout.write(values.json ? `${JSON.stringify(report)}\n` : formatSmallBotsReport(report));
  const short = report.perBot.filter((b) => b.trainPhrases < intents * phrases).length;
  if (short > 0) io.stderr.write(`bottango eval: ${short} of ${bots} bots have intents with fewer than ${phrases} train examples; they train on all there are (trainPhrases per bot in --json)\n`);
  if (plot !== undefined) {
    try {
      await writeFile(plot, renderSmallBotsSvg(report));
    } catch (error) {
      io.stderr.write(`bottango eval: cannot write the plot ${plot} (${(error as NodeJS.ErrnoException).code ?? String(error)}); the figures are above\n`);
      return 2;
    }
  }
  return 0;
}

async function run(args: readonly string[], io: CliIO): Promise<number> {
  let values: EvalValues & { dataset?: string | undefined; 'small-bots'?: boolean | undefined };
  try {
    ({ values } = parseArgs({
      args: [...args],
      options: {
        ...PROJECT_ARGS,
        dataset: { type: 'string' },
        matcher: { type: 'string', default: 'natural' },
        json: { type: 'boolean', default: false },
        'small-bots': { type: 'boolean', default: false },
        intents: { type: 'string' },
        phrases: { type: 'string' },
        bots: { type: 'string' },
        seed: { type: 'string' },
        split: { type: 'string' },
        plot: { type: 'string' },
      },
      strict: true,
    }));
  } catch (error) {
    throw new UsageError(`eval: ${(error as Error).message}`, EVAL_USAGE);
  }
  if (!values.dataset) throw new UsageError('eval: --dataset <file.jsonl> is required', EVAL_USAGE);
  const smallBotsOnly = (['intents', 'phrases', 'bots', 'seed', 'split', 'plot'] as const).filter((name) => values[name] !== undefined);
  if (!values['small-bots'] && smallBotsOnly.length > 0) throw new UsageError(`eval: --${smallBotsOnly.join(', --')} only with --small-bots`, EVAL_USAGE);
  const dataset = await loadIntentDataset(resolve(io.cwd, values.dataset));
  if (values['small-bots']) return runSmallBots(dataset, values, io);
  const matcherName = values.matcher ?? 'natural';
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
