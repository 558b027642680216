/**
 * Routing benchmark: CLINC150 as ten bots (one per domain) plus a concierge, in the three ways a conversation can reach
 * the right bot — group (automatic transfers), intent (manual transfer with the intent ID), message (manual transfer with
 * the user message only). Every test utterance is the first message of a new conversation, through the real runtime.
 * Each run is its own child process, so load time, heap and latency are its own.
 * Run: `pnpm bench routing` (or `node --expose-gc tooling/bench/dist/routing.js`).
 */
import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { evaluateRouting, type RoutingMode, type RoutingReport } from '@bottango/eval';
import { machineLine, updateBenchmarksSection } from './benchmarks-file.js';
import { DATASETS_DIR } from './datasets-dir.js';

const DATASET = resolve(DATASETS_DIR, 'clinc150/clinc150.jsonl');
const DOMAINS = resolve(DATASETS_DIR, 'clinc150/domains.json');

const TARGETS = { routingAccuracy: 0.92, oosKept: 0.55, p99Ms: 5 } as const;
/** Group-aware training sizes shown on the val split (member classifiers): the evidence for the runtime's default (5). */
const GROUP_AWARE_CANDIDATES = [0, 5, 10] as const;

interface Run {
  readonly mode: RoutingMode;
  /** The runtime's groupAwareTraining; undefined = its default. */
  readonly groupAware?: number;
  /** The runtime's groupClassifier; undefined = its default (on). */
  readonly groupClassifier?: boolean;
  readonly split: 'test' | 'val';
}

function runChild(run: Run): RoutingReport {
  const result = spawnSync(process.execPath, ['--expose-gc', fileURLToPath(import.meta.url), '--child', JSON.stringify(run)], {
    encoding: 'utf8',
    env: { ...process.env, DOTENV_CONFIG_QUIET: 'true', NODE_NO_WARNINGS: '1' },
    maxBuffer: 64 * 1024 * 1024,
  });
  const line = result.stdout.split('\n').find((l) => l.startsWith('RESULT '));
  if (result.status !== 0 || line === undefined) throw new Error(`routing bench: ${JSON.stringify(run)} failed (${result.status ?? result.signal}): ${result.stderr.slice(-2000)}`);
  return JSON.parse(line.slice('RESULT '.length)) as RoutingReport;
}

async function child(run: Run): Promise<RoutingReport> {
  return evaluateRouting({
    datasetFile: DATASET,
    domainsFile: DOMAINS,
    mode: run.mode,
    split: run.split,
    ...(run.groupAware === undefined ? {} : { groupAwareTraining: run.groupAware }),
    ...(run.groupClassifier === undefined ? {} : { groupClassifier: run.groupClassifier }),
    warmUp: 500,
  });
}

const f3 = (x: number | undefined): string => (x === undefined ? '–' : x.toFixed(3));
const mark = (ok: boolean): string => (ok ? '✓' : '✗');

const LABELS: Record<RoutingMode, string> = {
  group: 'group (automatic transfer)',
  intent: 'intent (manual, intent ID in Tango Context)',
  message: 'message (manual, user message only)',
};

async function main(): Promise<void> {
  if (!existsSync(DATASET) || !existsSync(DOMAINS)) throw new Error(`routing bench: ${DATASET} or ${DOMAINS} not found (set BOTTANGO_DATASETS)`);
  process.stderr.write('routing: group mode options on the val split…\n');
  const onVal = GROUP_AWARE_CANDIDATES.map((n) => {
    const r = runChild({ mode: 'group', groupAware: n, groupClassifier: false, split: 'val' });
    process.stderr.write(`  val, member classifiers, ${n} phrases per intent: routing accuracy ${f3(r.routingAccuracy)}, oos kept ${f3(r.oosKept)}\n`);
    return { n, accuracy: r.routingAccuracy, oosKept: r.oosKept };
  });
  const groupClassifierOnVal = runChild({ mode: 'group', split: 'val' });
  process.stderr.write(`  val, group classifier: routing accuracy ${f3(groupClassifierOnVal.routingAccuracy)}, oos kept ${f3(groupClassifierOnVal.oosKept)}\n`);

  const runs: { label: string; run: Run }[] = [
    { label: `${LABELS.group}, member classifiers (groupClassifier: false; group-aware training, 5 phrases per intent)`, run: { mode: 'group', groupClassifier: false, split: 'test' } },
    { label: `${LABELS.group}, runtime default (group classifier)`, run: { mode: 'group', split: 'test' } },
    { label: LABELS.intent, run: { mode: 'intent', split: 'test' } },
    { label: LABELS.message, run: { mode: 'message', split: 'test' } },
  ];
  const table = [
    '| mode | routing accuracy | right bot | in-scope → fallback | seamless | oos kept | oos → any fallback | p50 ms | p99 ms | load s | targets (acc ≥ 0.92, oos kept ≥ 0.55, p99 < 5 ms) |',
    '| --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | --- |',
  ];
  for (const { label, run } of runs) {
    process.stderr.write(`routing: ${label}…\n`);
    const r = runChild(run);
    const targets = `${mark(r.routingAccuracy >= TARGETS.routingAccuracy)} ${mark((r.oosKept ?? 0) >= TARGETS.oosKept)} ${mark(r.p99Ms < TARGETS.p99Ms)}`;
    table.push(
      `| ${label} | ${r.routingAccuracy.toFixed(4)} | ${f3(r.botAccuracy)} | ${f3(r.inScopeFallback)} | ${f3(r.seamless)} | ${f3(r.oosKept)} | ${f3(r.oosFallback)} | ${r.p50Ms.toFixed(3)} | ${r.p99Ms.toFixed(3)} | ${r.loadSeconds.toFixed(2)} | ${targets} |`,
    );
    process.stderr.write(`${table[table.length - 1]}\n`);
  }
  const markdown = [
    '## Routing across many bots: CLINC150 as ten bots + a concierge',
    '',
    `Command: \`pnpm bench routing\` (one run: \`pnpm bottango eval-routing --dataset datasets/clinc150/clinc150.jsonl --domains datasets/clinc150/domains.json --mode group|intent|message\`). ${machineLine()}.`,
    'One bot per CLINC150 domain (15 intents, each a dialog, trained on the train split) and a concierge that takes every test',
    'utterance (4,500 in-scope, 1,000 `oos`) as the first message of a new conversation, through the real runtime with the natural',
    'matcher; `oos` is never a bot intent. *Routing accuracy*: the conversation ends in the intent\'s bot with the intent\'s dialog',
    'started; *in-scope → fallback*: in-scope utterances no bot took (lost rather than misrouted). *Seamless*: of the correct',
    'routes, the receiver started the dialog straight after the transfer (no question, disambiguation or fallback first). *oos kept*: `oos` utterances that stay with the concierge and reach its fallback; *oos → any fallback*: that',
    'end in any bot\'s fallback. Latency is `runtime.send` of one utterance (routing and transfer included) after 500 warm-up',
    'messages; load is `createRuntime` (building and training all eleven bots, no model cache).',
    '',
    ...table,
    '',
    'Group classifier (the runtime\'s `groupClassifier`, on by default): automatic transfer ranks the members\' intents with one',
    'classifier trained on all of them, so every score is on one scale; with it off, each member\'s own classifier scores the',
    'text and the highest wins, though each was calibrated on its own 15 intents only. Chosen on the val split: group',
    `classifier ${f3(groupClassifierOnVal.routingAccuracy)} / oos kept ${f3(groupClassifierOnVal.oosKept)}; member classifiers ${onVal.map((x) => `N=${x.n}: ${f3(x.accuracy)} / ${f3(x.oosKept)}`).join('; ')}.`,
    'Group-aware training (the runtime\'s `groupAwareTraining`, on by default in collaborative groups) is N in that list: each',
    'bot of the group is trained with N train phrases of every intent of the other bots as out-of-scope examples, so a bot',
    'holding the conversation scores text another bot owns low instead of forcing it onto its nearest intent. The default',
    'N = 5 was chosen on the same val runs, never on test.',
    '',
    'Intent mode (one 150-intent classifier in the concierge; the receiver trusts the intent ID) matches the natural matcher\'s',
    'CLINC150 in-scope accuracy in the NLU section. In message mode the concierge uses the same classifier only to choose the',
    'receiving bot and hands over the user\'s words, which the receiver matches again with its own 15-intent classifier.',
  ].join('\n');
  updateBenchmarksSection('routing', markdown);
  process.stdout.write(`${markdown}\n`);
}

if (process.argv[2] === '--child') {
  const result = await child(JSON.parse(process.argv[3] as string) as Run);
  process.stdout.write(`RESULT ${JSON.stringify(result)}\n`);
} else {
  await main();
}
