import { resolve } from 'node:path';
import { parseArgs } from 'node:util';
import type { IntentMatcher } from '@bottango/core';
import { evaluateIntentMatcher, formatIntentEvalReport, loadIntentDataset } from '@bottango/eval';
import { NaturalIntentMatcher } from '@bottango/matcher-natural';
import type { CliCommand, CliIO } from '../io.js';
import { progressBar } from '../progress.js';
import { UsageError } from '../usage-error.js';

export const EVAL_USAGE = `bottango eval --dataset <file.jsonl> [--matcher natural|compromise|<package name>] [--json]
  Trains an intent matcher on the dataset's train split and measures it on its test split (nothing is tuned on test).
  Lines are {"text","intent","split"} with split train|val|test; intent "oos" marks out-of-scope examples
  (then the matcher trains on in-scope intents only and a top score below GOOD counts as out-of-scope).
  Speed is warm, as in pnpm bench nlu: every training text is classified once before the test split is timed.
  --json prints one JSON object (accuracy, macroF1, inScopeAccuracy, oosRecall, trainSeconds, warmUp, utterancesPerSecond, p99Ms, peakRssMb, ...).`;

/** Built-in matchers by id; anything else is imported as a package. */
const MATCHERS: Readonly<Record<string, () => Promise<IntentMatcher>>> = {
  natural: async () => new NaturalIntentMatcher(),
  compromise: async () => {
    const mod = (await import('@bottango/matcher-compromise')) as unknown as { CompromiseIntentMatcher: new () => IntentMatcher };
    return new mod.CompromiseIntentMatcher();
  },
};

function isIntentMatcher(value: unknown): value is IntentMatcher {
  return typeof value === 'object' && value !== null && typeof (value as IntentMatcher).id === 'string' && typeof (value as IntentMatcher).train === 'function';
}

/** Imports a package and instantiates the first exported class whose no-argument instance is an IntentMatcher. */
async function matcherFromPackage(name: string): Promise<IntentMatcher> {
  let mod: Record<string, unknown>;
  try {
    mod = (await import(name)) as Record<string, unknown>;
  } catch (cause) {
    throw new UsageError(`eval: --matcher ${name}: not a built-in matcher (natural, compromise) and the package cannot be imported: ${(cause as Error).message}`, EVAL_USAGE);
  }
  for (const value of Object.values(mod)) {
    if (typeof value !== 'function' || typeof (value as { prototype?: { train?: unknown } }).prototype?.train !== 'function') continue;
    try {
      const instance: unknown = new (value as new () => unknown)();
      if (isIntentMatcher(instance)) return instance;
    } catch {
      // needs constructor arguments: not usable here
    }
  }
  throw new UsageError(`eval: --matcher ${name}: the package exports no IntentMatcher class with a no-argument constructor`, EVAL_USAGE);
}

/** The progress bar's label for each phase of evaluateIntentMatcher. */
const PHASE_LABELS = { train: 'training', 'warm-up': 'warming up', evaluate: 'evaluating' } as const;

async function run(args: readonly string[], io: CliIO): Promise<number> {
  let values: { dataset?: string | undefined; matcher?: string | undefined; json?: boolean | undefined };
  try {
    ({ values } = parseArgs({ args: [...args], options: { dataset: { type: 'string' }, matcher: { type: 'string', default: 'natural' }, json: { type: 'boolean', default: false } }, strict: true }));
  } catch (error) {
    throw new UsageError(`eval: ${(error as Error).message}`, EVAL_USAGE);
  }
  if (!values.dataset) throw new UsageError('eval: --dataset <file.jsonl> is required', EVAL_USAGE);
  const matcherName = values.matcher ?? 'natural';
  const dataset = await loadIntentDataset(resolve(io.cwd, values.dataset));
  const create = MATCHERS[matcherName];
  const matcher = create ? await create() : await matcherFromPackage(matcherName);
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
