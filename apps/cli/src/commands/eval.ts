import { resolve } from 'node:path';
import { parseArgs } from 'node:util';
import { BottangoError, type IntentMatcher } from '@bottango/core';
import { evaluateIntentMatcher, formatIntentEvalReport, loadIntentDataset } from '@bottango/eval';
import { NaturalIntentMatcher } from '@bottango/matcher-natural';
import type { CliCommand, CliIO } from '../io.js';
import { UsageError } from '../usage-error.js';

export const EVAL_USAGE = `bottango eval --dataset <file.jsonl> [--matcher natural|compromise|<package name>] [--json]
  Trains an intent matcher on the dataset's train split and measures it on its test split (nothing is tuned on test).
  Lines are {"text","intent","split"} with split train|val|test; intent "oos" marks out-of-scope examples
  (then the matcher trains on in-scope intents only and a top score below GOOD counts as out-of-scope).
  --json prints one JSON object (accuracy, macroF1, inScopeAccuracy, oosRecall, trainSeconds, utterancesPerSecond, p99Ms, peakRssMb, ...).`;

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

/** A one-line progress bar on stderr, redrawn in place. */
function progressBar(io: CliIO): { update(label: string, done: number, total: number): void; clear(): void } {
  let last = '';
  return {
    update(label, done, total) {
      const width = 30;
      const filled = total > 0 ? Math.round((done / total) * width) : 0;
      const line = `${label.padEnd(10)} [${'#'.repeat(filled)}${'-'.repeat(width - filled)}] ${done}/${total}`;
      if (line !== last) io.stderr.write(`\r${line}`);
      last = line;
    },
    clear() {
      if (last !== '') io.stderr.write(`\r${' '.repeat(last.length)}\r`);
      last = '';
    },
  };
}

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
    report = await evaluateIntentMatcher(matcher, dataset, { onProgress: (phase, done, total) => bar?.update(phase === 'train' ? 'training' : 'evaluating', done, total) });
  } finally {
    bar?.clear();
  }
  io.stdout.write(values.json ? `${JSON.stringify(report)}\n` : formatIntentEvalReport(report));
  return 0;
}

export const evalCommand: CliCommand = async (args, io) => {
  try {
    return await run(args, io);
  } catch (error) {
    if (error instanceof UsageError) {
      io.stderr.write(`bottango ${error.message}\n\n${error.usage}\n`);
      return 2;
    }
    if (BottangoError.is(error, 'INVALID_DATASET')) {
      io.stderr.write(`bottango eval: ${error.message}\n`);
      return 2;
    }
    throw error;
  }
};
