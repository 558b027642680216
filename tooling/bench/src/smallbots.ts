/**
 * Small-bot benchmark (issue 13): is the score right about GOOD on the small bots people build? Runs the protocol of
 * `evaluateSmallBots` (@bottango/eval) on CLINC150 test for 5×5, 10×10 and 15×20 (intents × phrases; 20 bots, seed 1)
 * for our `natural` matcher and NLP.js 4.27 in the same run, each (engine, setting) in its own child process that
 * imports only its own engine. Writes the table to BENCHMARKS.md and the plot of natural 10×10 to the matcher's docs.
 * Run: `pnpm bench smallbots` (or `node --expose-gc tooling/bench/dist/smallbots.js`).
 */
import { spawnSync } from 'node:child_process';
import { mkdirSync, existsSync, writeFileSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { evaluateSmallBots, loadIntentDataset, SMALL_BOTS_METRICS, renderSmallBotsSvg, type SmallBotsMatcher, type SmallBotsMetrics, type SmallBotsReport } from '@bottango/eval/small-bots';
import { machineLine, updateBenchmarksSection } from './benchmarks-file.js';
import { DATASETS_DIR } from './datasets-dir.js';
import { startNlpjs } from './nlpjs-peer.js';

const here = dirname(fileURLToPath(import.meta.url));
const ENGINES = ['natural', 'nlpjs'] as const;
type Engine = (typeof ENGINES)[number];
const ENGINE_LABELS: Record<Engine, string> = { natural: '@bottango/matcher-natural', nlpjs: 'NLP.js 4.27 (default)' };
const SETTINGS: readonly (readonly [intents: number, phrases: number])[] = [
  [5, 5],
  [10, 10],
  [15, 20],
];
const BOTS = 20;
const SEED = 1;
const DATASET = 'clinc150';
const PLOT = { engine: 'natural' as Engine, intents: 10, phrases: 10, file: resolve(here, '../../../plugins/matcher-natural/docs/small-bots-10x10.svg') };

async function naturalMatcher(): Promise<() => SmallBotsMatcher> {
  const { NaturalIntentMatcher } = await import('@bottango/matcher-natural/matcher');
  return () => new NaturalIntentMatcher();
}

/**
 * NLP.js with default settings, as in the nlu section: one dock, a new `Nlp` on its container per bot. Ranked by its
 * `classifications` without `None` (its "nothing matched" answer, given when the best score is below its own threshold).
 */
async function nlpjsMatcher(): Promise<() => SmallBotsMatcher> {
  const { newNlp } = await startNlpjs();
  return () => ({
    id: 'nlpjs',
    train: async (intents) => {
      const nlp = newNlp();
      nlp.addLanguage('en');
      for (const intent of intents) for (const text of intent.trainingPhrases) nlp.addDocument('en', text, intent.id);
      await nlp.train();
      return {
        classify: async (text) => {
          const result = await nlp.process('en', text);
          const ranked = (result.classifications ?? []).filter((c) => c.intent !== 'None').map((c) => ({ intentId: c.intent, score: c.score }));
          return { ranked: ranked.sort((x, y) => y.score - x.score) };
        },
      };
    },
  });
}

async function child(engine: Engine, intents: number, phrases: number): Promise<SmallBotsReport & { readonly seconds: number }> {
  const dataset = await loadIntentDataset(resolve(DATASETS_DIR, DATASET, `${DATASET}.jsonl`));
  const matcher = engine === 'natural' ? await naturalMatcher() : await nlpjsMatcher();
  const start = performance.now();
  const report = await evaluateSmallBots(dataset, { intents, phrases, bots: BOTS, seed: SEED, split: 'test', matcher });
  return { ...report, seconds: (performance.now() - start) / 1000 };
}

function runChild(engine: Engine, intents: number, phrases: number): SmallBotsReport & { readonly seconds: number } {
  const result = spawnSync(process.execPath, ['--expose-gc', fileURLToPath(import.meta.url), '--child', engine, String(intents), String(phrases)], {
    // NLP.js's dock loads every .js under ./plugins (recursively) and ./pipelines of the working directory: run where there are none.
    cwd: here,
    encoding: 'utf8',
    env: { ...process.env, DOTENV_CONFIG_QUIET: 'true', NODE_NO_WARNINGS: '1' },
    maxBuffer: 64 * 1024 * 1024,
  });
  const line = result.stdout.split('\n').find((l) => l.startsWith('RESULT '));
  if (result.status !== 0 || line === undefined) throw new Error(`smallbots bench: ${engine} ${intents}×${phrases} failed (${result.status ?? result.signal}): ${result.stderr.slice(-2000)}`);
  return JSON.parse(line.slice('RESULT '.length)) as SmallBotsReport & { seconds: number };
}

/** The commit measured, and whether the matcher's sources differ from it (the table is for committed code only when not). */
function revision(): string {
  const git = (...args: string[]): string | undefined => {
    const result = spawnSync('git', args, { cwd: resolve(here, '../../..'), encoding: 'utf8' });
    return result.status === 0 ? result.stdout.trim() : undefined;
  };
  const commit = git('rev-parse', '--short', 'HEAD');
  if (commit === undefined) return 'commit unknown';
  const dirty = git('status', '--porcelain', '--', 'plugins/matcher-natural/src', 'packages/eval/src');
  return `commit ${commit}${dirty === undefined || dirty === '' ? '' : ' with uncommitted changes to the matcher or the protocol'}`;
}


async function main(): Promise<void> {
  if (!existsSync(resolve(DATASETS_DIR, DATASET))) throw new Error(`smallbots bench: ${DATASET} not found in ${DATASETS_DIR} (set BOTTANGO_DATASETS)`);
  const table = [
    '| K×P | engine | in-scope acc@GOOD | top-1 | other-intent FA | `oos` FA | junk FA | ECE | s |',
    '| --- | --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: |',
  ];
  const spreads = ['| K×P | engine | acc@GOOD min–max | other-intent FA min–max | `oos` FA min–max | junk FA min–max | ECE min–max |', '| --- | --- | --- | --- | --- | --- | --- |'];
  const junkLines: string[] = [];
  for (const [intents, phrases] of SETTINGS) {
    for (const engine of ENGINES) {
      process.stderr.write(`smallbots: ${engine} ${intents}×${phrases}…\n`);
      const report = runChild(engine, intents, phrases);
      const s = report.summary;
      table.push(`| ${intents}×${phrases} | ${ENGINE_LABELS[engine]} | ${SMALL_BOTS_METRICS.map((c) => s[c]?.mean.toFixed(3) ?? 'n/a').join(' | ')} | ${report.seconds.toFixed(1)} |`);
      const range = (c: keyof SmallBotsMetrics): string => {
        const spread = s[c];
        return spread ? `${spread.min.toFixed(3)}–${spread.max.toFixed(3)}` : 'n/a';
      };
      spreads.push(`| ${intents}×${phrases} | ${ENGINE_LABELS[engine]} | ${range('accAtGood')} | ${range('otherIntentFalseAccept')} | ${range('oosFalseAccept')} | ${range('junkFalseAccept')} | ${range('ece')} |`);
      process.stderr.write(`${table[table.length - 1]}\n`);
      const accepted = report.junkAccepts.filter((j) => j.acceptedBy > 0).slice(0, 5);
      junkLines.push(`- ${intents}×${phrases}, ${ENGINE_LABELS[engine]}: ${accepted.length === 0 ? 'none' : accepted.map((j) => `“${j.text}” ${j.acceptedBy}/${BOTS}`).join(', ')}`);
      if (engine === PLOT.engine && intents === PLOT.intents && phrases === PLOT.phrases) {
        mkdirSync(dirname(PLOT.file), { recursive: true });
        writeFileSync(PLOT.file, renderSmallBotsSvg({ ...report, dataset: `${DATASET}.jsonl` }));
      }
    }
  }
  const markdown = [
    '## Small bots: is the score right about GOOD?',
    '',
    `Command: \`pnpm bench smallbots\`. ${machineLine()}, ${revision()}.`,
    `CLINC150 test split, ${BOTS} bots per setting, seed ${SEED}, the protocol of \`evaluateSmallBots\` (\`@bottango/eval\`; the same as`,
    '`bottango eval --small-bots`): each bot has K intents × P training phrases drawn from train; it is asked up to 20 test',
    'utterances per intent (in-scope), 200 test utterances of other CLINC150 intents, 200 `oos` ones and the 60 inputs of the',
    "project's junk list (`SMALL_BOTS_JUNK`). Accept = top score ≥ GOOD (0.60). acc@GOOD: in-scope with the right intent at GOOD;",
    'top-1: the right intent, any score; FA: share accepted. ECE: 10 bins of the top score over in-scope and out-of-scope inputs,',
    'where an out-of-scope input is never correct. Means over the bots; `s`: wall seconds for the 20 bots (training and',
    'classification). Each (engine, setting) runs in its own child process; NLP.js with default settings, its `None` counted as',
    'no intent.',
    '',
    ...table,
    '',
    'Spread over the 20 bots:',
    '',
    ...spreads,
    '',
    'Junk accepted by the most bots:',
    '',
    ...junkLines,
    '',
    'The reliability diagram and score distributions of natural 10×10: [`plugins/matcher-natural/docs/small-bots-10x10.svg`](plugins/matcher-natural/docs/small-bots-10x10.svg).',
  ].join('\n');
  updateBenchmarksSection('smallbots', markdown);
  process.stdout.write(`${markdown}\n`);
}

if (process.argv[2] === '--child') {
  const [engine, intents, phrases] = [process.argv[3] as Engine, Number(process.argv[4]), Number(process.argv[5])];
  // NLP.js logs through console; keep stdout for the result line only.
  console.log = () => undefined;
  console.info = () => undefined;
  const result = await child(engine, intents, phrases);
  process.stdout.write(`RESULT ${JSON.stringify(result)}\n`);
} else {
  await main();
}
