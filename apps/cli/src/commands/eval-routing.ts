import { resolve } from 'node:path';
import { parseArgs } from 'node:util';
import { ROUTING_MODES, evaluateRouting, formatRoutingReport, type RoutingMode } from '@bottango/eval';
import type { CliCommand, CliIO } from '../io.js';
import { progressBar } from '../progress.js';
import { UsageError } from '../usage-error.js';

export const EVAL_ROUTING_USAGE = `bottango eval-routing --dataset <file.jsonl> --domains <file.json> --mode group|intent|message [--group-aware <n>] [--split test|val] [--json]
  Builds one bot per domain of <file.json> ({"<domain>": ["<intent>", ...]}), each intent a dialog trained on the dataset's
  train split, plus a concierge, and sends every test utterance to the concierge as the first message of a new conversation.
  --mode group     all bots in one collaborative group, the concierge owns no intents: automatic transfers
  --mode intent    the concierge owns every intent and transfers with the intent ID in the Tango Context
  --mode message   the concierge recognises the intent only to choose the bot and transfers with the user message only
  --group-aware    group mode: train each bot with <n> phrases of every intent of the other bots as out-of-scope examples
                   (the runtime's groupAwareTraining; default 5, 0 turns it off)
  --split          route the val split instead of test (to choose options without looking at test)
  The "oos" intent is never a bot intent. --json prints one JSON object (routingAccuracy, seamless, oosKept, p50Ms, p99Ms, loadSeconds, ...).`;

async function run(args: readonly string[], io: CliIO): Promise<number> {
  let values: { dataset?: string | undefined; domains?: string | undefined; mode?: string | undefined; 'group-aware'?: string | undefined; split?: string | undefined; json?: boolean | undefined };
  try {
    ({ values } = parseArgs({
      args: [...args],
      options: {
        dataset: { type: 'string' },
        domains: { type: 'string' },
        mode: { type: 'string' },
        'group-aware': { type: 'string' },
        split: { type: 'string', default: 'test' },
        json: { type: 'boolean', default: false },
      },
      strict: true,
    }));
  } catch (error) {
    throw new UsageError(`eval-routing: ${(error as Error).message}`, EVAL_ROUTING_USAGE);
  }
  if (!values.dataset) throw new UsageError('eval-routing: --dataset <file.jsonl> is required', EVAL_ROUTING_USAGE);
  if (!values.domains) throw new UsageError('eval-routing: --domains <file.json> is required', EVAL_ROUTING_USAGE);
  if (!values.mode) throw new UsageError(`eval-routing: --mode is required (${ROUTING_MODES.join(', ')})`, EVAL_ROUTING_USAGE);
  if (!(ROUTING_MODES as readonly string[]).includes(values.mode)) {
    throw new UsageError(`eval-routing: --mode must be one of ${ROUTING_MODES.join(', ')}, got "${values.mode}"`, EVAL_ROUTING_USAGE);
  }
  const split = values.split ?? 'test';
  if (split !== 'test' && split !== 'val') throw new UsageError(`eval-routing: --split must be test or val, got "${split}"`, EVAL_ROUTING_USAGE);
  const groupAwareRaw = values['group-aware'];
  const groupAware = groupAwareRaw === undefined ? undefined : Number(groupAwareRaw);
  if (groupAware !== undefined && (!Number.isInteger(groupAware) || groupAware < 0)) {
    throw new UsageError(`eval-routing: --group-aware must be a whole number ≥ 0, got "${groupAwareRaw}"`, EVAL_ROUTING_USAGE);
  }

  const bar = io.interactive ? progressBar(io) : undefined;
  let report;
  try {
    report = await evaluateRouting({
      datasetFile: resolve(io.cwd, values.dataset),
      domainsFile: resolve(io.cwd, values.domains),
      mode: values.mode as RoutingMode,
      split,
      ...(groupAware === undefined ? {} : { groupAwareTraining: groupAware }),
      onProgress: (phase, done, total) => bar?.update(phase === 'load' ? 'training bots' : 'routing', done, total),
    });
  } finally {
    bar?.clear();
  }
  io.stdout.write(values.json ? `${JSON.stringify(report)}\n` : formatRoutingReport(report));
  return 0;
}

/** Errors (bad usage, bad dataset) become messages and exit codes in cli.ts. */
export const evalRoutingCommand: CliCommand = run;
