/**
 * NLU benchmark: our `natural` matcher against NLP.js (default settings) on public corpora, in one run.
 * Each (engine, dataset) runs in its own child process, so training time, peak RSS and latency are its own; a child
 * imports only its own engine (ours without the inversify module), so neither pays for the other's code.
 * Before timing, each engine classifies every training text once (warm-up: JIT, caches), for both engines alike, through
 * the timing loop `bottango eval` uses too (`timeEach` of @bottango/eval).
 * Run: `pnpm bench nlu` (or `node --expose-gc tooling/bench/dist/nlu.js`).
 */
import { spawnSync } from 'node:child_process';
import { readFileSync, existsSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { CONFIDENCE_THRESHOLDS } from '@bottango/core';
import { timeEach } from '@bottango/eval/timing';
import { machineLine, updateBenchmarksSection } from './benchmarks-file.js';
import { DATASETS_DIR } from './datasets-dir.js';
import { startNlpjs } from './nlpjs-peer.js';
import { quantile } from './quantile.js';

const here = dirname(fileURLToPath(import.meta.url));
const ENGINES = ['natural', 'nlpjs'] as const;
type Engine = (typeof ENGINES)[number];

interface Example {
  readonly text: string;
  readonly intent: string;
  readonly split: string;
}

/** What one child measures for one engine on one dataset. */
interface RunResult {
  readonly engine: Engine;
  readonly dataset: string;
  readonly test: number;
  readonly correct: number;
  readonly inScope: number;
  readonly inScopeCorrect: number;
  readonly oos: number;
  readonly oosRejected: number;
  readonly trainSeconds: number;
  readonly utterancesPerSecond: number;
  readonly p99Ms: number;
  readonly peakRssMb: number;
}

function loadExamples(name: string): Example[] {
  const file = resolve(DATASETS_DIR, name, `${name}.jsonl`);
  return readFileSync(file, 'utf8')
    .split('\n')
    .filter((l) => l.trim().length > 0)
    .map((l) => JSON.parse(l) as Example);
}

/** Trains on in-scope train examples; returns a classify function giving the top intent and its score. */
interface Classified {
  readonly intent: string | undefined;
  readonly score: number;
}
type Trained = (text: string) => Classified | Promise<Classified>;

async function trainNatural(intents: Map<string, string[]>): Promise<Trained> {
  const { NaturalIntentMatcher } = await import('@bottango/matcher-natural/matcher');
  const classifier = await new NaturalIntentMatcher().train([...intents].map(([id, trainingPhrases]) => ({ id, name: id, trainingPhrases })));
  return (text) => {
    const best = classifier.classify(text).ranked[0];
    return { intent: best?.intentId, score: best?.score ?? 0 };
  };
}

async function trainNlpjs(intents: Map<string, string[]>): Promise<Trained> {
  const { nlp } = await startNlpjs();
  nlp.addLanguage('en');
  for (const [intent, phrases] of intents) for (const text of phrases) nlp.addDocument('en', text, intent);
  await nlp.train();
  return async (text) => {
    const result = await nlp.process('en', text);
    return { intent: result.intent, score: result.score };
  };
}

interface Measured {
  readonly latencies: Float64Array;
  readonly utterancesPerSecond: number;
  readonly correct: number;
  readonly inScope: number;
  readonly inScopeCorrect: number;
  readonly oos: number;
  readonly oosRejected: number;
}

/**
 * Classifies every test example, timing each call, after classifying every training text once (warm-up): the timing
 * loop `bottango eval` uses too (`timeEach` of @bottango/eval), so both report the same speed. Then counts correct predictions.
 */
async function measure(classify: Trained, test: readonly Example[], warmUp: readonly string[], hasOos: boolean): Promise<Measured> {
  const timed = await timeEach(test.map((e) => e.text), classify, { warmUp });
  let correct = 0;
  let inScope = 0;
  let inScopeCorrect = 0;
  let oos = 0;
  let oosRejected = 0;
  test.forEach((e, i) => {
    const { intent, score } = timed.results[i] as Classified;
    // Same rule for both engines: with out-of-scope data, a top score below GOOD (or NLP.js's own None) predicts out-of-scope.
    const predicted = hasOos ? (intent !== undefined && intent !== 'None' && score >= CONFIDENCE_THRESHOLDS.GOOD ? intent : 'oos') : intent;
    if (predicted === e.intent) correct++;
    if (e.intent === 'oos') {
      oos++;
      if (predicted === 'oos') oosRejected++;
    } else {
      inScope++;
      if (predicted === e.intent) inScopeCorrect++;
    }
  });
  return { latencies: timed.sortedLatenciesMs, utterancesPerSecond: timed.perSecond, correct, inScope, inScopeCorrect, oos, oosRejected };
}

async function child(engine: Engine, dataset: string): Promise<RunResult> {
  // Keep only what is used (in-scope train texts by intent, test examples), not every parsed line.
  const intents = new Map<string, string[]>();
  const test: Example[] = [];
  let hasOos = false;
  for (const e of loadExamples(dataset)) {
    if (e.intent === 'oos') hasOos = true;
    if (e.split === 'test') test.push(e);
    if (e.split !== 'train' || e.intent === 'oos') continue;
    let list = intents.get(e.intent);
    if (!list) intents.set(e.intent, (list = []));
    list.push(e.text);
  }
  const start = performance.now();
  const classify = engine === 'natural' ? await trainNatural(intents) : await trainNlpjs(intents);
  const trainSeconds = (performance.now() - start) / 1000;
  const warmUp = [...intents.values()].flat();
  const { latencies, utterancesPerSecond, correct, inScope, inScopeCorrect, oos, oosRejected } = await measure(classify, test, warmUp, hasOos);
  return {
    engine,
    dataset,
    test: test.length,
    correct,
    inScope,
    inScopeCorrect,
    oos,
    oosRejected,
    trainSeconds,
    utterancesPerSecond,
    p99Ms: quantile(latencies, 0.99),
    peakRssMb: process.resourceUsage().maxRSS / 1024,
  };
}

function runChild(engine: Engine, dataset: string): RunResult {
  const result = spawnSync(process.execPath, ['--expose-gc', fileURLToPath(import.meta.url), '--child', engine, dataset], {
    // NLP.js's dock loads every .js under ./plugins (recursively) and ./pipelines of the working directory: run where there are none.
    cwd: here,
    encoding: 'utf8',
    env: { ...process.env, DOTENV_CONFIG_QUIET: 'true', NODE_NO_WARNINGS: '1' },
    maxBuffer: 64 * 1024 * 1024,
  });
  const line = result.stdout.split('\n').find((l) => l.startsWith('RESULT '));
  if (result.status !== 0 || line === undefined) throw new Error(`nlu bench: ${engine} on ${dataset} failed (${result.status ?? result.signal}): ${result.stderr.slice(-2000)}`);
  return JSON.parse(line.slice('RESULT '.length)) as RunResult;
}

const BRAUN = ['chatbot', 'askubuntu', 'webapplications'];
const ROWS: readonly { readonly label: string; readonly datasets: readonly string[] }[] = [
  { label: 'Braun et al. (3 corpora, pooled)', datasets: BRAUN },
  { label: 'CLINC150 full', datasets: ['clinc150'] },
  { label: 'SNIPS 2017', datasets: ['snips'] },
];

interface Pooled {
  accuracy: number;
  inScopeAccuracy: number | undefined;
  oosRecall: number | undefined;
  trainSeconds: number;
  utterancesPerSecond: number;
  p99Ms: number;
  peakRssMb: number;
}

function pool(results: readonly RunResult[]): Pooled {
  const test = results.reduce((s, r) => s + r.test, 0);
  const oos = results.reduce((s, r) => s + r.oos, 0);
  const inScope = results.reduce((s, r) => s + r.inScope, 0);
  return {
    accuracy: results.reduce((s, r) => s + r.correct, 0) / test,
    inScopeAccuracy: oos > 0 ? results.reduce((s, r) => s + r.inScopeCorrect, 0) / inScope : undefined,
    oosRecall: oos > 0 ? results.reduce((s, r) => s + r.oosRejected, 0) / oos : undefined,
    trainSeconds: results.reduce((s, r) => s + r.trainSeconds, 0),
    utterancesPerSecond: test / results.reduce((s, r) => s + r.test / r.utterancesPerSecond, 0),
    p99Ms: Math.max(...results.map((r) => r.p99Ms)),
    peakRssMb: Math.max(...results.map((r) => r.peakRssMb)),
  };
}

const f3 = (x: number | undefined): string => (x === undefined ? '–' : x.toFixed(3));

async function main(): Promise<void> {
  if (!existsSync(DATASETS_DIR)) throw new Error(`nlu bench: datasets not found at ${DATASETS_DIR} (set BOTTANGO_DATASETS)`);
  const table = ['| dataset | engine | accuracy | in-scope acc. | oos recall | train s | utt/s | p99 ms | peak RSS MB |', '| --- | --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: |'];
  const ratios: string[] = [];
  for (const row of ROWS) {
    const pooled = {} as Record<Engine, Pooled>;
    for (const engine of ENGINES) {
      const results = row.datasets.map((d) => {
        process.stderr.write(`nlu: ${engine} on ${d}…\n`);
        return runChild(engine, d);
      });
      const p = pool(results);
      pooled[engine] = p;
      table.push(
        `| ${row.label} | ${engine === 'natural' ? '@bottango/matcher-natural' : 'NLP.js 4.27 (default)'} | ${f3(p.accuracy)} | ${f3(p.inScopeAccuracy)} | ${f3(p.oosRecall)} | ${p.trainSeconds.toFixed(2)} | ${Math.round(p.utterancesPerSecond).toLocaleString('en-US')} | ${p.p99Ms.toFixed(3)} | ${p.peakRssMb.toFixed(0)} |`,
      );
      process.stderr.write(`${table[table.length - 1]}\n`);
    }
    const ours = pooled.natural;
    const theirs = pooled.nlpjs;
    ratios.push(
      `| ${row.label} | ${(ours.accuracy - theirs.accuracy >= 0 ? '+' : '')}${(ours.accuracy - theirs.accuracy).toFixed(3)} | ${(ours.utterancesPerSecond / theirs.utterancesPerSecond).toFixed(1)}× | ${(ours.trainSeconds / theirs.trainSeconds).toFixed(3)} | ${(ours.peakRssMb / theirs.peakRssMb).toFixed(2)} |`,
    );
  }
  const markdown = [
    '## NLU: @bottango/matcher-natural vs NLP.js',
    '',
    `Command: \`pnpm bench nlu\`. ${machineLine()}.`,
    'Each engine trains on the train split (in-scope only for CLINC150) and is measured on the test split, each dataset in its own',
    'child process that loads only that engine. Each engine classifies every training text once before the test split is timed',
    '(warm-up; the same timing loop as `bottango eval`). Accuracy for CLINC150 counts a top score below GOOD (0.60) as out-of-scope, for both engines. Braun rows pool the',
    'test predictions of Chatbot, AskUbuntu and WebApplications; their train seconds are summed, RSS and p99 are the maxima.',
    '',
    ...table,
    '',
    '| dataset | accuracy ours − NLP.js | throughput ours / NLP.js | train time ours / NLP.js | peak RSS ours / NLP.js |',
    '| --- | ---: | ---: | ---: | ---: |',
    ...ratios,
  ].join('\n');
  updateBenchmarksSection('nlu', markdown);
  process.stdout.write(`${markdown}\n`);
}

if (process.argv[2] === '--child') {
  const [engine, dataset] = [process.argv[3] as Engine, process.argv[4] as string];
  // NLP.js logs through console; keep stdout for the result line only.
  console.log = () => undefined;
  console.info = () => undefined;
  const result = await child(engine, dataset);
  process.stdout.write(`RESULT ${JSON.stringify(result)}\n`);
} else {
  await main();
}
